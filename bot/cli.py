"""The ``finbot`` console script.

Each capability registers its own sub-commands from its ``commands`` module, so this file only
assembles the command tree. Heavy imports (torch, transformers, faiss) happen inside the
commands, so ``finbot --help`` stays instant.
"""

from __future__ import annotations

import typer

from bot import commands as core_commands
from bot.dialogue import commands as dialogue_commands
from bot.fraud import commands as fraud_commands
from bot.intent import commands as intent_commands
from bot.knowledge import commands as knowledge_commands
from bot.ledger import commands as ledger_commands
from bot.repayment import commands as repayment_commands

app = typer.Typer(
    name="finbot",
    help="消费金融智能客服 — Chinese customer service for consumer-finance lenders.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)
train_app = typer.Typer(help="Train models from the data in models/.", no_args_is_help=True)
eval_app = typer.Typer(help="Evaluate models on labelled files; writes a report folder.", no_args_is_help=True)
index_app = typer.Typer(help="Build or update the knowledge index.", no_args_is_help=True)
app.add_typer(train_app, name="train")
app.add_typer(eval_app, name="eval")
app.add_typer(index_app, name="index")

@app.callback()
def check_company_file() -> None:
    """Every command reads the lender's names from FINBOT_COMPANY_FILE: a bad file stops it at once."""
    from bot.products import ProductNamesError, reload_product_names

    try:
        reload_product_names()
    except ProductNamesError as error:
        typer.echo(f"公司配置文件有误 / bad company file (FINBOT_COMPANY_FILE): {error}", err=True)
        raise typer.Exit(2) from error


groups = {"app": app, "train": train_app, "eval": eval_app, "index": index_app}
for module in (
    core_commands,
    intent_commands,
    knowledge_commands,
    fraud_commands,
    repayment_commands,
    dialogue_commands,
    ledger_commands,
):
    module.register(**groups)


if __name__ == "__main__":
    app()

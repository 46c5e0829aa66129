"""Dialogue commands: chat with the bot in the terminal."""

from __future__ import annotations

import typer


def chat(customer: str = typer.Option(None, help="Chat as this demo customer (e.g. c-1002) to use account skills.")) -> None:
    """Chat with the bot in the terminal (the same pipeline the service runs). Ctrl-D to quit."""
    from rich.console import Console

    from bot.api.services import load_services
    from bot.settings import get_settings
    from bot.store import DatabaseError

    console = Console()
    try:
        services = load_services(get_settings())
    except DatabaseError as error:  # a bad FINBOT_DATABASE_URL, or a schema to upgrade: the message says
        typer.echo(f"finbot chat: {error}", err=True)
        raise typer.Exit(2) from None
    if not services.ready:
        console.print(f"[red]not ready:[/red] {services.problem}")
        raise typer.Exit(1)
    session_id = services.chat.open_session(customer, channel="terminal")
    console.print("[bold]finbot[/bold] 您好，请输入您的问题（Ctrl-D 退出）。")
    while True:
        try:
            message = console.input("[cyan]您：[/cyan]")
        except (EOFError, KeyboardInterrupt):
            console.print()
            return
        if not message.strip():
            continue
        turn = services.chat.chat(message, session_id, customer)
        result = turn.result
        if result.warning:
            console.print(f"[bold white on red] 反诈提醒 [/bold white on red] [red]{result.warning}[/red]")
        console.print(f"[green]客服：[/green]{result.answer}")
        for source in result.sources:
            console.print(f"  [dim]出处：{source['source']}[/dim]")
        if result.quick_replies:
            console.print("  [dim]" + " · ".join(result.quick_replies) + "[/dim]")
        console.print(f"  [dim]({result.intent.intent} {result.intent.confidence:.2f} · {result.skill}"
                      f"{' · 转人工' if result.handoff else ''})[/dim]")


def register(app: typer.Typer, train: typer.Typer, eval: typer.Typer, index: typer.Typer) -> None:
    app.command()(chat)

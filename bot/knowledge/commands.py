"""Knowledge commands: build/ingest the index, ask a question, evaluate retrieval and similarity."""

from __future__ import annotations

import json
from pathlib import Path

import typer


def index_build(force: bool = typer.Option(False, "--force", help="Rebuild even if the index is current.")) -> None:
    """Build the knowledge index (re-embedding only passages whose text changed)."""
    from bot.knowledge import artefact
    from bot.knowledge.entries import KnowledgeError

    try:
        stats = artefact.build(force=force)
    except KnowledgeError as exc:
        typer.echo(f"error: {exc}\nThe previous index is kept.", err=True)
        raise typer.Exit(1) from None
    typer.echo(json.dumps({**artefact.status(), **stats}, ensure_ascii=False))


def index_ingest(paths: list[Path] = typer.Argument(..., help="Markdown, text, JSON/JSONL/CSV FAQ files or folders.")) -> None:
    """Add a lender's documents to the index; only new or changed chunks are embedded."""
    from bot.knowledge import artefact
    from bot.knowledge.entries import KnowledgeError
    from bot.knowledge.ingest import ingest_path
    from bot.settings import get_settings

    settings = get_settings()
    try:
        counts = {str(p): len(ingest_path(p)) for p in paths}  # validate before registering anything
        artefact.add_sources(settings, paths)
        stats = artefact.build(settings)
    except KnowledgeError as exc:
        typer.echo(f"error: {exc}\nThe previous index is kept.", err=True)
        raise typer.Exit(1) from None
    typer.echo(json.dumps({"chunks": counts, **stats}, ensure_ascii=False))


def ask(question: str = typer.Argument(..., help="客户问题"), k: int = typer.Option(5, "-k"),
        intent: str = typer.Option(None, help="Boost entries serving this intent."),
        as_json: bool = typer.Option(False, "--json")) -> None:
    """Show the knowledge hits for a question, with scores and sources."""
    from bot.knowledge.artefact import load_retriever

    retriever = load_retriever()
    hits = retriever.search(question, intent=intent, k=k, answerable_only=False)
    if as_json:
        typer.echo(json.dumps({"question": question, "no_answer_threshold": retriever.no_answer_threshold,
                               "hits": [h.as_dict() for h in hits if h.similarity >= retriever.no_answer_threshold]},
                              ensure_ascii=False))
        return
    for hit in hits:
        mark = "✔" if hit.similarity >= retriever.no_answer_threshold else "·"
        typer.echo(f"{mark} {hit.similarity:.3f} {hit.entry_id}  {hit.title}\n    出处：{hit.source}")
    if not any(h.similarity >= retriever.no_answer_threshold for h in hits):
        typer.echo("（知识库中没有足够相近的答案）")


def eval_retrieval(out: Path = typer.Option(..., help="Report folder."),
                   data: Path = typer.Option(None, help="JSONL of {query, gold: [entry ids]}; default: the authored set.")) -> None:
    """Recall@1/@5, MRR, no-answer precision/recall: hybrid beside BM25-only and dense-only."""
    from bot.artifacts import ArtifactError
    from bot.intent.artefact import load_shipped_classifier
    from bot.knowledge.artefact import load_retriever
    from bot.knowledge.evaluate import TEST_QUERIES, evaluate_modes, format_modes, read_queries

    try:
        queries = read_queries(data or TEST_QUERIES)
    except (OSError, ValueError) as exc:
        raise typer.BadParameter(str(exc)) from None
    retriever = load_retriever()
    unknown = sorted({g for q in queries for g in q["gold"]} - set(retriever.index.by_id))
    if unknown:
        raise typer.BadParameter(f"gold ids not in the index: {', '.join(unknown[:10])}")
    try:
        intent_classifier = load_shipped_classifier()
    except ArtifactError as exc:  # the retriever is evaluated alone, without the intent boost
        typer.echo(f"no intent model ({exc.problem}): skipping hybrid+intent", err=True)
        intent_classifier = None
    results = evaluate_modes(retriever, queries, intent_classifier)
    metrics = {**{k: results["hybrid"][k] for k in ("recall_at_1", "recall_at_5", "mrr", "no_answer_precision",
                                                    "no_answer_recall", "n")}, "modes": results}
    out.mkdir(parents=True, exist_ok=True)
    (out / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=2), encoding="utf-8")
    typer.echo(format_modes(results))


def eval_sts(data: Path = typer.Option(..., help="CSV with sentence1, sentence2, label."),
             out: Path = typer.Option(..., help="Report folder.")) -> None:
    """Spearman and ROC AUC of the backbone's cosine similarity on labelled sentence pairs."""
    from bot.knowledge.evaluate import evaluate_sts, read_pairs
    from bot.sentence_encoder import load_sentence_encoder

    try:
        first, second, labels = read_pairs(data)
    except (OSError, ValueError, KeyError) as exc:
        raise typer.BadParameter(str(exc)) from None
    metrics = evaluate_sts(load_sentence_encoder(), first, second, labels)
    out.mkdir(parents=True, exist_ok=True)
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2), encoding="utf-8")
    typer.echo(json.dumps(metrics))


def register(app: typer.Typer, train: typer.Typer, eval: typer.Typer, index: typer.Typer) -> None:
    index.command("build")(index_build)
    index.command("ingest")(index_ingest)
    app.command()(ask)
    eval.command("retrieval")(eval_retrieval)
    eval.command("sts")(eval_sts)

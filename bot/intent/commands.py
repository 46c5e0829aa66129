"""Intent commands: classify a message, train models, evaluate on labelled files, cross-validate."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from bot.intent.data import DataFileError


def intent(text: str = typer.Argument(..., help="客户消息"), top_k: int = typer.Option(3, "--top-k"),
           as_json: bool = typer.Option(False, "--json")) -> None:
    """Print the top intents of a message with calibrated probabilities."""
    from bot.intent.artefact import load_shipped_classifier

    prediction = load_shipped_classifier().classify(text, top_k)
    if as_json:
        typer.echo(json.dumps({"top": [{"intent": s.intent, "probability": round(s.probability, 4)} for s in prediction.top],
                               "confident": prediction.confident}, ensure_ascii=False))
        return
    for score in prediction.top:
        typer.echo(f"{score.intent:22s} {score.probability:.3f}")
    if not prediction.confident:
        typer.echo("(below the confidence threshold: the bot would ask a clarifying question)")


def train_intent(
    data: Path = typer.Option(None, help="Labelled training file (CSV/TSV/JSONL); default: the shipped split."),
    dev: Path = typer.Option(None, help="Labelled dev file for calibration; default: shipped dev split, or 10% of --data."),
    out: Path = typer.Option(None, help="Output folder; default: the shipped model in the cache."),
    epochs: int = typer.Option(None, help="Override the recipe's number of epochs."),
    baseline_only: bool = typer.Option(False, "--baseline-only", help="Train only the TF-IDF baseline."),
) -> None:
    """Train the intent model (transformer + TF-IDF baseline), calibrated on the dev split."""
    from bot.artifacts import sha256_file
    from bot.backbone import build_backbone
    from bot.intent import artefact
    from bot.intent.trainer import TrainingConfig, train_and_save
    from bot.settings import get_settings

    settings = get_settings()
    if data is None and out is None:
        artefact.build(settings, force=True)
        typer.echo(json.dumps(artefact.status(settings), ensure_ascii=False, indent=2))
        return
    train_rows, dev_rows, fingerprint = _training_rows(data, dev)
    if data is not None:
        fingerprint = sha256_file(data)
    backbone = build_backbone(settings)
    results = train_and_save(train_rows, dev_rows, out or settings.intent_model_dir, backbone.location,
                             backbone.model_id, TrainingConfig.from_file(epochs=epochs), fingerprint,
                             threads=settings.torch_threads, with_transformer=not baseline_only)
    typer.echo(json.dumps(results, ensure_ascii=False, indent=2))


def _training_rows(data: Path | None, dev: Path | None):
    from bot.intent.data import DEV_DIR, TRAIN_DIR, load_split, read_labelled_file, split_fingerprint

    try:
        if data is None:
            return load_split(TRAIN_DIR), load_split(DEV_DIR), split_fingerprint(TRAIN_DIR, DEV_DIR)
        rows = read_labelled_file(data)
        if dev is not None:
            return rows, read_labelled_file(dev), ""
        from sklearn.model_selection import train_test_split

        train_rows, dev_rows = train_test_split(rows, test_size=0.1, random_state=42, stratify=[r.label for r in rows])
        return train_rows, dev_rows, ""
    except DataFileError as exc:
        raise typer.BadParameter(str(exc)) from exc


def eval_intent(
    out: Path = typer.Option(..., help="Report folder to write."),
    data: Path = typer.Option(None, help="Labelled file (CSV/TSV/JSONL, text + label); default: the shipped test split."),
    model: Path = typer.Option(None, help="A trained model folder; default: the shipped transformer and baseline."),
) -> None:
    """Evaluate on a labelled file: metrics.json, confusion matrix, errors, reliability, HTML page."""
    from bot.evaluation.report import evaluate
    from bot.intent.data import TEST_DIR, load_split, read_labelled_file
    from bot.intent.modeling import load_classifier
    from bot.intent.taxonomy import roll_up
    from bot.settings import get_settings

    settings = get_settings()
    if model is None:
        from bot.intent import artefact

        if not artefact.status(settings)["ok"]:
            artefact.build(settings)
        models = {"main": artefact.model_dir(settings), "baseline": artefact.baseline_dir(settings)}
    else:
        models = {"main": model}
        if (model / "transformer").is_dir():
            models = {"main": model / "transformer", "baseline": model / "baseline"}
    classifiers = {name: load_classifier(path, settings.torch_threads, settings.inference_runtime) for name, path in models.items()}
    labels = set(classifiers["main"].labels)
    try:
        rows = load_split(TEST_DIR) if data is None else read_labelled_file(data)
    except DataFileError as exc:
        raise typer.BadParameter(str(exc)) from exc
    rows = [type(r)(r.text, roll_up(r.label) if r.label not in labels else r.label) for r in rows]
    unknown = sorted({r.label for r in rows} - labels)
    if unknown:
        raise typer.BadParameter(f"{data}: labels not known to the model: {', '.join(unknown[:10])}")
    metrics = evaluate(classifiers["main"], rows, out, title=f"intent evaluation: {data or 'shipped test split'}")
    if "baseline" in classifiers:
        base = evaluate(classifiers["baseline"], rows, out / "baseline", title="baseline (TF-IDF + LR)")
        metrics["baseline"] = {k: base[k] for k in ("accuracy", "macro_f1", "weighted_f1", "ece", "throughput")}
        from bot.evaluation.report import write_summary

        write_summary(out, metrics)
    typer.echo(json.dumps({k: metrics[k] for k in ("n", "accuracy", "macro_f1", "weighted_f1", "ece")}
                          | {"baseline": metrics.get("baseline", {}).get("accuracy"), "report": str(out / "index.html")},
                          ensure_ascii=False))


def crossval_intent(
    data: Path = typer.Option(..., help="Labelled training file (CSV/TSV/JSONL)."),
    folds: int = typer.Option(5, help="Number of folds."),
    out: Path = typer.Option(None, help="Write the per-fold metrics as JSON here."),
    transformer: bool = typer.Option(False, "--transformer", help="Also fine-tune the transformer per fold (slow)."),
) -> None:
    """k-fold cross-validation of a training file (stratified), baseline and optionally transformer."""
    from bot.intent.crossval import cross_validate

    try:
        from bot.intent.data import read_labelled_file

        rows = read_labelled_file(data)
    except DataFileError as exc:
        raise typer.BadParameter(str(exc)) from exc
    result = cross_validate(rows, folds, with_transformer=transformer)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    typer.echo(json.dumps({k: v for k, v in result.items() if k != "folds"}, ensure_ascii=False))


def register(app: typer.Typer, train: typer.Typer, eval: typer.Typer, index: typer.Typer) -> None:
    app.command("intent")(intent)
    train.command("intent")(train_intent)
    eval.command("intent")(eval_intent)
    eval.command("intent-cv")(crossval_intent)

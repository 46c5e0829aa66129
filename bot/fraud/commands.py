"""Anti-fraud commands: screen a message, train the classifier, evaluate the detector."""

from __future__ import annotations

import json
from pathlib import Path

import typer


def fraud(
    text: str = typer.Argument(..., help="客户消息，或客户粘贴的可疑短信/聊天内容"),
    as_json: bool = typer.Option(False, "--json", help='Print {"level", "scenario", "score", "evidence"}.'),
    patterns_only: bool = typer.Option(False, "--patterns-only", help="Use the lexicon stage alone."),
) -> None:
    """Assess a message for fraud risk: level, scenario, score and the evidence spans."""
    from bot.fraud.detector import FraudDetector
    from bot.fraud.policy import respond

    detector = FraudDetector.load(use_classifier=not patterns_only)
    assessment = detector.assess(text)
    if as_json:
        typer.echo(json.dumps(assessment.to_dict(), ensure_ascii=False))
        return
    scenario = detector.catalogue.scenarios.get(assessment.scenario) if assessment.scenario else None
    typer.echo(f"level:    {assessment.level}")
    typer.echo(f"scenario: {assessment.scenario or '-'}{f'（{scenario.name}）' if scenario else ''}")
    typer.echo(f"score:    {assessment.score:.3f}  (lexicon {assessment.pattern_score:.3f}"
               + (f", classifier {assessment.classifier_probability:.3f})" if assessment.classifier_probability is not None else ")"))
    typer.echo(f"stages:   {detector.stages}" + (f"  [{detector.fallback_reason}]" if detector.fallback_reason else ""))
    for item in assessment.evidence:
        typer.echo(f"  [{item.start}:{item.end}] {text[item.start:item.end]}  ({item.role})")
    response = respond(assessment, detector.catalogue)
    if response.banner:
        typer.echo("\n" + response.banner)


def train_fraud() -> None:
    """Train the fraud classifier on models/fraud/data/train.jsonl into the cache (settings.fraud_model_dir)."""
    from bot.fraud import artefact
    from bot.fraud.classifier import TrainingDataError
    from bot.settings import get_settings

    settings = get_settings()
    try:
        manifest = artefact.build(settings, force=True)
    except TrainingDataError as error:
        raise typer.BadParameter(str(error)) from error
    summary = {key: manifest[key] for key in ("features", "regularisation_c", "train_file", "train_sha256", "labels", "examples", "training_accuracy")}
    typer.echo(json.dumps({"path": str(settings.fraud_model_dir), **summary}, ensure_ascii=False, indent=2))


def eval_fraud(
    out: Path = typer.Option(..., help="Report folder to write (metrics.json, firings.jsonl, misses.jsonl)."),
    data: Path = typer.Option(None, help="CSV with columns text,label; default: eval/data/fraud/test.csv."),
    external_bq: bool = typer.Option(
        False, "--external-bq", help="Instead: false-alarm check on every unique sentence of the BQ dev pairs."
    ),
    bq_file: Path = typer.Option(None, help="The BQ pairs file (sentence1, sentence2); default: ../shared/data/bq_dev/dev.csv."),
    patterns_only: bool = typer.Option(False, "--patterns-only", help="Evaluate the lexicon stage alone."),
) -> None:
    """Evaluate the detector: detection recall, false-alarm rate, per-scenario recall, confusion."""
    from bot.fraud.detector import FraudDetector
    from bot.fraud.evaluation import (
        BQ_DEV_FILE,
        DEFAULT_TEST_FILE,
        EvaluationDataError,
        evaluate_external,
        evaluate_labelled,
        read_labelled_csv,
        read_pair_sentences,
    )

    try:
        if external_bq:
            source = bq_file or BQ_DEV_FILE
            inputs = read_pair_sentences(source)
        else:
            source = data or DEFAULT_TEST_FILE
            inputs = read_labelled_csv(source)
    except EvaluationDataError as error:
        raise typer.BadParameter(str(error)) from error

    detector = FraudDetector.load(use_classifier=not patterns_only)
    if external_bq:
        metrics = evaluate_external(detector, inputs, out, str(source), progress=True)
        keys = ("n", "false_alarms", "false_alarm_rate", "by_scenario", "stages")
    else:
        metrics = evaluate_labelled(detector, inputs, out, str(source), progress=True)
        keys = ("n", "detection_recall", "false_alarm_rate", "min_scenario_recall", "scenario_accuracy", "stages")
    summary = {key: metrics[key] for key in keys}
    if not external_bq:
        summary["per_scenario_recall"] = {k: round(v["recall"], 4) for k, v in metrics["per_scenario"].items()}
    typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    typer.echo(f"report: {Path(out) / 'metrics.json'}")


def register(app: typer.Typer, train: typer.Typer, eval: typer.Typer, index: typer.Typer) -> None:
    """Add this capability's commands to the command tree."""
    app.command("fraud")(fraud)
    train.command("fraud")(train_fraud)
    eval.command("fraud")(eval_fraud)

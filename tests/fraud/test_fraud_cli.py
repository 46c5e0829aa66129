"""The CLI, through typer's runner on the real command tree."""

from __future__ import annotations

import csv
import json

import pytest
from typer.testing import CliRunner

from bot.cli import app

runner = CliRunner()


def write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_fraud_json_has_the_contract_keys():
    result = runner.invoke(app, ["fraud", "有人打电话说我校园贷没注销", "--json", "--patterns-only"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(body) == {"level", "scenario", "score", "evidence", "pasted_message"}
    assert body["pasted_message"] is False
    assert body["level"] == "warning" and body["scenario"] == "student_loan_cancel"
    text = "有人打电话说我校园贷没注销"
    assert any(text[e["start"] : e["end"]] == "校园贷没注销" for e in body["evidence"])


def test_fraud_plain_output_shows_the_warning():
    result = runner.invoke(app, ["fraud", "对方让我下载向日葵远程控制，帮我操作退款", "--patterns-only"])
    assert result.exit_code == 0, result.output
    assert "screen_share" in result.stdout and "critical" in result.stdout
    assert "【反诈提醒】" in result.stdout and "96110" in result.stdout


def test_eval_fraud_writes_metrics(tmp_path):
    data = write_csv(tmp_path / "test.csv", ["text", "label"], [
        ("有人打电话说我校园贷没注销，不注销影响征信", "student_loan_cancel"),
        ("【公安局】您涉嫌洗钱，请将资金转入安全账户", "impersonate_authority"),
        ("客服让我把验证码发给他", "verification_code"),
        ("对方说中了大奖，要先交个人所得税才能领奖，还让我把验证码告诉他", "fake_lottery"),  # not ours: unnamed
        ("怎么注销账户", "none"),
        ("征信有误怎么申诉", "none"),
        ("我要投诉催收", "none"),
        ("提前还款有违约金吗", "none"),
    ])
    out = tmp_path / "report"
    result = runner.invoke(app, ["eval", "fraud", "--data", str(data), "--out", str(out), "--patterns-only"])
    assert result.exit_code == 0, result.output
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["n"] == 8 and metrics["n_fraud"] == 4 and metrics["n_none"] == 4
    assert metrics["detection_recall"] == 1.0
    assert metrics["false_alarm_rate"] == 0.0
    assert set(metrics["per_scenario"]) == {"student_loan_cancel", "impersonate_authority", "verification_code", "unnamed"}
    assert metrics["per_scenario"]["impersonate_authority"]["recall"] == 1.0
    assert metrics["unknown_labels"] == {"fake_lottery": 1}
    assert metrics["confusion"]["none"] == {"none": 4}
    assert metrics["confusion"]["student_loan_cancel"] == {"student_loan_cancel": 1}
    firings = [json.loads(line) for line in (out / "firings.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(firings) == 4 and all(f["level"] in ("warning", "critical") for f in firings)


def test_eval_fraud_counts_false_alarms(tmp_path):
    data = write_csv(tmp_path / "test.csv", ["text", "label"], [
        ("对方让我开屏幕共享", "none"),  # mislabelled on purpose: the detector fires, so it counts as a false alarm
        ("手续费怎么算", "none"),
        ("屏幕怎么截图", "none"),
        ("老板加我新微信，说在开会不方便接电话，让我先帮他转钱给供应商", "impersonate_acquaintance"),
    ])
    out = tmp_path / "report"
    result = runner.invoke(app, ["eval", "fraud", "--data", str(data), "--out", str(out), "--patterns-only"])
    assert result.exit_code == 0, result.output
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["false_alarms"] == 1 and metrics["false_alarm_rate"] == pytest.approx(1 / 3)


def test_eval_fraud_external_lists_every_firing(tmp_path):
    pairs = write_csv(tmp_path / "pairs.csv", ["sentence1", "sentence2", "label"], [
        ("怎么提前还款", "提前还款怎么操作", 1),
        ("怎么提前还款", "客服让我把验证码发给他", 0),
        ("借款多久到账", "放款要多久", 1),
    ])
    out = tmp_path / "bq"
    result = runner.invoke(app, ["eval", "fraud", "--external-bq", "--bq-file", str(pairs), "--out", str(out), "--patterns-only"])
    assert result.exit_code == 0, result.output
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["n"] == 5  # unique sentences
    assert metrics["false_alarms"] == 1 and metrics["false_alarm_rate"] == pytest.approx(0.2)
    firing = json.loads((out / "firings.jsonl").read_text(encoding="utf-8").strip())
    assert firing["text"] == "客服让我把验证码发给他" and firing["scenario"] == "verification_code"


def test_eval_fraud_rejects_a_file_without_the_columns(tmp_path):
    data = write_csv(tmp_path / "bad.csv", ["message", "label"], [("怎么注销账户", "none")])
    result = runner.invoke(app, ["eval", "fraud", "--data", str(data), "--out", str(tmp_path / "r"), "--patterns-only"])
    assert result.exit_code != 0
    assert "missing column" in result.output
    assert not (tmp_path / "r" / "metrics.json").exists()


def test_eval_fraud_names_the_line_of_an_empty_label(tmp_path):
    data = write_csv(tmp_path / "bad.csv", ["text", "label"], [("怎么注销账户", "none"), ("验证码收不到", "")])
    result = runner.invoke(app, ["eval", "fraud", "--data", str(data), "--out", str(tmp_path / "r"), "--patterns-only"])
    assert result.exit_code != 0
    assert "bad.csv:3" in result.output


@pytest.mark.slow
def test_fraud_json_with_the_classifier(fraud_detector):
    result = runner.invoke(app, ["fraud", "刚才有个自称警官的人说我涉嫌洗钱，让我把钱转到安全账户", "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout.strip().splitlines()[-1])
    assert body["level"] == "critical" and body["scenario"] == "impersonate_authority"

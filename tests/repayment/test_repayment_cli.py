"""``finbot plan``: in process through typer's CliRunner and as a real subprocess."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import PROJECT_ROOT

BASE = ["plan", "--principal", "20000", "--months", "12", "--annual-rate", "0.072", "--start", "2026-01-15"]


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def test_plan_json(runner):
    result = runner.invoke(app, [*BASE, "--method", "equal_installment", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["periods"]) == 12
    assert data["periods"][0]["payment"] == "1732.38" and data["periods"][-1]["payment"] == "1732.36"
    assert data["total_interest"] == "788.54" and data["flags"] == []


def test_plan_chat_text_is_the_default(runner):
    result = runner.invoke(app, BASE)
    assert result.exit_code == 0
    assert "第1期 2026-02-15 还1,732.38元" in result.stdout and "年化利率" in result.stdout


def test_every_method_and_option(runner, tmp_path: Path):
    csv_file = tmp_path / "plan.csv"
    result = runner.invoke(
        app,
        ["plan", "--principal", "12000", "--months", "12", "--method", "fee_installment", "--monthly-fee-rate", "0.006",
         "--upfront-fee", "100", "--start", "2026-01-31", "--repayment-day", "5", "--json", "--csv", str(csv_file)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["periods"][0]["due_date"] == "2026-02-05" and data["periods"][0]["fee"] == "72.00"
    assert data["total_fees"] == "964.00" and "zero_interest_with_fees" in data["flags"]
    header = csv_file.read_text(encoding="utf-8").splitlines()[0]
    assert header == "index,due_date,principal,interest,fee,payment,balance"
    for method in ("equal_principal", "interest_first", "bullet"):
        result = runner.invoke(app, [*BASE, "--method", method, "--json"])
        assert result.exit_code == 0, (method, result.output)
        assert sum(float(p["principal"]) for p in json.loads(result.stdout)["periods"]) == pytest.approx(20000)
    daily = runner.invoke(
        app, ["plan", "--principal", "5000", "--months", "6", "--daily-rate", "0.001", "--start", "2026-01-15"]
    )
    assert "超过了24.00%的上限" in daily.stdout


@pytest.mark.parametrize(
    ("arguments", "chinese", "english"),
    [
        ("--principal -100 --months 12 --annual-rate 0.1", "借款金额需要大于0元", "principal must be greater than 0"),
        ("--principal 1000 --months 0 --annual-rate 0.1", "期数需要在1到360期之间", "months must be between"),
        ("--principal 1000 --months 400 --annual-rate 0.1", "期数需要在1到360期之间", "months must be between"),
        ("--principal 1000 --months 12 --annual-rate 7.2", "年利率需要低于100%", "annual_rate must be below 1"),
        ("--principal 1000 --months 12 --annual-rate 0.1 --start 2026-02-30", "不存在", "not a real calendar date"),
        ("--principal 1000 --months 12", "请提供年化利率", "a price is required"),
        ("--principal 1000 --months 12 --method fee_installment --annual-rate 0", "月手续费率", "monthly_fee_rate"),
        ("--principal abc --months 12 --annual-rate 0.1", "不是有效的数字", "principal must be a number"),
    ],
)
def test_bad_input_prints_both_messages_and_exits_non_zero(runner, arguments, chinese, english):
    result = runner.invoke(app, ["plan", *arguments.split(), "--json"])
    assert result.exit_code == 1
    assert chinese in result.stderr and english in result.stderr
    assert result.stdout == ""  # no plan


def test_unknown_method_is_a_usage_error(runner):
    result = runner.invoke(app, [*BASE, "--method", "balloon"])
    assert result.exit_code == 2 and "balloon" in result.output


def _finbot_command() -> list[str]:
    """The installed ``finbot`` script (beside this Python, or on PATH), else ``python -m bot.cli``."""
    beside = Path(sys.executable).with_name("finbot")
    if beside.exists():
        return [str(beside)]
    on_path = shutil.which("finbot")
    return [on_path] if on_path else [sys.executable, "-m", "bot.cli"]


def test_finbot_plan_as_a_subprocess():
    command = [*_finbot_command(), *BASE, "--json"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["total_payment"] == "20788.54"
    bad = subprocess.run([*_finbot_command(), "plan", "--principal", "0", "--months", "12", "--annual-rate", "0.1"],
                         capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120)  # fmt: skip
    assert bad.returncode != 0 and "借款金额需要大于0元" in bad.stderr and bad.stdout == ""

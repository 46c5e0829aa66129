"""The leakage guard (bot/evaluation/leakage.py): no training or tuning text in any evaluation set."""

from __future__ import annotations

import pytest

from bot.evaluation.leakage import canonical, find_leaks, project_leaks
from bot.evaluation.outside import OutsideDataMissing


def test_texts_are_compared_as_the_models_read_them():
    assert canonical("還不上了怎麼辦！！") == canonical("还不上了怎么办") == "还不上了怎么办"
    assert canonical("转人工🙏") == canonical("转 人工。") == "转人工"
    assert canonical("ＡＰＰ登不上") == "app登不上"


def test_exact_and_near_duplicates_are_found_and_distant_texts_are_not():
    training = {"train": ["借两万分十二期每个月还多少钱", "怎么注销账户", "今天天气怎么样"]}
    evaluation = {"test": ["借两万分十二期每个月要还多少钱",  # one character more: Jaccard 0.87
                           "怎麼註銷賬戶？",  # the same text in Traditional, with punctuation
                           "明天会下雨吗"]}  # unrelated
    leaks = find_leaks(training, evaluation)
    found = {leak.evaluation_text: leak for leak in leaks}
    assert set(found) == {"借两万分十二期每个月要还多少钱", "怎麼註銷賬戶？"}
    assert found["怎麼註銷賬戶？"].kind == "exact" and found["怎麼註銷賬戶？"].training_text == "怎么注销账户"
    assert found["借两万分十二期每个月要还多少钱"].kind == "near" and 0.8 <= found["借两万分十二期每个月要还多少钱"].similarity < 1


def _report(leaks) -> str:
    return "\n".join(f"{l.training_set} ↔ {l.evaluation_set} ({l.kind} {l.similarity}): "
                     f"{l.training_text!r} ~ {l.evaluation_text!r}" for l in leaks[:30])


def test_no_model_is_measured_on_what_it_learnt_from():
    # Own sets: intent, fraud and retrieval tests, the retrieval tuning half, the behaviour tests'
    # sentences (tests/heldout.yaml and the scenario scripts).
    leaks = project_leaks(with_real=False)
    assert not leaks, f"{len(leaks)} leaks:\n{_report(leaks)}"


def test_no_training_text_comes_from_the_real_research_sets():
    # BQ questions and the telecom-fraud half are research-only: evaluation, never training.
    try:
        leaks = project_leaks(with_real=True)
    except OutsideDataMissing as missing:
        pytest.skip(str(missing))
    assert not leaks, f"{len(leaks)} leaks:\n{_report(leaks)}"

"""The full detector (lexicon + n-gram classifier), its fallback, and its artefact checks."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import MUST_FIRE, MUST_STAY_QUIET, SHORT_SCAMS

from bot.artifacts import MANIFEST, ArtifactError
from bot.fraud.classifier import MODEL_FILE, TRAIN_FILE, check_classifier, read_training_file
from bot.fraud.detector import FraudDetector

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("text, scenario", MUST_FIRE)
def test_scams_fire(fraud_detector, text, scenario):
    assessment = fraud_detector.assess(text)
    assert fraud_detector.stages == "patterns+classifier"
    assert assessment.level in ("warning", "critical"), assessment
    assert assessment.scenario == scenario
    assert assessment.classifier_probability is not None and assessment.classifier_probability > 0.5


@pytest.mark.parametrize("text", MUST_STAY_QUIET)
def test_ordinary_questions_stay_quiet(fraud_detector, text):
    assert fraud_detector.assess(text).level in ("none", "notice")


def test_a_customer_asking_many_things_still_gets_the_warning(fraud_detector):
    text = ("你好，我想问下这个月的还款日是几号？另外昨天有个自称你们客服的人打电话，说我大学时开的校园贷账户"
            "没注销会影响征信，让我把额度借出来转到他给的账户，这是真的吗")
    assessment = fraud_detector.assess(text)
    assert assessment.level == "critical" and assessment.scenario in ("student_loan_cancel", "fake_customer_service")


def test_batch_and_single_agree(fraud_detector):
    texts = ["客服让我把收到的验证码发给他", "提前还款有违约金吗", ""]
    batch = fraud_detector.assess_many(texts)
    single = [fraud_detector.assess(text) for text in texts]
    assert [a.level for a in batch] == [a.level for a in single]
    assert [a.score for a in batch] == pytest.approx([a.score for a in single], abs=1e-9)
    assert batch[2].level == "none"


def test_the_classifier_reads_traditional_and_full_width_text_as_simplified(fraud_detector):
    simplified = fraud_detector.classifier.probabilities(["客服说要先交解冻费才能放款"])[0]
    traditional = fraud_detector.classifier.probabilities(["客服說要先交解凍費才能放款"])[0]
    assert traditional == pytest.approx(simplified, abs=1e-9)


def test_without_a_classifier_the_lexicon_stage_runs_and_says_so(settings, tmp_path):
    empty = settings.model_copy(update={"cache_dir": tmp_path})
    detector = FraudDetector.load(empty)
    assert detector.stages == "patterns" and detector.classifier is None
    assert "finbot train fraud" in detector.fallback_reason
    assessment = detector.assess("有人打电话说我校园贷没注销")
    assert assessment.level == "warning" and assessment.classifier_probability is None


def test_the_manifest_records_features_and_training_file(fraud_detector, settings):
    manifest = check_classifier(settings.fraud_model_dir)
    from bot.artifacts import sha256_file
    from bot.fraud.classifier import FEATURES

    assert manifest["train_sha256"] == sha256_file(TRAIN_FILE)
    assert manifest["features"] == FEATURES
    assert MODEL_FILE in manifest["files"]
    assert set(manifest["labels"]) == {"none", *fraud_detector.catalogue.scenarios}


@pytest.fixture()
def model_copy(fraud_detector, settings, tmp_path):
    folder = tmp_path / "fraud"
    shutil.copytree(settings.fraud_model_dir, folder)
    return folder


def test_a_changed_training_file_makes_the_model_stale(model_copy, settings, tmp_path):
    changed = tmp_path / "train.jsonl"
    changed.write_text(TRAIN_FILE.read_text(encoding="utf-8") + '{"text": "新的一行", "label": "none"}\n', encoding="utf-8")
    with pytest.raises(ArtifactError, match="stale.*changed since it was trained"):
        check_classifier(model_copy, changed)


def test_other_features_make_the_model_stale(model_copy):
    manifest = json.loads((model_copy / MANIFEST).read_text(encoding="utf-8"))
    manifest["features"] = "e5-embeddings"
    (model_copy / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ArtifactError, match="built with features 'e5-embeddings'"):
        check_classifier(model_copy)


def test_a_corrupt_model_file_is_refused(model_copy):
    with open(model_copy / MODEL_FILE, "ab") as handle:
        handle.write(b"\0")
    with pytest.raises(ArtifactError, match="corrupt"):
        check_classifier(model_copy)


def test_training_data_volume_and_labels(catalogue):
    examples = read_training_file(TRAIN_FILE, set(catalogue.scenarios))
    counts = {label: sum(e.label == label for e in examples) for label in {e.label for e in examples}}
    assert counts["none"] >= 1200
    assert all(counts[scenario] >= 80 for scenario in catalogue.scenarios), counts
    texts = [e.text for e in examples]
    assert len(texts) == len(set(texts)), "duplicate training lines"


def test_a_malformed_training_line_is_named(tmp_path, catalogue):
    from bot.fraud.classifier import TrainingDataError

    bad = tmp_path / "train.jsonl"
    bad.write_text('{"text": "怎么注销", "label": "none"}\n{"text": "刷单", "label": "brushing"}\n', encoding="utf-8")
    with pytest.raises(TrainingDataError, match=r"train\.jsonl, line 2: unknown label 'brushing'"):
        read_training_file(bad, set(catalogue.scenarios))


def test_short_scam_messages_rely_on_the_lexicon(fraud_detector):
    # Too short for the classifier to be sure; the lexicon knows these words.
    for text in SHORT_SCAMS:
        assert fraud_detector.assess(text).alert, text


def test_a_scam_told_without_the_lexicons_words_relies_on_the_classifier(fraud_detector, catalogue):
    # No lexicon term of weight here, so the fused score alone would stay below a warning; the
    # classifier is all but sure, and that is enough (scoring.classifier_alone).
    assessment = fraud_detector.assess("打电话来的说是银行的 说我的贷款利率可以调低 让我按他说的做")
    assert assessment.pattern_score < catalogue.scoring.lexicon_alone
    assert assessment.classifier_probability >= catalogue.scoring.classifier_alone
    assert assessment.alert and assessment.score >= assessment.classifier_probability


OPERATOR_PROMOTION = ("尊敬的用户您好！感谢您一直以来的支持，本月起办理5G畅享套餐即送每月20G流量，"
                      "老用户专享话费立减活动限时开启，下载掌上营业厅客户端立即办理。")
PASTED_SCAM = ("尊敬的用户您好！您的贷款已审批通过，因银行卡号填写错误资金被冻结，"
               "请立即缴纳解冻费转入安全账户，否则后果自负。")


def test_an_advert_in_the_senders_voice_is_read_as_advertising():
    from bot.fraud.forwarded import load_rules

    promotion = load_rules().inspect(OPERATOR_PROMOTION)
    assert promotion.advertising and not promotion.pasted  # no signature, footer or link
    question = load_rules().inspect("我想问下你们的优惠活动还有吗")
    assert not question.advertising  # marketing words, but the customer's own voice


def test_an_advert_never_warns_on_the_classifier_alone_but_a_scam_in_the_same_voice_does(fraud_detector):
    promotion = fraud_detector.assess(OPERATOR_PROMOTION)
    assert promotion.level in ("none", "notice"), promotion
    scam = fraud_detector.assess(PASTED_SCAM)
    assert scam.level in ("warning", "critical") and scam.scenario == "upfront_fee_loan", scam


# The fusion rule on given classifier probabilities (FraudDetector.judge): what the catalogue's
# scoring says, whatever the trained classifier happens to output for these texts.
def scam_probabilities(scam: float, scenario: str = "upfront_fee_loan") -> dict[str, float]:
    return {"none": 1.0 - scam, scenario: scam}


def test_a_sure_classifier_warns_alone_only_on_a_message_long_enough_to_judge(catalogue):
    detector = FraudDetector(catalogue, fallback_reason="fusion rule under test")
    sure = scam_probabilities(0.99)
    short = detector.judge("贷款", sure)  # two characters: too little text to be sure of
    assert len("贷款") < catalogue.scoring.classifier_alone_min_chars
    assert short.pattern_score < catalogue.scoring.lexicon_alone and not short.alert, short
    told = detector.judge("打电话来的说是银行的 说我的贷款利率可以调低 让我按他说的做", sure)
    assert told.pattern_score < catalogue.scoring.lexicon_alone and told.alert, told


OPERATOR_TOP_UP = ("尊敬的用户，您的积分即将清零，立即下载掌上营业厅客户端，充值50元即送20元话费，"
                   "点击链接 http://10086.cn/a8 限时活动，回T退订")


def test_an_advert_warns_only_when_both_stages_say_scam(catalogue):
    detector = FraudDetector(catalogue, fallback_reason="fusion rule under test")
    doubtful = detector.judge(OPERATOR_TOP_UP, scam_probabilities(0.3, "task_rebate"))
    assert doubtful.pasted.advertising
    assert doubtful.pattern_score >= catalogue.scoring.lexicon_alone  # the lexicon alone would warn
    assert doubtful.level == "notice", doubtful
    agreed = detector.judge(OPERATOR_TOP_UP, scam_probabilities(0.8, "task_rebate"))
    assert agreed.alert and agreed.scenario == "task_rebate", agreed
    lexicon_only = FraudDetector(catalogue, fallback_reason="no classifier").judge(OPERATOR_TOP_UP, None)
    assert lexicon_only.alert  # without a classifier the lexicon is all there is

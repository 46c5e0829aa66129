"""The shipped intent data and the strict reader of analysts' labelled files."""

from __future__ import annotations

import re

import pytest

from bot.intent.data import DEV_DIR, TEST_DIR, TRAIN_DIR, DataFileError, load_split, read_labelled_file
from bot.intent.taxonomy import core_intents, roll_up
from tests.conftest import SHARED_DATA


def test_taxonomy_matches_the_shared_contract():
    intents_md = SHARED_DATA.parent / "intents.md"
    if not intents_md.exists():
        pytest.skip(f"{intents_md} is not present")
    ids = re.findall(r"^\| ([a-z_]+(?:\.[a-z_]+)*) \|", intents_md.read_text(encoding="utf-8"), re.M)
    ids = [i for i in ids if i != "id"]
    assert ids == list(core_intents())
    assert len(ids) == 35


@pytest.mark.parametrize("folder,minimum", [(TRAIN_DIR, 120), (TEST_DIR, 30), (DEV_DIR, 20)])
def test_every_intent_has_enough_examples_in_every_split(folder, minimum):
    rows = load_split(folder)
    counts = {intent: sum(r.label == intent for r in rows) for intent in core_intents()}
    assert min(counts.values()) >= minimum, {k: v for k, v in counts.items() if v < minimum}
    if folder == TRAIN_DIR:
        assert len(rows) >= 4500


def test_roll_up_of_finer_intents():
    assert roll_up("repay.early.partial") == "repay.early"
    assert roll_up("repay.early") == "repay.early"
    assert roll_up("nonsense.label") == "nonsense.label"


def test_reads_csv_tsv_and_jsonl(tmp_path):
    (tmp_path / "a.csv").write_text("text,label\n怎么还款,repay.how\n\"你好,在吗\",chitchat.greeting\n", encoding="utf-8")
    (tmp_path / "a.tsv").write_text("sentence\tintent\n怎么还款\trepay.how\n", encoding="utf-8")
    (tmp_path / "a.jsonl").write_text('{"text": "怎么还款", "label": "repay.how"}\n\n', encoding="utf-8")
    assert [r.text for r in read_labelled_file(tmp_path / "a.csv")] == ["怎么还款", "你好,在吗"]
    assert read_labelled_file(tmp_path / "a.tsv")[0].label == "repay.how"
    assert read_labelled_file(tmp_path / "a.jsonl")[0].text == "怎么还款"


@pytest.mark.parametrize("name,content,message", [
    ("bad.csv", "words,label\n怎么还款,repay.how\n", r"line 1: no text column"),
    ("bad.csv", "text,label\n怎么还款,repay.how\n你好,not.an.intent\n", r"line 3: unknown label 'not.an.intent'"),
    ("bad.csv", "text,label\n怎么还款\n", r"line 2: expected 2 columns"),
    ("bad.jsonl", '{"text": "a", "label": "unclear"}\n{oops\n', r"line 2: invalid JSON"),
    ("bad.csv", "text,label\n ,repay.how\n", r"line 2: empty text"),
])
def test_bad_labelled_files_name_the_line(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError, match=message):
        read_labelled_file(path, known_labels=set(core_intents()))


def test_bad_encoding_names_the_line(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("text,label\n".encode() + "怎么还款,repay.how\n".encode("gbk"))
    with pytest.raises(DataFileError, match=r"line 2: not valid UTF-8"):
        read_labelled_file(path)

"""Product names as configuration (bot/products.py): own and other lenders' names, typos, bad files."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from bot.products import PRODUCT_WORDS, ProductNamesError, load_product_names, product_names, reload_product_names
from bot.settings import PROJECT_ROOT


def company(tmp_path, names, name="company.yaml"):
    path = tmp_path / name
    body = "company_name: 测试消费金融\nproduct_names:\n" + "".join(f"  - {n}\n" for n in names) if names is not None \
        else "company_name: 测试消费金融\n"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.fixture
def weili(tmp_path):
    return load_product_names(company(tmp_path, ["微粒贷", "微众银行"]))


@pytest.mark.parametrize("typed", ["微粒贷", "微粒货", "徽粒货", "微利贷", "微粒袋", "薇粒贷", "微路贷", "微粒貸"])
def test_the_lenders_own_name_is_found_however_it_is_typed(weili, typed):
    from bot.text import normalize

    match = weili.find(normalize(f"{typed}额度怎么提升"))
    assert match.text == f"{PRODUCT_WORDS}额度怎么提升"
    assert [m.own for m in match.mentions] == [True] and not match.other_only


def test_another_lenders_product_is_named_as_such(weili):
    match = weili.find("借贝怎么提前还款")
    assert match.text == f"{PRODUCT_WORDS}怎么提前还款"
    assert match.mentions[0].name == "借呗" and match.other_only
    both = weili.find("借呗和微粒贷哪个利息低")
    assert len(both.mentions) == 2 and not both.other_only


@pytest.mark.parametrize("text", ["有钱还吗", "不想分期了", "一直正常还款还被降额", "不满足贷款条件", "安逸的生活",
                                  "征信异议要多久", "借钱被拒了"])
def test_ordinary_words_are_not_product_names(weili, text):
    assert weili.find(text).mentions == ()


@pytest.mark.parametrize("names, message", [
    (["微粒贷", "''"], r"product_names entry 2 \(''\) is empty"),
    (["微粒贷", "微粒貸"], r"entry 2 \('微粒貸'\) duplicates entry 1"),
    (["借钱"], r"entry 1 \('借钱'\) is an ordinary word"),
    (["贷"], r"entry 1 \('贷'\) is a single character"),
])
def test_bad_product_names_are_refused_naming_the_file_and_entry(tmp_path, names, message):
    path = company(tmp_path, names)
    with pytest.raises(ProductNamesError, match=message) as error:
        load_product_names(path)
    assert str(path) in str(error.value)


def test_a_missing_company_file_is_refused(tmp_path):
    with pytest.raises(ProductNamesError, match="file not found"):
        load_product_names(tmp_path / "nowhere.yaml")


def test_a_bad_reload_keeps_the_names_in_use(tmp_path):
    good = company(tmp_path, ["测试借钱"], "good.yaml")
    try:
        reload_product_names(good)
        with pytest.raises(ProductNamesError):
            reload_product_names(company(tmp_path, ["借款"], "bad.yaml"))
        assert product_names().find("测试借钱怎么还").mentions[0].own
    finally:
        reload_product_names(PROJECT_ROOT / "knowledge" / "company.yaml")


def test_every_command_refuses_a_bad_company_file(tmp_path):
    env = dict(os.environ, FINBOT_COMPANY_FILE=str(company(tmp_path, ["额度"])))
    result = subprocess.run([sys.executable, "-m", "bot.cli", "plan", "--principal", "1000", "--months", "3",
                             "--annual-rate", "0.1"], capture_output=True, text=True, env=env, cwd=PROJECT_ROOT)
    assert result.returncode == 2
    assert "公司配置文件有误" in result.stderr and "is an ordinary word" in result.stderr


def test_the_shipped_lists_load():
    names = load_product_names(PROJECT_ROOT / "knowledge" / "company.yaml")
    assert "借呗" in names.names and names.own


@pytest.mark.slow
def test_a_named_product_reads_exactly_as_your_product(intent_classifier, tmp_path):
    try:
        reload_product_names(company(tmp_path, ["微粒贷"]))
        named = intent_classifier.predict_proba(["微粒货额度怎么一下子没了", "微粒贷怎么注销"])
        plain = intent_classifier.predict_proba([f"{PRODUCT_WORDS}额度怎么一下子没了", f"{PRODUCT_WORDS}怎么注销"])
        assert np.allclose(named, plain)
    finally:
        reload_product_names(PROJECT_ROOT / "knowledge" / "company.yaml")

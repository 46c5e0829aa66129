"""The reply wording (knowledge/templates.yaml through bot/wording.py): every template renders, every
call in the code names a template and gives exactly its fields, and no template is left unsaid."""

from __future__ import annotations

import ast
import re
from collections import Counter

import pytest

from bot.intent.taxonomy import intent_specs
from bot.settings import PROJECT_ROOT
from bot.wording import PAGE_PREFIX, TEMPLATES_FILE, WordingError, fields_of, page_wording, say, templates

PACKAGE = PROJECT_ROOT / "bot"
PAGES = PACKAGE / "web" / "static"
# wording("page.welcome") in the pages' scripts.
PAGE_CALL = re.compile(r"""wording\(\s*["']([^"']+)["']\s*\)""")
# Fields the page or a customer must never see raw: a field or a company fact left unfilled.
UNFILLED = re.compile(r"[{}]")


def sample(field: str) -> str:
    return f"〈{field}〉"


def say_calls() -> list[tuple[str, ast.Call]]:
    """Every ``say(...)`` call in the package, with the module it is in."""
    calls = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "say":
                calls.append((str(path.relative_to(PROJECT_ROOT)), node))
    return calls


def test_every_template_renders_with_sample_values():
    for name, template in templates().items():
        fields = {field: sample(field) for field in template.fields}
        for variant in range(len(template.variants)):
            text = say(name, variant, **fields)
            assert not UNFILLED.search(text), f"{name}: {text!r}"
            assert all(value in text for value in fields.values()), f"{name}: a field is not shown in {text!r}"


def test_a_missing_or_unknown_field_or_template_is_refused():
    assert templates()["bill.total"].fields == {"amount"}
    assert say("bill.total", amount="1,234.50") == "合计1,234.50元。"
    with pytest.raises(WordingError, match=r"missing fields \['amount'\], unknown fields \[\]"):
        say("bill.total")
    with pytest.raises(WordingError, match=r"missing fields \[\], unknown fields \['total'\]"):
        say("bill.total", amount="1", total="2")
    with pytest.raises(WordingError, match="no template 'bill.sum'"):
        say("bill.sum", amount="1")
    # Figures are formatted in the code (money stays Decimal until format_yuan), never in a template.
    for malformed in ("合计{amount:,.2f}元", "第{0}期", "{amount!r}", "合计{amount元"):
        with pytest.raises(WordingError):
            fields_of(malformed, "test")


def test_every_call_names_a_template_and_gives_exactly_its_fields():
    known = templates()
    calls = say_calls()
    literal = [(where, call) for where, call in calls if call.args and isinstance(call.args[0], ast.Constant)]
    assert len(literal) > 100, "the wording calls were not found"
    for where, call in literal:
        name = call.args[0].value
        assert name in known, f"{where}:{call.lineno}: no template '{name}' in {TEMPLATES_FILE.name}"
        given = {keyword.arg for keyword in call.keywords if keyword.arg is not None}
        spread = any(keyword.arg is None for keyword in call.keywords)  # say(name, **parts): the rest at run time
        fields = known[name].fields
        if spread:
            assert given <= fields, f"{where}:{call.lineno}: '{name}' has no fields {sorted(given - fields)}"
        else:
            assert given == fields, (f"{where}:{call.lineno}: '{name}' takes {sorted(fields)}, "
                                     f"the code gives {sorted(given)}")


def test_every_template_is_said_somewhere():
    # A template is said by name: a literal in the package (say("bill.total"…) or a table such as
    # handoff's TEMPLATE_BY_REASON) or an intent's small-talk template in intents.yaml.
    literals = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                literals.add(node.value)
    said = literals | {spec.template for spec in intent_specs().values() if spec.template} | page_calls()
    unsaid = sorted(set(templates()) - said)
    assert not unsaid, f"templates nobody says (remove them from {TEMPLATES_FILE.name}): {unsaid}"


def page_calls() -> set[str]:
    return {name for path in PAGES.glob("*.js") for name in PAGE_CALL.findall(path.read_text(encoding="utf-8"))}


def test_the_pages_say_page_templates_only_and_get_them_all_from_meta():
    asked = page_calls()
    assert "page.welcome" in asked, "the pages' wording() calls were not found"
    assert {name for name in asked if not name.startswith(PAGE_PREFIX) or name not in templates()} == set()
    sent = page_wording()  # what GET /v1/meta sends as `wording`
    assert set(sent) == {name for name in templates() if name.startswith(PAGE_PREFIX)} and asked <= set(sent)
    assert all(text and not UNFILLED.search(text) for text in sent.values())


def test_each_template_is_named_once():
    # YAML keeps the last of two equal keys without a word: a second "bill.total" would hide the first.
    names = re.findall(r"^([a-z][a-z0-9_.]*):", TEMPLATES_FILE.read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert len(names) == len(templates())
    assert [name for name, count in Counter(names).items() if count > 1] == []


def test_company_facts_are_filled_in():
    greeting = say("greeting")
    assert "{company_name}" not in templates()["greeting"].variants[0] and "智能客服" in greeting
    assert templates()["greeting"].fields == frozenset()

"""Every sentence the bot says to a customer, by name: ``knowledge/templates.yaml``, rendered here.

A template is text with named fields in ``str.format`` style: ``"合计{amount}元。"``. The company's
facts (``{company_name}``, ``{app_name}``, ``{hotline}``…, from company.yaml) are filled in when the
file is read; every other field is given by the code that says the sentence:
``say("bill.total", amount=format_yuan(total))``. The code decides *which* sentences a reply has
and formats the figures (money stays ``Decimal`` until :func:`~bot.repayment.money.format_yuan`);
the words are here. A template given as a list has variants, chosen by ``variant`` (the dialogue
passes the session's turn count, so a customer does not hear the same greeting twice in a row).

:func:`say` refuses a field the template does not have and a field it lacks, so a reworded
template and its callers cannot drift apart silently; ``tests/test_wording.py`` checks every call
site against the file, renders every template and fails on a template nobody says.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import lru_cache

import yaml

from bot.knowledge.entries import Company
from bot.settings import PROJECT_ROOT

TEMPLATES_FILE = PROJECT_ROOT / "knowledge" / "templates.yaml"
# A template name: lower-case words, dotted by capability ("payoff.total", "greeting").
NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
# Templates named page.* are the pages' own sentences, sent to them by GET /v1/meta.
PAGE_PREFIX = "page."


class WordingError(ValueError):
    """A template that does not exist, is malformed, or was given the wrong fields."""


@dataclass(frozen=True)
class Template:
    name: str
    variants: tuple[str, ...]  # company facts already filled in
    fields: frozenset[str]  # the fields the caller gives: the same in every variant


def fields_of(text: str, where: str) -> frozenset[str]:
    """The named fields of ``text``; plain names only (no ``{0}``, ``{x:.2f}`` or ``{x!r}``)."""
    names = set()
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:  # a lone "{" or "}"
        raise WordingError(f"{where}: {exc}") from None
    for _, field, spec, conversion in parsed:
        if field is None:
            continue
        if not field.isidentifier() or spec or conversion:
            raise WordingError(f"{where}: field {{{field}}} must be a plain name; format figures in the code")
        names.add(field)
    return frozenset(names)


def _fill_company(text: str, company: Company) -> str:
    """Company facts filled in; other fields kept for the caller (braces in a fact are escaped)."""
    def fact(match: re.Match) -> str:
        value = company.values.get(match.group(1))
        return match.group(0) if value is None else value.replace("{", "{{").replace("}", "}}")

    return re.sub(r"\{([a-z0-9_]+)\}", fact, text)


@lru_cache(maxsize=1)
def templates() -> dict[str, Template]:
    raw = yaml.safe_load(TEMPLATES_FILE.read_text(encoding="utf-8"))
    company = Company.load()
    loaded = {}
    for name, value in raw.items():
        where = f"{TEMPLATES_FILE.name}, template '{name}'"
        variants = value if isinstance(value, list) else [value]
        if not NAME.match(str(name)) or not variants or not all(isinstance(v, str) and v for v in variants):
            raise WordingError(f"{where}: a template is a dotted lower-case name and a non-empty text or list of texts")
        filled = tuple(_fill_company(v, company) for v in variants)
        fields = {fields_of(v, where) for v in filled}
        if len(fields) != 1:
            raise WordingError(f"{where}: its variants have different fields {sorted(map(sorted, fields))}")
        loaded[name] = Template(name, filled, fields.pop())
    return loaded


def page_wording() -> dict[str, str]:
    """The chat window's own sentences (welcome, notices), by template name: what /v1/meta sends."""
    return {name: say(name) for name in templates() if name.startswith(PAGE_PREFIX)}


def say(name: str, variant: int = 0, /, **fields: object) -> str:
    """The template ``name`` with ``fields`` filled in (variant ``variant`` if it has several)."""
    found = templates().get(name)
    if found is None:
        raise WordingError(f"no template '{name}' in {TEMPLATES_FILE.name}")
    if set(fields) != found.fields:
        missing, unknown = sorted(found.fields - set(fields)), sorted(set(fields) - found.fields)
        raise WordingError(f"template '{name}': missing fields {missing}, unknown fields {unknown}")
    return found.variants[variant % len(found.variants)].format(**fields)

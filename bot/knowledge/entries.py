"""Knowledge entries: the human-editable YAML files under ``knowledge/entries/``.

Each file is a list of entries (id, title, category, intents, questions, answer, sources,
reviewed). Company-specific facts are ``{key}`` placeholders filled from ``knowledge/company.yaml``,
so a lender adopts the base by editing that one file. Loading is strict: any problem raises
:class:`KnowledgeError` naming the file, the entry and the field.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.settings import PROJECT_ROOT

ENTRIES_DIR = PROJECT_ROOT / "knowledge" / "entries"
COMPANY_FILE = PROJECT_ROOT / "knowledge" / "company.yaml"
PLACEHOLDER = re.compile(r"\{([a-z0-9_]+)\}")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9.\-_]*$")


class KnowledgeError(ValueError):
    """A knowledge file cannot be used; the message names the file, entry and field."""


@dataclass(frozen=True)
class KnowledgeEntry:
    id: str
    title: str
    answer: str
    category: str = ""
    intents: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    reviewed: str = ""
    origin: str = ""  # the file it came from (and heading/article for ingested documents)
    kind: str = "faq"  # faq | document

    @property
    def citation(self) -> str:
        return "；".join(self.sources) if self.sources else self.origin


def configured_company_file() -> Path:
    """The configured company file (``FINBOT_COMPANY_FILE``; default knowledge/company.yaml)."""
    from bot.settings import get_settings

    return get_settings().company_file


@dataclass
class Company:
    values: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None = None) -> "Company":
        path = Path(path or configured_company_file())
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(raw, dict):
            raise KnowledgeError(f"{path}: expected a mapping of placeholder → value")
        return cls({str(k): str(v) for k, v in raw.items()})

    def fill(self, text: str, where: str) -> str:
        def value(match: re.Match) -> str:
            key = match.group(1)
            if key not in self.values:
                raise KnowledgeError(f"{where}: placeholder {{{key}}} is not defined in {COMPANY_FILE.name}")
            return self.values[key]

        return PLACEHOLDER.sub(value, text)


def _text_list(raw: dict, name: str, where: str, required: bool) -> tuple[str, ...]:
    value = raw.get(name, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise KnowledgeError(f"{where}: field '{name}' must be a list of non-empty strings")
    if required and not value:
        raise KnowledgeError(f"{where}: field '{name}' is empty")
    return tuple(v.strip() for v in value)


def parse_entry(raw: object, file: Path, position: int, company: Company, known_intents: set[str] | None) -> KnowledgeEntry:
    where = f"{file.name}, entry {position}"
    if not isinstance(raw, dict):
        raise KnowledgeError(f"{where}: expected a mapping with id, title, questions, answer, …")
    entry_id = raw.get("id")
    if not isinstance(entry_id, str) or not ID_PATTERN.match(entry_id):
        raise KnowledgeError(f"{where}: field 'id' is missing or not lowercase ascii ({entry_id!r})")
    where = f"{file.name}, entry '{entry_id}'"
    for name in ("title", "answer"):
        if not isinstance(raw.get(name), str) or not raw[name].strip():
            raise KnowledgeError(f"{where}: field '{name}' is missing or empty")
    intents = _text_list(raw, "intents", where, required=True)
    if known_intents is not None:
        from bot.intent.taxonomy import roll_up

        for intent in intents:
            if roll_up(intent) not in known_intents:
                raise KnowledgeError(f"{where}: field 'intents' has unknown intent {intent!r}")
    reviewed = raw.get("reviewed", "")
    if isinstance(reviewed, dt.date):
        reviewed = reviewed.isoformat()
    elif reviewed:
        try:
            reviewed = dt.date.fromisoformat(str(reviewed)).isoformat()
        except ValueError as exc:
            raise KnowledgeError(f"{where}: field 'reviewed' is not a date (YYYY-MM-DD)") from exc
    return KnowledgeEntry(
        id=entry_id,
        title=company.fill(raw["title"].strip(), where + ", field 'title'"),
        answer=company.fill(raw["answer"].strip(), where + ", field 'answer'"),
        category=str(raw.get("category", "")),
        intents=intents,
        questions=tuple(company.fill(q, where + ", field 'questions'") for q in _text_list(raw, "questions", where, False)),
        sources=_text_list(raw, "sources", where, required=True),
        reviewed=reviewed,
        origin=file.name,
    )


def load_entries(folder: Path | None = None, company_file: Path | None = None,
                 known_intents: set[str] | None = None) -> list[KnowledgeEntry]:
    """Every entry of every ``*.yaml`` file in ``folder`` (default ``knowledge/entries``), validated;
    ids must be unique."""
    folder = folder or ENTRIES_DIR
    company_file = company_file or configured_company_file()
    if known_intents is None:
        from bot.intent.taxonomy import core_intents

        known_intents = set(core_intents())
    company = Company.load(company_file)
    entries: list[KnowledgeEntry] = []
    seen: dict[str, str] = {}
    files = sorted(Path(folder).glob("*.yaml"))
    if not files:
        raise KnowledgeError(f"{folder}: no *.yaml knowledge files")
    for file in files:
        try:
            raw = yaml.safe_load(file.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise KnowledgeError(f"{file.name}: not valid YAML ({exc})") from exc
        if not isinstance(raw, list):
            raise KnowledgeError(f"{file.name}: expected a list of entries")
        for position, item in enumerate(raw, start=1):
            entry = parse_entry(item, file, position, company, known_intents)
            if entry.id in seen:
                raise KnowledgeError(f"{file.name}, entry '{entry.id}': field 'id' duplicates an entry in {seen[entry.id]}")
            seen[entry.id] = file.name
            entries.append(entry)
    return entries

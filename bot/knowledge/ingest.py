"""Ingest a lender's own documents into knowledge entries.

- Markdown / text: chunked by structure — an article (第X条 …) is one chunk; otherwise a heading's
  section, split at paragraphs when it is long. Each chunk cites its document, heading path and article.
- JSON / JSONL / CSV FAQ files: one entry per row with a question (or questions) and an answer.
Chunk ids are stable for unchanged text, so re-ingesting only re-embeds what changed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from pathlib import Path

from bot.jsonl import iter_jsonl
from bot.knowledge.entries import KnowledgeEntry, KnowledgeError

ARTICLE = re.compile(r"^\s*(第[一二三四五六七八九十百千零〇两0-9]+条)[\s　]*")
HEADING = re.compile(r"^(#{1,6})\s+(.*\S)\s*$")
MAX_CHUNK_CHARS = 600
DOCUMENT_SUFFIXES = {".md", ".markdown", ".txt"}
FAQ_SUFFIXES = {".json", ".jsonl", ".csv"}


def _short_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


def _entry(doc_title: str, heading_path: list[str], label: str, body: str, origin: str) -> KnowledgeEntry:
    title = f"《{doc_title}》{label}" if label else " › ".join([doc_title, *heading_path])
    citation = " › ".join([doc_title, *heading_path, label] if label else [doc_title, *heading_path])
    return KnowledgeEntry(id=f"doc-{_short_hash(citation + body)}", title=title, answer=body.strip(),
                          category=doc_title, sources=(citation,), origin=origin, kind="document")


def chunk_document(text: str, name: str) -> list[KnowledgeEntry]:
    """Split a Markdown or plain-text document into article/section chunks."""
    if "<!-- INFO END -->" in text:  # metadata block of the statute collection
        head, text = text.split("<!-- INFO END -->", 1)
        title_match = re.search(r"^#\s+(.*\S)", head, re.M)
    else:
        title_match = re.search(r"^#\s+(.*\S)", text, re.M)
    doc_title = title_match.group(1) if title_match else Path(name).stem
    chunks: list[KnowledgeEntry] = []
    headings: list[str] = []
    label, lines = "", []

    def flush() -> None:
        body = "\n".join(line for line in lines if line.strip())
        if body.strip():
            if label or len(body) <= MAX_CHUNK_CHARS:
                chunks.append(_entry(doc_title, headings, label, body, name))
            else:  # a long section without articles: split at paragraph boundaries
                part = ""
                for paragraph in body.split("\n"):
                    if part and len(part) + len(paragraph) > MAX_CHUNK_CHARS:
                        chunks.append(_entry(doc_title, headings, "", part, name))
                        part = ""
                    part += paragraph + "\n"
                if part.strip():
                    chunks.append(_entry(doc_title, headings, "", part, name))
        lines.clear()

    for line in text.splitlines():
        heading = HEADING.match(line)
        if heading:
            flush()
            label = ""
            level = len(heading.group(1))
            if level == 1:
                continue  # the document title
            headings[:] = headings[: level - 2] + [heading.group(2)]
            continue
        article = ARTICLE.match(line)
        if article:
            flush()
            label = article.group(1)
        lines.append(line)
    flush()
    return chunks


def _faq_rows(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix == ".csv":
        return list(csv.DictReader(io.StringIO(text)))
    if path.suffix == ".jsonl":
        return [row for _, row in iter_jsonl(text.splitlines(), path.name, KnowledgeError)]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise KnowledgeError(f"{path.name}: invalid JSON ({exc.msg}, line {exc.lineno})") from exc
    return data if isinstance(data, list) else data.get("faq", data.get("items", []))


def faq_entries(path: Path) -> list[KnowledgeEntry]:
    entries = []
    for number, row in enumerate(_faq_rows(path), start=1):
        where = f"{path.name}, row {number}"
        if not isinstance(row, dict):
            raise KnowledgeError(f"{where}: expected an object with question and answer")
        questions = row.get("questions") or row.get("question") or []
        if isinstance(questions, str):
            questions = [q for q in re.split(r"[|\n]", questions) if q.strip()]
        answer = str(row.get("answer") or "").strip()
        if not questions:
            raise KnowledgeError(f"{where}: field 'question' is missing or empty")
        if not answer:
            raise KnowledgeError(f"{where}: field 'answer' is missing or empty")
        title = str(row.get("title") or questions[0]).strip()
        intents = row.get("intents") or []
        if isinstance(intents, str):
            intents = [i.strip() for i in intents.split(",") if i.strip()]
        entries.append(KnowledgeEntry(
            id=str(row.get("id") or f"faq-{_short_hash(path.name + title)}"), title=title, answer=answer,
            category=str(row.get("category") or path.stem), intents=tuple(intents),
            questions=tuple(q.strip() for q in questions), sources=(str(row.get("source") or path.name),),
            origin=path.name, kind="faq"))
    return entries


def ingest_path(path: Path) -> list[KnowledgeEntry]:
    """Entries from one file, or from every supported file under a folder (sorted, recursive)."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix.lower() in DOCUMENT_SUFFIXES | FAQ_SUFFIXES)
        return [entry for file in files for entry in ingest_path(file)]
    if not path.is_file():
        raise KnowledgeError(f"{path}: no such file or folder")
    suffix = path.suffix.lower()
    if suffix in DOCUMENT_SUFFIXES:
        try:
            return chunk_document(path.read_text(encoding="utf-8-sig"), path.name)
        except UnicodeDecodeError as exc:
            raise KnowledgeError(f"{path.name}: not valid UTF-8") from exc
    if suffix in FAQ_SUFFIXES:
        return faq_entries(path)
    raise KnowledgeError(f"{path.name}: unsupported file type {suffix!r} (use .md, .txt, .json, .jsonl, .csv)")

"""Built artefacts (converted backbone, trained models, indexes): manifests, verification, errors.

Every artefact is a folder in the cache with a ``manifest.json`` that records what it was built
from and a sha256 of each file. Loading verifies the manifest first, so a missing, truncated or
stale artefact fails with one clear message that names the command which rebuilds it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"


class ArtifactError(RuntimeError):
    """An artefact is missing, corrupt or stale."""

    def __init__(self, name: str, problem: str, build_command: str):
        self.name = name
        self.problem = problem
        self.build_command = build_command
        super().__init__(f"{name}: {problem}. Build it with: {build_command}")


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_manifest(folder: Path, info: dict[str, Any]) -> dict[str, Any]:
    """Record ``info`` plus a checksum of every file in ``folder`` (the manifest itself excluded)."""
    files = {
        str(p.relative_to(folder)): sha256_file(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }
    manifest = {**info, "files": files}
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def read_manifest(folder: Path, name: str, build_command: str, check_files: bool = True) -> dict[str, Any]:
    """The folder's manifest, after checking that every recorded file is present and unchanged."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise ArtifactError(name, f"not built (no {path})", build_command)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ArtifactError(name, f"unreadable manifest {path} ({exc})", build_command) from exc
    if check_files:
        for rel, expected in manifest.get("files", {}).items():
            file = Path(folder) / rel
            if not file.is_file():
                raise ArtifactError(name, f"file {file} is missing", build_command)
            if sha256_file(file) != expected:
                raise ArtifactError(name, f"file {file} is corrupt (checksum mismatch)", build_command)
    return manifest


def artefact_status(path: Path | str, check: Callable[[], dict], describe: Callable[[dict], dict]) -> dict:
    """One artefact's entry for ``finbot doctor``: ``check()`` returns its manifest or raises
    ``ArtifactError``; ``describe(manifest)`` picks the facts worth showing."""
    entry: dict[str, Any] = {"ok": True, "path": str(path)}
    try:
        entry.update(describe(check()))
    except ArtifactError as exc:
        entry.update(ok=False, error=exc.problem, build=exc.build_command)
    return entry


@contextmanager
def building(target: Path) -> Iterator[Path]:
    """Build into a temporary sibling folder, then swap it in: a failed build leaves the old one."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        yield tmp
        old = target.with_name(f".{target.name}-old")
        if old.exists():
            shutil.rmtree(old)
        if target.exists():
            os.replace(target, old)
        os.replace(tmp, target)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)

"""Files of a run: artifacts placed as task inputs, content hashes, the cache and `--resume`.

A task's cache key is the sha256 of its shipped script, its encoded value inputs, the content
hashes of its artifact inputs and its cache version: the same key means the same computation.
Artifact outputs never change once their task has finished, so each is hashed at most once.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from flowc.targets.local.record import SUCCEEDED

_CHUNK = 1 << 20


def place(value: Any, dest: Path) -> Any:
    """Copy an artifact value (a path, or a list/dict of them, or None) to `dest`, the layout
    the runtime reads: a list/dict is a directory of entries named by index/key. Returns the
    value with the new paths (for the record)."""
    if value is None:
        return None
    if isinstance(value, list):
        dest.mkdir(parents=True, exist_ok=True)
        return [place(v, dest / str(i)) for i, v in enumerate(value)]
    if isinstance(value, dict):
        dest.mkdir(parents=True, exist_ok=True)
        return {k: place(v, dest / k) for k, v in value.items()}
    source = Path(value)
    if source.is_dir():
        shutil.copytree(source, dest, symlinks=True)
    else:
        shutil.copyfile(source, dest)
    return dest


class Hashes:
    """Content hashes of artifacts, computed once per path."""

    def __init__(self) -> None:
        self._known: dict[str, str] = {}

    def of(self, value: Any) -> Any:
        """The hash structure of an artifact value (paths replaced by their content hashes)."""
        if value is None:
            return None
        if isinstance(value, list):
            return [self.of(v) for v in value]
        if isinstance(value, dict):
            return {k: self.of(v) for k, v in value.items()}
        key = str(value)
        if key not in self._known:
            self._known[key] = _content_hash(Path(value))
        return self._known[key]


def _content_hash(path: Path) -> str:
    digest = hashlib.sha256()
    if path.is_dir():
        for item in sorted(p for p in path.rglob("*") if p.is_file()):
            digest.update(item.relative_to(path).as_posix().encode() + b"\0")
            _update_file(digest, item)
    else:
        _update_file(digest, path)
    return digest.hexdigest()


def _update_file(digest: Any, path: Path) -> None:
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)


def cache_key(script: str, values: Mapping[str, str], artifacts: Mapping[str, Any], version: str) -> str:
    document = {
        "script": hashlib.sha256(script.encode()).hexdigest(),
        "values": dict(values),
        "artifacts": dict(artifacts),
        "version": version,
    }
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


def cached_outputs(cache_dir: Path, key: str) -> Path | None:
    outputs = cache_dir / key / "outputs"
    return outputs if outputs.is_dir() else None


def store_outputs(cache_dir: Path, key: str, outputs: Path) -> None:
    """Copy a task's outputs into the cache; a concurrent writer of the same key wins harmlessly."""
    entry = cache_dir / key
    if entry.exists():
        return
    cache_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{key[:12]}.", dir=cache_dir))
    try:
        shutil.copytree(outputs, staging / "outputs", symlinks=True)
        os.rename(staging, entry)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)


def copy_outputs(source: Path, dest: Path) -> None:
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(source, dest, symlinks=True)


def read_record(path: Path) -> dict[str, Any]:
    """A run record read back for `--resume`: an object naming its flow, with a list of task
    objects; ValueError for anything else (a file damaged or written by hand)."""
    document = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict):
        raise ValueError("expected a JSON object")
    if not isinstance(document.get("flow"), str):
        raise ValueError("it names no flow")
    tasks = document.get("tasks")
    if not isinstance(tasks, list) or not all(isinstance(task, dict) for task in tasks):
        raise ValueError("`tasks` is not a list of objects")
    return document


def resume_index(run_dir: Path, record: Mapping[str, Any]) -> dict[str, Path]:
    """cache key → outputs directory of every task that succeeded in the run at `run_dir`;
    ValueError for a task whose key or folder is not one the run could have written."""
    index: dict[str, Path] = {}
    for task in record["tasks"]:
        if task.get("status") != SUCCEEDED:
            continue
        key, directory = task.get("cache_key"), task.get("dir")
        if not isinstance(key, str) or not _inside(directory):
            raise ValueError(f"task {task.get('path')!r}: no cache key or task folder")
        outputs = run_dir / directory / "outputs"
        if outputs.is_dir():
            index[key] = outputs
    return index


def _inside(directory: Any) -> bool:
    """Whether `directory` is a folder of the run's own, not a path out of it."""
    if not isinstance(directory, str) or not directory:
        return False
    relative = PurePosixPath(directory)
    return not relative.is_absolute() and ".." not in relative.parts

"""Provenance of a compiled flow: where its source came from, as Kubernetes labels and annotations.

`collect` reads it once (source digest, and git commit, branch, dirty flag, remote and path
through gitpython); `labels` and `annotations` are pure functions of it. Labels are what a
cluster selects on, so their values obey Kubernetes' label-value rules (at most 63 characters
of `[-A-Za-z0-9_.]`, alphanumeric at both ends): a value that doesn't fit is sanitised, and
truncated with a short hash of the original. Annotations carry the full values, and the ones
no label can hold (the remote URL, with any credentials removed, and the flow file's path).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from flowc.compiler.frozen import frozen

if TYPE_CHECKING:
    import git

PREFIX = "flowc/"
LABEL_VALUE_LIMIT = 63
_HASH_LENGTH = 8
LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
# an optional DNS-1123 subdomain prefix, then a name of at most 63 characters
LABEL_KEY = re.compile(
    r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
    r"[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$"
)
_NOT_IN_LABEL = re.compile(r"[^-A-Za-z0-9_.]+")
_EDGES = "-_."


@frozen
class Lineage:
    """What a submitted object records about its source. `commit` is None outside a git
    repository (or before its first commit); `dirty` is None when there is no repository."""

    source_hash: str
    version: str
    path: str  # the flow file, relative to the repository's root when it is in one
    commit: str | None = None
    branch: str | None = None  # None when HEAD is detached
    dirty: bool | None = None
    remote: str | None = None


def source_hash(sources: Mapping[str, str]) -> str:
    """sha256 over every module the flow was read from (the digest `flowc run` records too)."""
    digest = hashlib.sha256()
    for path in sorted(sources):
        digest.update(path.encode() + b"\0" + sources[path].encode() + b"\0")
    return digest.hexdigest()


def collect(flow_file: Path, sources: Mapping[str, str], version: str) -> Lineage:
    """The lineage of a flow read from `flow_file`; `sources` are the frontend's module texts,
    keyed by their paths relative to the working directory."""
    plain = Lineage(source_hash(sources), version, flow_file.name)
    try:
        import git  # only provenance pays for gitpython; it fails to import without a git executable
    except ImportError:
        return plain
    try:
        repo = git.Repo(flow_file.resolve().parent, search_parent_directories=True)
    except (git.exc.InvalidGitRepositoryError, git.exc.NoSuchPathError):
        return plain
    except (OSError, git.exc.GitError):
        return _unknown(plain)
    with repo:
        return _from_repo(repo, plain, flow_file, sources)


def _unknown(plain: Lineage) -> Lineage:
    """A repository flowc can't read: nothing recorded, and not known to be clean."""
    return Lineage(plain.source_hash, plain.version, plain.path, dirty=True)


def _from_repo(repo: git.Repo, plain: Lineage, flow_file: Path, sources: Mapping[str, str]) -> Lineage:
    import git

    root = Path(repo.working_tree_dir or ".").resolve()
    path = flow_file.resolve()
    relative = path.relative_to(root).as_posix() if path.is_relative_to(root) else plain.path
    try:
        commit = repo.head.commit.hexsha
    except ValueError:  # no commit yet: nothing of the source is committed
        return Lineage(plain.source_hash, plain.version, relative, dirty=True)
    try:
        return Lineage(
            plain.source_hash,
            plain.version,
            relative,
            commit=commit,
            branch=None if repo.head.is_detached else repo.active_branch.name,
            dirty=_dirty(repo, root, sources),
            remote=_remote(repo),
        )
    except (OSError, ValueError, git.exc.GitError):
        return _unknown(plain)


def _dirty(repo: git.Repo, root: Path, sources: Mapping[str, str]) -> bool:
    """Changes to tracked files, or a module of the flow that isn't committed. Other untracked
    files (a run directory, scratch notes) don't make the submitted code differ from HEAD."""
    if repo.is_dirty(index=True, working_tree=True, untracked_files=False):
        return True
    inside = [p for p in (Path(s).resolve() for s in sources) if p.is_relative_to(root)]
    if not inside:
        return False
    listed = repo.git.ls_files("--others", "--", *(str(p.relative_to(root)) for p in inside))
    return bool(listed.strip())


def _remote(repo: git.Repo) -> str | None:
    """The URL of the branch's upstream remote, else `origin`, else the first remote."""
    names = [r.name for r in repo.remotes]
    if not names:
        return None
    tracking = None if repo.head.is_detached else repo.active_branch.tracking_branch()
    name = tracking.remote_name if tracking is not None else "origin" if "origin" in names else names[0]
    urls = list(repo.remote(name).urls)
    return (strip_credentials(urls[0]) or None) if urls else None


def strip_credentials(url: str) -> str:
    """`url` without user, password or token: `https://user:tok@host/r?x=1` → `https://host/r`."""
    try:
        parts = urlsplit(url)
    except ValueError:  # unparseable (a bad IPv6 host): it may hold a secret, so drop it
        return ""
    if parts.netloc:
        return urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], parts.path, "", ""))
    # scp-like `user@host:path`: a user name alone is not a secret, `user:password@` is
    head, at, rest = url.rpartition("@")
    return rest if at and ":" in head and "/" not in head else url


def label_value(text: str) -> str:
    """`text` as a valid label value: kept when it is one; otherwise characters outside
    `[-A-Za-z0-9_.]` become `-`, and a value too long is cut with a short hash of `text`."""
    if len(text) <= LABEL_VALUE_LIMIT and LABEL_VALUE.match(text):
        return text
    digest = hashlib.sha256(text.encode()).hexdigest()[:_HASH_LENGTH]
    cleaned = _NOT_IN_LABEL.sub("-", text).strip(_EDGES)
    if len(cleaned) <= LABEL_VALUE_LIMIT:
        return cleaned or digest
    return cleaned[: LABEL_VALUE_LIMIT - _HASH_LENGTH - 1].rstrip(_EDGES) + "-" + digest


def as_labels(lineage: Lineage, flow: str) -> dict[str, str]:
    """Label-safe lineage of `flow`: what `kubectl get -l` and the engines' UIs filter on."""
    found = {
        "flow": label_value(flow),
        "source-hash": lineage.source_hash[:LABEL_VALUE_LIMIT],
        "version": label_value(lineage.version),
    }
    if lineage.commit is not None:
        found["git-commit"] = lineage.commit
    if lineage.branch is not None:
        found["git-branch"] = label_value(lineage.branch)
    if lineage.dirty is not None:
        found["git-dirty"] = _flag(lineage.dirty)
    return {PREFIX + key: value for key, value in sorted(found.items())}


def as_annotations(lineage: Lineage) -> dict[str, str]:
    """The full lineage, values unabridged."""
    found = {
        "source-hash": lineage.source_hash,
        "source-path": lineage.path,
        "version": lineage.version,
        "git-commit": lineage.commit,
        "git-branch": lineage.branch,
        "git-dirty": None if lineage.dirty is None else _flag(lineage.dirty),
        "git-remote": lineage.remote,
    }
    return {PREFIX + key: value for key, value in sorted(found.items()) if value is not None}


def summary(lineage: Lineage) -> str:
    """One line for descriptions and messages: `commit abc1234 on main (dirty), source 0f3c…`."""
    if lineage.commit is None:
        where = "not committed"
    else:
        branch = f" on {lineage.branch}" if lineage.branch else ""
        where = f"commit {lineage.commit[:12]}{branch}{' (dirty)' if lineage.dirty else ''}"
    return f"{lineage.path}: {where}, source {lineage.source_hash[:12]}, flowc {lineage.version}"


def _flag(value: bool) -> str:
    return "true" if value else "false"

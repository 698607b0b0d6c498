"""Lineage: label values always valid for Kubernetes (LIMITS.md §2), annotations complete,
credentials never kept, and git state read from real repositories made with gitpython."""

from __future__ import annotations

import textwrap
from pathlib import Path

import git
import pytest
from flowc.targets import lineage
from hypothesis import given
from hypothesis import strategies as st

from tests.harness import write_project

FLOW = """
from flowc import step, flow
from helpers import shout

@step
def hello(name: str) -> str:
    return shout(name)

@flow
def greet(name: str = "world") -> str:
    return hello(name)
"""
HELPERS = """
def shout(text: str) -> str:
    return text.upper()
"""
SOURCES = {"flow.py": "x = 1\n"}


def git_repo(root: Path, files: dict[str, str], branch: str = "main") -> git.Repo:
    """A repository at `root` holding `files` (and a pyproject.toml) in one commit."""
    write_project(root, files)
    repo = git.Repo.init(root, initial_branch=branch)
    with repo.config_writer() as config:
        config.set_value("user", "name", "t")
        config.set_value("user", "email", "t@example.com")
    repo.git.add(".")
    repo.index.commit("first")
    return repo


def collect(root: Path, sources: dict[str, str] | None = None) -> lineage.Lineage:
    if sources is None:
        sources = {str(root / name): (root / name).read_text() for name in ("flow.py", "helpers.py")}
    return lineage.collect(root / "flow.py", sources, "0.1.0")


@pytest.fixture
def repo(tmp_path: Path) -> git.Repo:
    return git_repo(tmp_path, {"flow.py": FLOW, "helpers.py": HELPERS})


# --- label values ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["main", "v1.2.3", "a_b-c.d", "x" * 63, ""])
def test_a_valid_label_value_is_kept(value: str) -> None:
    assert lineage.label_value(value) == value


@pytest.mark.parametrize(
    ("value", "expected"),
    [("feature/login", "feature-login"), ("-x-", "x"), ("0.1.0+g12", "0.1.0-g12"), ("a b", "a-b")],
)
def test_invalid_characters_become_dashes(value: str, expected: str) -> None:
    assert lineage.label_value(value) == expected


def test_a_long_value_is_cut_with_a_hash_of_the_whole() -> None:
    first, second = lineage.label_value("b" * 70 + "1"), lineage.label_value("b" * 70 + "2")
    assert len(first) == lineage.LABEL_VALUE_LIMIT
    assert first != second  # the hash tells apart values that share the kept prefix
    assert first.startswith("b" * 50)


def test_a_value_of_only_invalid_characters_is_its_hash() -> None:
    assert lineage.LABEL_VALUE.match(lineage.label_value("///"))
    assert lineage.label_value("///") not in ("", "-")


@given(st.text(max_size=200))
def test_any_text_gives_a_valid_label_value(text: str) -> None:
    value = lineage.label_value(text)
    assert len(value) <= lineage.LABEL_VALUE_LIMIT
    assert lineage.LABEL_VALUE.match(value)


@given(st.text(alphabet="ab/_-.:@ ", min_size=1, max_size=120))
def test_labels_are_valid_for_any_branch_name(branch: str) -> None:
    found = lineage.Lineage("f" * 64, "0.1.0+local", "flow.py", "c" * 40, branch, True, "https://h/r")
    for key, value in lineage.as_labels(found, "my_flow").items():
        assert lineage.LABEL_KEY.match(key), key
        assert len(value) <= lineage.LABEL_VALUE_LIMIT
        assert lineage.LABEL_VALUE.match(value), value


# --- credentials ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://user:s3cret@github.com/acme/ml.git", "https://github.com/acme/ml.git"),
        ("https://ghp_TOKEN@github.com/acme/ml.git", "https://github.com/acme/ml.git"),
        ("https://github.com/acme/ml.git?private_token=s3cret#x", "https://github.com/acme/ml.git"),
        ("ssh://git@github.com/acme/ml.git", "ssh://github.com/acme/ml.git"),
        ("git@github.com:acme/ml.git", "git@github.com:acme/ml.git"),
        ("user:s3cret@host:acme/ml.git", "host:acme/ml.git"),
        ("/srv/git/ml.git", "/srv/git/ml.git"),
        ("http://[::1", ""),
    ],
)
def test_credentials_are_stripped_from_remote_urls(url: str, expected: str) -> None:
    assert lineage.strip_credentials(url) == expected


# --- reading git ----------------------------------------------------------------------------


def test_a_clean_repository(repo: git.Repo, tmp_path: Path) -> None:
    found = collect(tmp_path)
    assert found.commit == repo.head.commit.hexsha
    assert (found.branch, found.dirty, found.path) == ("main", False, "flow.py")
    labels = lineage.as_labels(found, "greet")
    assert labels["flowc/git-commit"] == repo.head.commit.hexsha
    assert (labels["flowc/git-dirty"], labels["flowc/flow"]) == ("false", "greet")
    assert lineage.as_annotations(found)["flowc/source-hash"] == found.source_hash
    assert len(found.source_hash) == 64


def test_a_changed_tracked_file_is_dirty(repo: git.Repo, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("# changed\n")
    assert collect(tmp_path).dirty is True


def test_a_staged_change_is_dirty(repo: git.Repo, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    repo.git.add("notes.txt")
    assert collect(tmp_path).dirty is True


def test_an_untracked_file_the_flow_does_not_use_is_not_dirty(repo: git.Repo, tmp_path: Path) -> None:
    (tmp_path / ".flowc").mkdir()
    (tmp_path / ".flowc" / "run.json").write_text("{}")
    assert collect(tmp_path).dirty is False


def test_an_uncommitted_module_of_the_flow_is_dirty(tmp_path: Path) -> None:
    git_repo(tmp_path, {"flow.py": FLOW})
    (tmp_path / "helpers.py").write_text(textwrap.dedent(HELPERS))
    assert collect(tmp_path).dirty is True


def test_an_ignored_module_of_the_flow_is_dirty(tmp_path: Path) -> None:
    git_repo(tmp_path, {"flow.py": FLOW, ".gitignore": "helpers.py\n"})
    (tmp_path / "helpers.py").write_text(textwrap.dedent(HELPERS))
    assert collect(tmp_path).dirty is True


def test_a_detached_head_has_no_branch(repo: git.Repo, tmp_path: Path) -> None:
    repo.git.checkout(repo.head.commit.hexsha)
    found = collect(tmp_path)
    assert found.branch is None
    assert "flowc/git-branch" not in lineage.as_labels(found, "greet")
    assert "flowc/git-branch" not in lineage.as_annotations(found)


def test_a_long_branch_name_is_a_valid_label_and_kept_whole_in_annotations(tmp_path: Path) -> None:
    branch = "feature/" + "very-long-branch-name-" * 4
    git_repo(tmp_path, {"flow.py": FLOW, "helpers.py": HELPERS}, branch=branch)
    found = collect(tmp_path)
    value = lineage.as_labels(found, "greet")["flowc/git-branch"]
    assert len(value) <= lineage.LABEL_VALUE_LIMIT
    assert lineage.LABEL_VALUE.match(value)
    assert lineage.as_annotations(found)["flowc/git-branch"] == branch


def test_the_remote_is_recorded_without_credentials(repo: git.Repo, tmp_path: Path) -> None:
    repo.create_remote("origin", "https://bot:ghp_s3cret@github.com/acme/ml.git")
    found = collect(tmp_path)
    assert found.remote == "https://github.com/acme/ml.git"
    assert "s3cret" not in repr(lineage.as_annotations(found))
    assert "flowc/git-remote" not in lineage.as_labels(found, "greet")  # too long for a label value


def test_the_upstream_remote_wins_over_origin(repo: git.Repo, tmp_path: Path) -> None:
    repo.create_remote("origin", "https://github.com/acme/ml.git")
    upstream = repo.create_remote("fork", "https://github.com/me/ml.git")
    repo.git.update_ref("refs/remotes/fork/main", repo.head.commit.hexsha)
    repo.active_branch.set_tracking_branch(upstream.refs[0])
    assert collect(tmp_path).remote == "https://github.com/me/ml.git"


def test_the_path_is_relative_to_the_repository_root(tmp_path: Path) -> None:
    git_repo(tmp_path, {"pipelines/flow.py": FLOW, "pipelines/helpers.py": HELPERS})
    found = collect(tmp_path / "pipelines")
    assert found.path == "pipelines/flow.py"


def test_outside_a_repository_only_the_source_is_recorded(tmp_path: Path) -> None:
    write_project(tmp_path, {"flow.py": FLOW})
    found = lineage.collect(tmp_path / "flow.py", SOURCES, "0.1.0")
    assert (found.commit, found.branch, found.dirty, found.remote) == (None, None, None, None)
    assert set(lineage.as_labels(found, "greet")) == {"flowc/flow", "flowc/source-hash", "flowc/version"}


def test_a_repository_without_a_commit_is_dirty(tmp_path: Path) -> None:
    write_project(tmp_path, {"flow.py": FLOW})
    git.Repo.init(tmp_path)
    found = lineage.collect(tmp_path / "flow.py", SOURCES, "0.1.0")
    assert (found.commit, found.dirty) == (None, True)


def test_the_source_hash_depends_on_every_module() -> None:
    one = lineage.source_hash({"flow.py": "a", "helpers.py": "b"})
    assert one == lineage.source_hash({"helpers.py": "b", "flow.py": "a"})
    assert one != lineage.source_hash({"flow.py": "a", "helpers.py": "c"})


def test_the_summary_names_commit_branch_and_dirt(repo: git.Repo, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("# changed\n")
    text = lineage.summary(collect(tmp_path))
    assert repo.head.commit.hexsha[:12] in text
    assert "main" in text
    assert "dirty" in text

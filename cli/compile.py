"""`flowc compile PATH[:FLOW] --target argo`: compiled output to stdout or a directory.

`--check` compares with what is in the directory and writes nothing (exit 1 on drift);
`--diff` shows what would change. Files are written only after every check passed, each one
atomically, so a failed compile never leaves a partial file.
"""

from __future__ import annotations

import difflib
import os
import shlex
import stat
import sys
import tempfile
from pathlib import Path

import typer
from flowc.cli.load import compile_or_report, load_or_report
from flowc.cli.options import split_target
from flowc.compiler.batch import skip_final_collection
from flowc.compiler.config import Config, governing_config
from flowc.compiler.diagnostics import FlowcError
from flowc.targets import COMPILED_MARK, CompileOptions, Output, load_target

from flowc import __version__


def register(app: typer.Typer) -> None:
    app.command("compile")(compile_flow)


def compile_flow(
    target_path: str = typer.Argument(
        ..., metavar="PATH[:FLOW]", help="A flow file, and the flow if it has several."
    ),
    target: str | None = typer.Option(
        None, "--target", "-t", help="argo, kfp or metaflow (default: `targets` in \\[tool.flowc])."
    ),
    output_dir: Path | None = typer.Option(
        None,
        "--output-dir",
        "-o",
        help="Write files here (default: `output-dir` in \\[tool.flowc]; `-` or neither: stdout).",
    ),
    check: bool = typer.Option(
        False, "--check", help="Exit 1 if files in the output directory would change; write nothing."
    ),
    diff: bool = typer.Option(
        False, "--diff", help="Show a unified diff against the output directory; write nothing."
    ),
    stamp: bool = typer.Option(
        False, "--stamp", help="Add git commit, branch, dirty flag and source hash as annotations."
    ),
    argo_kind: str | None = typer.Option(
        None, "--argo-kind", help="workflow (default) or template (a WorkflowTemplate)."
    ),
    argo_version: int | None = typer.Option(
        None, "--argo-version", help="4 (default) or 3: the CronWorkflow schedule form."
    ),
    sizes: bool = typer.Option(False, "--sizes", help="Show on stderr where the output's bytes go."),
) -> int:
    """Compile a flow for an engine."""
    skip_final_collection()
    settings = governing_config(split_target(target_path)[0])
    targets = [target] if target is not None else list(settings.raw.get("targets", []))
    directory = output_dir if output_dir is not None else _configured_dir(settings)
    directory = None if directory == Path("-") else directory
    _check_request(targets, directory, check, diff, argo_kind is not None or argo_version is not None)
    loaded = load_or_report(target_path, settings)
    if isinstance(loaded, int):
        return loaded
    assert loaded.program is not None
    options = compile_options(
        settings, loaded.sources, argo_kind, argo_version, target_path if stamp else None
    )
    outputs: list[Output] = []
    for name in targets:
        compiled = compile_or_report(name, loaded, options, settings)
        if isinstance(compiled, int):
            return compiled
        outputs += compiled
        if sizes:
            for output in compiled:
                _report_sizes(name, output)
    if directory is None:
        for output in outputs:
            sys.stdout.buffer.write(output.data)
        return 0
    _refuse_sources(directory, outputs, loaded.sources)
    if check or diff:
        changed = _compare(directory, outputs, show_diff=diff)
        if changed and check:
            command = _update_command(target_path, target, output_dir, argo_kind, argo_version)
            print(
                f"{changed} file{'s' if changed != 1 else ''} out of date; to update, run: {command}",
                file=sys.stderr,
            )
        return 1 if changed and check else 0  # like black: --diff alone only shows
    for output in outputs:
        write_output(directory / output.name, output.data)
    return 0


def _configured_dir(settings: Config) -> Path | None:
    """`output-dir` of [tool.flowc], relative to the pyproject.toml that says it."""
    configured = settings.raw.get("output-dir")
    if configured is None or settings.path is None:
        return None
    return settings.path.parent / str(configured)


def _check_request(
    targets: list[str], directory: Path | None, check: bool, diff: bool, argo_flags: bool
) -> None:
    """Usage errors, before the flow is read."""
    if not targets:
        raise FlowcError("give the engine with --target argo, kfp or metaflow (or `targets` in [tool.flowc])")
    for name in targets:
        load_target(name)  # an unknown name fails before the flow is read
    if (check or diff) and directory is None:
        raise FlowcError("--check and --diff compare with files: give the directory with -o DIR")
    if directory is None and len(targets) > 1:
        raise FlowcError(
            f"{len(targets)} targets ({', '.join(targets)}) write several files: give the directory with -o DIR"
        )
    if argo_flags and "argo" not in targets:
        raise FlowcError("--argo-kind and --argo-version are for --target argo")


def _refuse_sources(directory: Path, outputs: list[Output], sources: dict[str, str]) -> None:
    """Never write over a module the flow was compiled from (a Metaflow file is named after its
    flow, and a flow often after its file), nor over any Python file flowc didn't write: a flow
    named `train` or `setup` would otherwise replace the user's `train.py`."""
    read = {Path(path).resolve() for path in sources}
    for output in outputs:
        path = directory / output.name
        if path.resolve() in read:
            raise FlowcError(f"{path}: is a source of the flow; compile into another directory")
        if output.name.endswith(".py") and not _compiled_or_absent(path):
            raise FlowcError(
                f"{path}: exists and was not written by flowc; compile into another directory or remove it"
            )


def _compiled_or_absent(path: Path) -> bool:
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return False  # a folder or a pipe: not ours to replace (and a pipe would block a read)
        with path.open("rb") as handle:
            first = handle.readline(4096)
    except FileNotFoundError:
        return True
    except OSError:
        return False  # unreadable: not ours to replace
    return first.startswith(b'"""') and COMPILED_MARK.encode() in first


def _report_sizes(target: str, output: Output) -> None:
    """Where the bytes go, by part (they sum to the total) and, for Argo, by template."""
    total = len(output.data)
    print(f"{output.name}: {total:,} bytes", file=sys.stderr)
    if target == "argo":
        from flowc.targets.argo.sizes import breakdown

        parts, templates = breakdown(output.data)
    elif output.name.endswith(".yaml"):
        from flowc.targets.yamlout import parts_by_key

        parts, templates = parts_by_key(output.data), []
    else:
        parts, templates = [], []
    for part, size in parts:
        print(f"  {part:<34} {size:>12,}  {size / max(total, 1):6.1%}", file=sys.stderr)
    if templates:
        largest = ", ".join(f"{name} {size:,}" for name, size in templates[:5])
        print(f"  largest of {len(templates):,} templates: {largest}", file=sys.stderr)


def compile_options(
    settings: Config, sources: dict[str, str], kind: str | None, version: int | None, stamped: str | None
) -> CompileOptions:
    """The target options from the flags and `[tool.flowc]` (shared with `flowc submit`)."""
    argo = settings.raw.get("argo", {})
    kind = kind if kind is not None else argo.get("kind", "workflow")
    version = version if version is not None else argo.get("version", 4)
    if kind not in ("workflow", "template"):
        raise FlowcError(f"--argo-kind must be workflow or template, not {kind!r}")
    if version not in (3, 4):
        raise FlowcError(f"--argo-version must be 3 or 4, not {version}")
    return CompileOptions(
        default_image=settings.default_image or CompileOptions.default_image,
        argo_kind=kind,
        argo_version=version,
        size_budget=argo.get("size-budget", CompileOptions.size_budget),
        stamp=_stamp(stamped, sources) if stamped else (),
        sources=sources,
    )


def _stamp(target_path: str, sources: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """Provenance for the compiled object: only with --stamp, so plain output stays reproducible."""
    from flowc.targets import lineage

    found = lineage.collect(Path(target_path.rpartition(":")[0] or target_path), sources, __version__)
    if found.commit is None:
        raise FlowcError("--stamp needs a git repository with a commit")
    return tuple(sorted(lineage.as_annotations(found).items()))


def _update_command(
    target_path: str, target: str | None, output_dir: Path | None, kind: str | None, version: int | None
) -> str:
    """The compile that brings the checked files up to date: the same request, writing."""
    argv = ["flowc", "compile", target_path]
    argv += ["--target", target] if target is not None else []
    argv += ["-o", str(output_dir)] if output_dir is not None else []
    argv += ["--argo-kind", kind] if kind is not None else []
    argv += ["--argo-version", str(version)] if version is not None else []
    return shlex.join(argv)


def _shown(path: Path) -> str:
    """`path` as people read it: relative to the working directory when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _compare(directory: Path, outputs: list[Output], show_diff: bool) -> int:
    """How many outputs differ from the files in `directory` (printing a diff if asked)."""
    changed = 0
    for output in outputs:
        path = directory / output.name
        current = _read_existing(path)
        if current == output.data:
            continue
        changed += 1
        print(f"would {'update' if current is not None else 'create'} {_shown(path)}", file=sys.stderr)
        if show_diff:
            sys.stdout.writelines(
                unified_diff(
                    (current or b"").decode("utf-8", "replace"),
                    output.data.decode("utf-8"),
                    str(path),
                    f"{path} (compiled)",
                )
            )
    return changed


def _read_existing(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise FlowcError(f"{path}: cannot read: {exc.strerror or exc}") from None


def unified_diff(old: str, new: str, old_name: str, new_name: str) -> list[str]:
    """A diff `patch` applies: a last line without a newline gets the marker diff(1) writes."""
    lines = []
    for line in difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), fromfile=old_name, tofile=new_name
    ):
        lines.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return lines


def write_output(path: Path, data: bytes) -> None:
    """`write_atomic`, with a file-system failure said plainly (exit 2), not as a bug, and of
    the output: its temporary file is flowc's business."""
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise FlowcError(f"{path}: cannot write: {exc.strerror or exc}") from None


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same directory and rename: readers never see half a
    file. The file gets the mode a plain write would give it: an existing file's own, or the
    umask's for a new one (a temporary file is private until it is renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir():
        raise IsADirectoryError(21, "is a directory", str(path))
    mode = _mode_for(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            os.fchmod(handle.fileno(), mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask

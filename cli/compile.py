"""`flowc compile PATH[:FLOW] --target argo`: compiled output to stdout or a directory.

`--check` compares with what is in the directory and writes nothing (exit 1 on drift);
`--diff` shows what would change. Files are written only after every check passed, each one
atomically, so a failed compile never leaves a partial file.
"""

from __future__ import annotations

import difflib
import os
import sys
import tempfile
from pathlib import Path

import typer
from flowc.cli import render
from flowc.cli.load import load_or_report
from flowc.compiler.batch import skip_final_collection
from flowc.compiler.config import Config, load_config
from flowc.compiler.diagnostics import FlowcError
from flowc.targets import CompileOptions, Output, load_target

from flowc import __version__


def register(app: typer.Typer) -> None:
    app.command("compile")(compile_flow)


def compile_flow(
    target_path: str = typer.Argument(
        ..., metavar="PATH[:FLOW]", help="A flow file, and the flow if it has several."
    ),
    target: str = typer.Option(..., "--target", "-t", help="argo, kfp or metaflow."),
    output_dir: Path | None = typer.Option(
        None, "--output-dir", "-o", help="Write files here instead of stdout."
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
    argo_kind: str = typer.Option(
        None, "--argo-kind", help="workflow (default) or template (a WorkflowTemplate)."
    ),
    argo_version: int = typer.Option(
        None, "--argo-version", help="4 (default) or 3: the CronWorkflow schedule form."
    ),
    sizes: bool = typer.Option(False, "--sizes", help="Show on stderr where the output's bytes go."),
) -> int:
    """Compile a flow for an engine."""
    skip_final_collection()
    if (check or diff) and output_dir is None:
        raise FlowcError("--check and --diff compare with files: give the directory with -o DIR")
    loaded = load_or_report(target_path)
    if isinstance(loaded, int):
        return loaded
    assert loaded.program is not None
    settings = load_config(Path(target_path.rpartition(":")[0] or target_path))
    options = compile_options(
        settings, loaded.sources, argo_kind, argo_version, target_path if stamp else None
    )
    result = load_target(target).compile(loaded.program, options)
    if result.diagnostics:
        render.render("full", list(result.diagnostics), loaded.sources, 1, summary=False)
    if not result.ok:
        return 1
    if sizes:
        for output in result.outputs:
            _report_sizes(target, output)
    if output_dir is None:
        for output in result.outputs:
            sys.stdout.buffer.write(output.data)
        return 0
    if check or diff:
        changed = _compare(output_dir, result.outputs, show_diff=diff)
        return 1 if changed and check else 0  # like black: --diff alone only shows
    for output in result.outputs:
        write_atomic(output_dir / output.name, output.data)
    return 0


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
    kind = kind or argo.get("kind", "workflow")
    version = version or argo.get("version", 4)
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


def _compare(directory: Path, outputs: tuple[Output, ...], show_diff: bool) -> int:
    """How many outputs differ from the files in `directory` (printing a diff if asked)."""
    changed = 0
    for output in outputs:
        path = directory / output.name
        current = path.read_bytes() if path.exists() else None
        if current == output.data:
            continue
        changed += 1
        print(f"would {'update' if current is not None else 'create'} {path}", file=sys.stderr)
        if show_diff:
            sys.stdout.writelines(
                difflib.unified_diff(
                    (current or b"").decode("utf-8", "replace").splitlines(keepends=True),
                    output.data.decode("utf-8").splitlines(keepends=True),
                    fromfile=str(path),
                    tofile=f"{path} (compiled)",
                )
            )
    return changed


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same directory and rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

"""One attempt of one task: a process running the shipped script, as a pod would.

The process gets a minimal environment (PATH, HOME, LANG, the step's `env` and secrets, the
`FLOWC_*` variables of the runtime contract, and for a step with `packages=` a folder of its own
to pip-install them into), its own session (so a timeout or Ctrl-C kills the
whole process group, children included, and so does the end of its main process, as a pod's
teardown does), the attempt's work directory as its cwd, and files for stdout and stderr.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import Mapping
from pathlib import Path

from flowc.compiler import ir
from flowc.compiler.frozen import frozen
from flowc.compiler.shipping import ENV_PREFIX


@frozen
class Outcome:
    exit_code: int | None
    reason: str | None  # None on success

    @property
    def ok(self) -> bool:
        return self.reason is None

    @property
    def started(self) -> bool:
        """Whether the process ran at all (an error before it did is an `error` for retries)."""
        return self.exit_code is not None


def task_env(step: ir.Step, values: Mapping[str, str], inputs: Path, outputs: Path) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/"),
        "LANG": os.environ.get("LANG", "C.UTF-8"),
    }
    env.update(step.options.env)
    for secret in step.options.secrets:  # a reference: the value comes from this machine, if at all
        if secret.env in os.environ:
            env[secret.env] = os.environ[secret.env]
    env.update((ENV_PREFIX + name, text) for name, text in values.items())
    env["FLOWC_INPUTS_DIR"], env["FLOWC_OUTPUTS_DIR"] = str(inputs), str(outputs)
    if step.options.packages:
        # the script pip-installs them, as into a pod's image; here into the task's own folder,
        # never into the interpreter flowc (or `--python`) runs from
        packages = inputs.parent / "packages"
        packages.mkdir(parents=True, exist_ok=True)  # on sys.path from the start: it must exist
        env["PIP_TARGET"] = str(packages)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(packages), env.get("PYTHONPATH"))))
    return env


async def run_process(
    argv: list[str], env: dict[str, str], cwd: Path, logs: Path, timeout: float | None
) -> Outcome:
    """Run to completion, or kill the process group on timeout or cancellation."""
    with (logs / "stdout").open("wb") as out, (logs / "stderr").open("wb") as err:
        try:
            proc = await asyncio.create_subprocess_exec(
                *argv, cwd=cwd, env=env, stdin=asyncio.subprocess.DEVNULL, stdout=out, stderr=err,
                start_new_session=True,
            )  # fmt: skip
        except (OSError, ValueError) as exc:  # no interpreter, a NUL in a value, …
            err.write(f"flowc: could not start {argv[0]}: {exc}\n".encode())
            return Outcome(None, f"could not start: {exc}")
        try:
            code = await asyncio.wait_for(proc.wait(), timeout)
        except TimeoutError:
            return Outcome(await _kill(proc), "timeout")
        except asyncio.CancelledError:
            await asyncio.shield(_kill(proc))
            raise
        _kill_group(proc.pid)  # what the step left running ends with it, as in a pod
    return Outcome(code, None if code == 0 else f"exit code {code}")


async def _kill(proc: asyncio.subprocess.Process) -> int:
    _kill_group(proc.pid)
    return await proc.wait()


def _kill_group(pgid: int) -> None:
    """SIGKILL every process left in the task's group (the session it leads, see `run_process`).

    SIGKILL at once, without a SIGTERM and a grace period first, because that is what a pod's
    leftovers get: when a container's main process (pid 1 of its pid namespace) exits, the
    kernel SIGKILLs every other process in it. The group outlives its reaped leader while a
    member is left, and Linux gives its id to no new process before it is empty.
    """
    with contextlib.suppress(ProcessLookupError):  # nothing left in it
        os.killpg(pgid, signal.SIGKILL)

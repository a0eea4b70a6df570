"""``csm-harness worker --master HOST``: join a master's run from this machine.

The master is ``csm-harness run SCENARIO --expect-workers K`` (or a Kubernetes master pod, see
``deploy/README.md``). This command runs Locust's worker over the harness's locustfile in a
child process, passes SIGTERM/SIGINT on to it, and exits with its exit code.
"""

from __future__ import annotations

import signal
import subprocess
from types import FrameType
from typing import Annotated

import typer

from harness.cli.console import say
from harness.cli.messages import detect_lang, msg
from harness.orchestrate.distributed import DEFAULT_MASTER_PORT, worker_command


def worker(
    master: Annotated[
        str, typer.Option("--master", help="Host name or IP of the master (csm-harness run).")
    ],
    master_port: Annotated[
        int, typer.Option(min=1, max=65535, help="The master's port (--master-bind-port).")
    ] = DEFAULT_MASTER_PORT,
    processes: Annotated[
        int, typer.Option(min=1, help="Worker processes on this machine (one per core).")
    ] = 1,
    loglevel: Annotated[str, typer.Option(help="Locust log level.")] = "WARNING",
    lang: Annotated[str | None, typer.Option(help="en or zh-CN.")] = None,
) -> None:
    """Join a csm-harness master as a Locust worker and run its share of the arrivals."""
    language = detect_lang(lang)
    say(msg("worker.joining", language, master=master, port=master_port, processes=processes))
    child = subprocess.Popen(
        worker_command(master, master_port, processes=processes, loglevel=loglevel)
    )

    def forward(signum: int, _frame: FrameType | None) -> None:
        if child.poll() is None:
            child.send_signal(signum)

    previous = {s: signal.signal(s, forward) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        code = child.wait()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if child.poll() is None:
            child.kill()
            child.wait()
    raise typer.Exit(code)

"""Locust master/worker across machines: the command lines, built in one place.

``csm-harness run SCENARIO --expect-workers K`` starts a Locust master that waits for K workers
(started anywhere with ``csm-harness worker --master HOST``) before the first arrival, then
splits the arrival schedule between them exactly as ``--workers N`` does on one machine
(:func:`harness.data.schedule.share_of`, by the worker index Locust assigns). No home-made
distribution: the master's plan and every worker's metrics travel on Locust's own messages.

What every worker needs, because the master sends only option *values*:

* the scenario and vendor YAML at the same path as on the master (same checkout and working
  directory, or the ConfigMap mounted at the same path in Kubernetes, see ``deploy/``);
* the vendor's credentials in the same environment variables (``auth.token_env``);
* the run folder (``--out``) on a shared disk if ``tickets.parquet`` must hold every worker's
  per-ticket records: each worker writes ``records/`` under the master's run-folder path on its
  own filesystem. Metrics and summary.json are always complete: they travel to the master.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DEFAULT_MASTER_PORT", "LOCUSTFILE", "MasterSpec", "worker_command"]

DEFAULT_MASTER_PORT = 5557  # Locust's default; the Kubernetes Service exposes the same
LOCUSTFILE = Path(__file__).parents[1] / "load" / "locustfile.py"


@dataclass(frozen=True, slots=True)
class MasterSpec:
    """A master that waits for ``expect_workers`` external workers (``csm-harness worker``)."""

    expect_workers: int
    bind_host: str = "*"
    bind_port: int = DEFAULT_MASTER_PORT
    max_wait_s: float = 120.0  # give up (exit 1) if the workers have not all joined by then

    def locust_args(self) -> list[str]:
        return [
            "--master",
            "--expect-workers", str(self.expect_workers),
            "--expect-workers-max-wait", f"{self.max_wait_s:g}",
            "--master-bind-host", self.bind_host,
            "--master-bind-port", str(self.bind_port),
        ]  # fmt: skip


def worker_command(
    master_host: str,
    master_port: int = DEFAULT_MASTER_PORT,
    *,
    processes: int = 1,
    loglevel: str = "WARNING",
) -> list[str]:
    """``python -m locust -f <harness locustfile> --worker --master-host HOST ...``."""
    argv = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--worker",
        "--master-host", master_host, "--master-port", str(master_port),
        "--loglevel", loglevel,
    ]  # fmt: skip
    if processes > 1:
        argv += ["--processes", str(processes)]
    return argv

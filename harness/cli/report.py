"""``csm-harness report RUN_DIR``: render a run's report from what is on disk.

Works on a finished run (renders it again) and on a run killed at any point (rebuilds the
summary from ``metrics.ndjson`` and the records, marked incomplete). Thin over
:mod:`harness.orchestrate.recovery`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from harness.cli.console import say
from harness.cli.messages import detect_lang, msg
from harness.i18n import Lang
from harness.orchestrate.recovery import Recovered, recover

LangOption = Annotated[str | None, typer.Option(help="en or zh-CN (default: from the locale).")]


def report(
    run_dir: Annotated[Path, typer.Argument(help="A run folder, e.g. reports/<batch>/<run-id>/.")],
    lang: LangOption = None,
) -> None:
    """Render a run's report from its folder, even if the run was killed (marked incomplete)."""
    language = detect_lang(lang)
    done = recover(run_dir, lang=language)
    print_recovered(done, run_dir, language)


def print_recovered(done: Recovered, run_dir: Path, lang: Lang) -> None:
    if done.rebuilt:
        last = (
            datetime.fromtimestamp(done.last_second, UTC).isoformat(timespec="seconds")
            if done.last_second is not None
            else msg("report.no_data", lang)
        )
        say(msg("report.incomplete", lang, lines=done.lines, torn=done.torn, last=last))
    else:
        say(msg("report.finished", lang))
    say(msg("report.rendered", lang, path=run_dir / "report.html"))

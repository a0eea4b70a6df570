"""The only module that imports rich: progress display and summary tables."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)


def say(text: str) -> None:
    console.print(text, markup=False)


def warn(text: str) -> None:
    errors.print(text, markup=False)


@contextmanager
def progress_bar(description: str, total: int) -> Iterator[ProgressHandle]:
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
    )
    with Progress(
        *columns, console=console, transient=False, disable=not sys.stdout.isatty()
    ) as progress:
        task = progress.add_task(description, total=max(total, 1))
        yield ProgressHandle(progress, task)


class ProgressHandle:
    def __init__(self, progress: Progress, task: object) -> None:
        self._progress = progress
        self._task = task

    def update(self, completed: int, description: str) -> None:
        self._progress.update(self._task, completed=completed, description=description)  # type: ignore[arg-type]


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], title: str | None = None) -> None:
    grid = Table(title=title)
    for header in headers:
        grid.add_column(header)
    for row in rows:
        grid.add_row(*row)
    console.print(grid)

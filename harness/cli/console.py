"""The only module that imports rich: progress display and summary tables."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

# Without a terminal (CI logs, pipes) rich would wrap tables at 80 columns.
_WIDTH = None if sys.stdout.isatty() else 120
console = Console(highlight=False, width=_WIDTH)


def say(text: str) -> None:
    console.print(text, markup=False)


def say_unwrapped(text: str) -> None:
    """A line that must stay whole to be copy-pasted (a curl command)."""
    console.print(text, markup=False, soft_wrap=True)


def warn(text: str) -> None:
    """Errors go to stderr unwrapped, so file:line messages stay whole and copy-pasteable."""
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


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

"""One error root for everything a user can cause; each carries the CLI exit code.

The CLI catches :class:`HarnessError` once, prints ``Error: <message>`` and exits with
``exit_code``. Any other exception is a bug and shows its traceback.
"""

from __future__ import annotations

from typing import ClassVar


class HarnessError(Exception):
    """Base of every error a user can cause or fix. Exit code 2: usage or configuration."""

    exit_code: ClassVar[int] = 2


class ConfigError(HarnessError):
    """A scenario, vendor or command-line input is invalid.

    ``problems`` holds one line per mistake (``file:line: field: problem. fix.``), so a file with
    several mistakes is reported in one pass.
    """

    def __init__(self, problems: str | list[str]) -> None:
        self.problems: list[str] = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class TargetNotAllowed(HarnessError):
    """The target host is outside the scenario's ``allow_hosts``; no request was sent."""


class VendorError(HarnessError):
    """The vendor is unreachable or broke its protocol in a way the harness cannot measure past."""

    exit_code: ClassVar[int] = 3


class ThresholdsFailed(HarnessError):
    """The run completed and at least one threshold failed."""

    exit_code: ClassVar[int] = 1

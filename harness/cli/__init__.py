"""``csm-harness``: the command line. Exit codes: 0 pass, 1 a threshold failed, 2 usage or
configuration error, 3 the vendor could not be measured."""

from __future__ import annotations

import sys

import typer

from harness.cli import accept as accept_commands
from harness.cli import breakpoint as breakpoint_commands
from harness.cli import compare as compare_commands
from harness.cli import data as data_commands
from harness.cli import export as export_commands
from harness.cli import poc as poc_commands
from harness.cli import profiling as profiling_commands
from harness.cli import proxy as proxy_commands
from harness.cli import report as report_commands
from harness.cli import run as run_commands
from harness.cli import sandbox as sandbox_commands
from harness.cli import score as score_commands
from harness.cli import vendors as vendors_commands
from harness.cli import worker as worker_commands
from harness.cli.console import warn
from harness.cli.messages import detect_lang, msg
from harness.errors import HarnessError

app = typer.Typer(
    name="csm-harness",
    help=(
        "Load and integration tests for customer-support (CSM) vendors: replay tickets, find "
        "where each vendor breaks, check acceptance lines, compare vendors.\n\n"
        "客服系统（CSM）厂商的压测与集成测试工具。"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("demo")(run_commands.demo)
app.command("run")(run_commands.run)
app.command("breakpoint")(breakpoint_commands.breakpoint)
app.command("accept")(accept_commands.accept)
app.command("sandbox")(sandbox_commands.sandbox)
app.command("worker")(worker_commands.worker)
app.command("profile")(profiling_commands.profile)
app.command("generate")(profiling_commands.generate)
app.command("anonymise")(data_commands.anonymise)
app.command("scan")(data_commands.scan)
app.command("score")(score_commands.score)
app.command("compare")(compare_commands.compare)
app.command("export")(export_commands.export)
app.command("poc")(poc_commands.poc)
app.command("vendors")(vendors_commands.vendors)
app.command("report")(report_commands.report)
app.command("proxy")(proxy_commands.proxy)


def main() -> None:
    try:
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)  # typer.Exit(code) raised inside a command
    except HarnessError as error:
        warn(msg("error", detect_lang(), message=str(error)))
        sys.exit(error.exit_code)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        sys.exit(130)
    except Exception as error:
        if _is_usage_error(error):  # a missing argument, an unknown option, a bad value
            error.show()  # type: ignore[attr-defined]
            sys.exit(2)
        raise


def _is_usage_error(error: Exception) -> bool:
    """click's usage errors, and those of the click copy typer >= 0.29 vendors."""
    import click

    try:
        from typer._click.exceptions import ClickException as TyperClickException
    except ImportError:  # an older typer that uses click itself
        return isinstance(error, click.ClickException)
    return isinstance(error, click.ClickException | TyperClickException)

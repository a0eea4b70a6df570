"""One acceptance run inside a pytest session: vendor set-up, ``csm_*`` fixtures, results.

Registered by :mod:`harness.checks.plugin` only when ``--csm-vendor`` is given. A vendor
file that does not load is a usage error before collection; a vendor that cannot be reached
(or refuses the harness's credentials) ends the session with one message and exit code 3,
before any check runs, instead of a failure per check.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable, Generator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest

from harness.checks.client import CheckClient
from harness.checks.context import Session
from harness.checks.contract import Contract, load_contract
from harness.checks.inbox import close_inbox, open_inbox
from harness.checks.plugin import CONTEXT_KEY, RUN_KEY
from harness.checks.registry import Check, CheckFailed, all_checks
from harness.checks.results import CheckResult, summary_lines, write_results
from harness.config import VendorSpec, load_scenario, load_vendor
from harness.config.hosts import HostAllowList
from harness.config.scenario import DEFAULT_ALLOW_HOSTS
from harness.config.suggest import did_you_mean
from harness.errors import ConfigError, HarnessError, VendorError
from harness.model import TicketRef
from harness.redact import Secret
from harness.transport.allowlist import check_target
from harness.vendors.auth import Signer, bearer, no_auth, signer_for
from harness.vendors.base import ApiFailure, ApiRequest, VendorAdapter, classify_status
from harness.vendors.capabilities import NotSupported, offered
from harness.vendors.credentials import bearer_token, curl_auth
from harness.vendors.registry import create_adapter

C = TypeVar("C", Secret, Signer)

__all__ = ["AcceptanceRun"]

EXIT_CONFIG = 2  # as ConfigError: fix the vendor file, the contract or the options
EXIT_VENDOR = 3  # as VendorError: the vendor could not be measured
_PROJECT = Path(__file__).resolve().parents[2]


class AcceptanceRun:
    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        config.stash[RUN_KEY] = self
        option = config.option
        self.lang: str = option.csm_lang or os.environ.get("CSM_HARNESS_LANG") or "en"
        try:
            scenario_path = Path(option.csm_scenario) if option.csm_scenario else None
            scenario = load_scenario(scenario_path) if scenario_path else None
            self.vendor_path = _vendor_path(option.csm_vendor, scenario_path)
            self.vendor: VendorSpec = load_vendor(self.vendor_path)
            self.contract: Contract = load_contract(option.csm_contract)
            self.overrides = _overrides(option.csm_sandbox_set)
        except HarnessError as exc:
            raise pytest.UsageError(f"csm-harness: {exc}") from None
        self.allow_hosts = [
            *(scenario.allow_hosts if scenario else DEFAULT_ALLOW_HOSTS),
            *option.csm_allow_host,
        ]
        self._scenario = scenario
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        self.out_dir = Path(option.csm_out or f"reports/{stamp}-accept-{self.vendor.name}")
        self.results: dict[str, CheckResult] = {}
        self.session: Session | None = None
        self._sandbox: Any = None
        self._meta: dict[str, Any] = {}
        self._started = time.time()

    # session -------------------------------------------------------------------------------
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        """Set the run up; whatever goes wrong is one message and an exit code, never a
        traceback or an INTERNALERROR block (2: configuration, 3: vendor not measurable)."""
        try:
            self._start()
        except (pytest.UsageError, pytest.exit.Exception):
            raise
        except HarnessError as exc:
            self._stop_sandbox()
            pytest.exit(f"csm-harness: {exc}", EXIT_CONFIG)
        except NotSupported as exc:
            self._stop_sandbox()
            pytest.exit(f"csm-harness: {self.vendor_path}: {exc}", EXIT_CONFIG)
        except Exception as exc:  # a harness defect: still one line, naming what to report
            self._stop_sandbox()
            pytest.exit(
                f"csm-harness: vendor {self.vendor.name} ({self.vendor_path}) could not be set "
                f"up: {type(exc).__name__}: {exc}. No check was run.",
                EXIT_VENDOR,
            )

    def _stop_sandbox(self) -> None:
        if self._sandbox is not None:
            self._sandbox.stop()
            self._sandbox = None

    def _start(self) -> None:
        vendor = self.vendor
        adapter = self._adapter()
        secret_list: list[Secret] = []
        if vendor.embedded:
            token = Secret(secrets.token_urlsafe(24))
            url = self._start_sandbox(token)
        else:
            url = vendor.base_url
            token = None
        if vendor.auth.kind == "bearer":
            if token is None:
                token = self._credential(lambda: bearer_token(vendor, str(self.vendor_path)))
            secret_list.append(token)
            signer = bearer(token, vendor.auth.scheme, vendor.auth.header)
        elif vendor.auth.kind == "none":
            signer = no_auth
        else:  # basic or a signature scheme (its reproductions show the request unsigned)
            signer = self._credential(lambda: signer_for(vendor.auth, str(self.vendor_path)))
            secret_list += _secrets_in(signer)
        self._allow(url)
        client = CheckClient(
            url,
            signer,
            curl_auth=curl_auth(vendor),
            secrets=secret_list,
            timeout=self.contract.request_timeout_s,
        )
        webhook_secret = self._webhook_secret()
        self.session = Session(
            adapter=adapter,
            client=client,
            contract=self.contract,
            run_tag=f"acc{int(time.time()) % 1_000_000:06d}{secrets.token_hex(2)}",
            out_dir=self.out_dir,
            webhook_secret=webhook_secret,
            auth_kind=vendor.auth.kind,
            vendor_name=vendor.name,
            webhooks_supported=vendor.webhooks.supported,
            webhook_listen=_listen(vendor),
            webhooks_signed=vendor.webhooks.signature != "none",
            webhook_events=tuple(vendor.webhooks.events),
            queues=dict(vendor.queues),
        )
        self._meta = {
            "vendor": vendor.name,
            "title": {"en": vendor.title.en, "zh-CN": vendor.title.zh_cn},
            "adapter": adapter.name,
            "url": url,
            "run_tag": self.session.run_tag,
            "operations": offered(adapter),
        }
        if self.session.webhooks_supported and self.session.webhook_listen is not None:
            try:  # a preconfigured vendor delivers from the first create of the first check
                open_inbox(self.session)
            except VendorError as exc:
                pytest.exit(f"csm-harness: {self.vendor_path}: {exc}", EXIT_CONFIG)
        self._preflight(client, adapter, url)

    def _adapter(self) -> VendorAdapter:
        try:
            return create_adapter(self.vendor.adapter, str(self.vendor_path))
        except ConfigError as exc:
            raise pytest.UsageError(f"csm-harness: {exc}") from None

    def _credential(self, read: Callable[[], C]) -> C:
        """Read a credential; a missing one is one usage error, not a cascade of failures."""
        try:
            return read()
        except ConfigError as exc:
            raise pytest.UsageError(f"csm-harness: {exc}") from None

    def _webhook_secret(self) -> str:
        env = self.vendor.webhooks.secret_env
        return (os.environ.get(env) if env else None) or secrets.token_urlsafe(24)

    def _start_sandbox(self, token: Secret) -> str:
        from harness.sandbox.server import SandboxProcess

        assert self.vendor.sandbox is not None
        overrides = {**self.vendor.sandbox.overrides, **self.overrides}
        sandbox = SandboxProcess(self.vendor.sandbox.profile, overrides, token=token.reveal())
        try:
            sandbox.start()
        except TimeoutError as exc:
            pytest.exit(f"csm-harness: the embedded sandbox did not start: {exc}", EXIT_VENDOR)
        self._sandbox = sandbox
        return sandbox.url

    def _allow(self, url: str) -> None:
        allows = self._scenario.allows if self._scenario else HostAllowList(self.allow_hosts)
        try:
            check_target(
                url,
                allows,
                self.allow_hosts,
                str(self.config.option.csm_scenario or "--csm-allow-host"),
            )
        except HarnessError as exc:
            raise pytest.UsageError(f"csm-harness: {exc}") from None

    def _preflight(self, client: CheckClient, adapter: VendorAdapter, url: str) -> None:
        """One cheap read; an unreachable or misconfigured vendor is one clear error. Without
        a list operation, a read of a ticket that does not exist: any 404 is an answer."""
        try:
            if "list" in offered(adapter):
                client.run(adapter.list_tickets(None, 1))
            else:
                probe = next(adapter.get_ticket(TicketRef("0", "")))
                response = client.send(probe)
                if response.status in (401, 403) or response.status >= 500:
                    failure = classify_status(probe, response)
                    assert failure is not None
                    raise failure
        except ApiFailure as exc:
            pytest.exit(
                f"csm-harness: vendor {self.vendor.name} at {url} cannot be measured: {exc}. "
                "Check base_url, that the service is up, and the credentials in "
                f"{_auth_env(self.vendor)}. No check was run.",
                EXIT_VENDOR,
            )

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        try:
            if self.results:
                results = list(self.results.values())
                meta = {**self._meta, "started_at": self._started, "finished_at": time.time()}
                path = write_results(self.out_dir / "checks.json", meta, results)
                self._written = path
                self.config.hook.pytest_csm_results_written(path=path, results=results)
        finally:
            if self.session is not None:
                self.session.client.close()
                close_inbox(self.session)
            if self._sandbox is not None:
                self._sandbox.stop()

    # collection ----------------------------------------------------------------------------
    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if "csm_check" in metafunc.fixturenames:
            checks = all_checks()
            metafunc.parametrize("csm_check", checks, ids=[c.id for c in checks])

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            check = _check_of(item)
            if check is not None:
                item.add_marker(pytest.mark.csm_check(check.id))
                item.user_properties += [
                    ("check_id", check.id),
                    ("severity", check.severity.value),
                    ("family", check.family),
                ]

    # results -------------------------------------------------------------------------------
    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        check = _check_of(item)
        if check is None:
            return report
        result = self.results.setdefault(check.id, CheckResult.of(check, item.nodeid))
        result.duration_s = round(result.duration_s + report.duration, 3)
        context = item.stash.get(CONTEXT_KEY, None)
        if context is not None:
            result.measured = dict(context.measured)
        failed = call.excinfo is not None and isinstance(call.excinfo.value, CheckFailed)
        if failed:
            assert call.excinfo is not None
            error = call.excinfo.value
            assert isinstance(error, CheckFailed)
            report.longrepr = f"{check.id} [{check.severity.value}] {check.title_in('en')}\n{error}"
            result.reproduction = list(error.reproductions)
        elif report.failed and call.excinfo is not None:  # never a traceback for a user
            exc = call.excinfo.value
            report.longrepr = (
                f"{check.id} [{check.severity.value}] could not run against "
                f"{self.vendor.name} ({self.vendor_path}): {type(exc).__name__}: {exc}"
            )
        if report.when == "call" or report.outcome != "passed":
            result.outcome, result.message = _outcome(report, failed, call)
        if report.when == "teardown":
            self.config.hook.pytest_csm_check_result(result=result)
        return report

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.results:
            return
        terminalreporter.section("csm-harness acceptance")
        path = getattr(self, "_written", None)
        for line in summary_lines(self._meta, list(self.results.values()), self.lang, path):
            terminalreporter.line(line)


def _outcome(
    report: pytest.TestReport, failed_check: bool, call: pytest.CallInfo[None]
) -> tuple[str, str]:
    if report.skipped:
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        return "skipped", reason.removeprefix("Skipped: ")
    if report.passed:
        return "passed", ""
    if failed_check and call.excinfo is not None:
        return "failed", str(call.excinfo.value)
    if report.when == "call" and call.excinfo is not None:
        exc = call.excinfo.value
        return "error", f"{type(exc).__name__}: {exc}"
    return "error", f"{report.when}: {report.longreprtext[-2000:]}"


def _check_of(item: pytest.Item) -> Check | None:
    callspec = getattr(item, "callspec", None)
    value = callspec.params.get("csm_check") if callspec is not None else None
    return value if isinstance(value, Check) else None


def _overrides(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--csm-sandbox-set {item!r}: expected KEY=VALUE.")
        out[key.strip()] = value
    return out


def _vendor_path(entry: str, scenario: Path | None) -> Path:
    """A vendor file, or a name under ``<scenario dir>/vendors`` / ``scenarios/vendors``."""
    if "/" in entry or entry.endswith((".yaml", ".yml")):
        path = Path(entry)
        if not path.is_file():
            raise ConfigError(f"--csm-vendor: no such file: {entry}")
        return path
    folders = (
        [scenario.parent / "vendors"]
        if scenario
        else [Path("scenarios/vendors"), _PROJECT / "scenarios" / "vendors"]
    )
    for folder in folders:
        path = folder / f"{entry}.yaml"
        if path.is_file():
            return path
    known = sorted({p.stem for f in folders if f.is_dir() for p in f.glob("*.yaml")})
    raise ConfigError(
        f"--csm-vendor: no vendor named '{entry}' (looked in "
        f"{', '.join(str(f) for f in folders)}).{did_you_mean(entry, known)} "
        f"Available: {', '.join(known) or '(none)'}."
    )


def _auth_env(vendor: VendorSpec) -> str:
    auth = vendor.auth
    if auth.kind == "bearer":
        return f"${auth.token_env}" if auth.token_env else str(auth.token_file)
    if auth.kind == "basic":
        return f"${auth.username_env} and ${auth.password_env or '(password)'}"
    return "(no auth)" if auth.kind == "none" else "the auth section of the vendor file"


def _secrets_in(signer: Signer) -> list[Secret]:
    """The credential inside a signer's Authorization header, scrubbed from reproductions."""
    header = signer(ApiRequest("GET", "/", "probe")).headers.get("Authorization", "")
    value = header.partition(" ")[2]
    return [Secret(value)] if value else []


def _listen(vendor: VendorSpec) -> tuple[str, int] | None:
    """The fixed receiver address of a preconfigured webhook (validated as HOST:PORT)."""
    hooks = vendor.webhooks
    if hooks.mode != "preconfigured" or hooks.listen is None:
        return None
    host, _, port = hooks.listen.rpartition(":")
    return host.strip("[]"), int(port)

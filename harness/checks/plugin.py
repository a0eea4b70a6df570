"""The pytest plugin (entry point ``pytest11: csm_harness``): vendor acceptance checks.

It loads in every pytest session of the environment, so it imports nothing heavy and does
nothing unless the session passes ``--csm-vendor``: only then is the
:class:`~harness.checks.run.AcceptanceRun` (fixtures ``csm_*``, result hooks) registered.
When no test paths are given, the bundled suite (:mod:`harness.checks.suite`) is collected.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from harness.checks.context import CheckContext
    from harness.checks.run import AcceptanceRun

SUITE = str(Path(__file__).with_name("suite.py"))
PLUGIN_NAME = "csm-harness-acceptance"
# Stash keys live here, in the module pytest loads first and keeps, so a module imported
# again later (pytester's in-process runs reset sys.modules) still finds the same keys.
RUN_KEY: pytest.StashKey[AcceptanceRun] = pytest.StashKey()
CONTEXT_KEY: pytest.StashKey[CheckContext] = pytest.StashKey()


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    _narrow_assertion_rewriting(pluginmanager)
    from harness.checks import hookspecs

    pluginmanager.add_hookspecs(hookspecs)


def _narrow_assertion_rewriting(pluginmanager: pytest.PytestPluginManager) -> None:
    """Rewrite asserts in ``harness.checks`` only, not in the whole ``harness`` package.

    pytest marks every top-level package of a distribution that has a ``pytest11`` entry point
    for assertion rewriting, so without this every ``harness`` module imported by any test
    session would be rewritten (and gain ``@py_builtins`` globals). pytest has no public API
    for this; the attributes are checked, and if they change nothing is narrowed.
    """
    hook = getattr(pluginmanager, "rewrite_hook", None)
    marked = getattr(hook, "_must_rewrite", None)
    if isinstance(marked, set) and "harness" in marked:
        marked.discard("harness")
        marked.add("harness.checks")
        cache = getattr(hook, "_marked_for_rewrite_cache", None)
        if isinstance(cache, dict):
            cache.clear()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("csm-harness", "customer-support vendor acceptance checks")
    group.addoption(
        "--csm-vendor",
        metavar="NAME|FILE",
        help="run the acceptance checks against this vendor: a name under scenarios/vendors/ "
        "(e.g. sandbox-solid) or a vendor YAML file. Without it the plugin does nothing.",
    )
    group.addoption(
        "--csm-scenario",
        metavar="FILE",
        help="scenario whose allow_hosts (and vendors/ folder) apply; default: loopback only.",
    )
    group.addoption(
        "--csm-contract",
        metavar="FILE",
        help="contract YAML: routing threshold, expected queues, masking, limits.",
    )
    group.addoption(
        "--csm-out",
        metavar="DIR",
        help="folder for checks.json and reproduction bodies; "
        "default: reports/<time>-accept-<vendor>.",
    )
    group.addoption(
        "--csm-lang", default=None, metavar="LANG", help="en or zh-CN for the summary table."
    )
    group.addoption(
        "--csm-allow-host",
        action="append",
        default=[],
        metavar="HOST",
        help="also allow this host (repeatable); prefer allow_hosts in a scenario.",
    )
    group.addoption(
        "--csm-sandbox-set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a profile field of an embedded sandbox, e.g. defects=leak_phone "
        "(repeatable).",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "csm_check(id): an acceptance check of csm-harness (set by the plugin; "
        "see README 'Acceptance suite').",
    )
    if not config.getoption("csm_vendor"):
        return
    run = importlib.import_module("harness.checks.run")
    fixtures = importlib.import_module("harness.checks.fixtures")
    config.pluginmanager.register(run.AcceptanceRun(config), PLUGIN_NAME)
    config.pluginmanager.register(fixtures, f"{PLUGIN_NAME}-fixtures")
    if config.args_source is not pytest.Config.ArgsSource.ARGS:
        config.args = [SUITE]

"""Adapters by name: bundled ones, third parties through the ``csm_harness.vendors`` entry-point
group (a real installed distribution in a subprocess), duplicates and unknown names."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from harness.errors import ConfigError
from harness.vendors.registry import available, create_adapter
from harness.vendors.zendesk import ZendeskAdapter

ROOT = Path(__file__).resolve().parents[2]


def _install_fake_package(site: Path, name: str, adapter: str = "acme") -> None:
    """A minimal installed distribution: one module and a dist-info with entry points."""
    (site / f"{name}.py").write_text(
        textwrap.dedent(
            """
            from typing import ClassVar

            class AcmeAdapter:
                name: ClassVar[str] = "acme"

                def create_ticket(self, ticket):
                    raise NotImplementedError
            """
        ),
        encoding="utf-8",
    )
    info = site / f"{name}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        f"[csm_harness.vendors]\n{adapter} = {name}:AcmeAdapter\n", encoding="utf-8"
    )


def _cli(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    code = (
        "import sys; sys.argv = ['csm-harness', *sys.argv[1:]]; "
        "from harness.cli import main; main()"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": f"{site}:{ROOT}", "CSM_HARNESS_LANG": "en", "PATH": "/usr/bin:/bin"},
    )


def test_bundled_adapters_are_listed_and_built() -> None:
    assert {"sandbox", "rest", "zendesk", "freshdesk", "udesk"} <= set(available())
    assert isinstance(create_adapter("zendesk"), ZendeskAdapter)


def test_unknown_name_suggests_the_closest_and_lists_the_rest() -> None:
    with pytest.raises(ConfigError) as caught:
        create_adapter("zendsek", "scenarios/vendors/acme.yaml")
    message = str(caught.value)
    assert message.startswith("scenarios/vendors/acme.yaml: adapter: unknown adapter 'zendsek'.")
    assert "Did you mean 'zendesk'?" in message
    assert "Run 'csm-harness vendors'" in message


def test_rest_without_a_vendor_file_says_so() -> None:
    with pytest.raises(ConfigError, match="needs its vendor file"):
        create_adapter("rest", "nowhere.yaml")


def test_third_party_adapter_is_listed_by_the_cli(tmp_path: Path) -> None:
    _install_fake_package(tmp_path, "acme_csm")
    done = _cli(tmp_path, "vendors")
    assert done.returncode == 0, done.stderr
    assert "acme_csm:AcmeAdapter" in done.stdout
    assert "acme_csm 1.0" in done.stdout
    assert "zendesk" in done.stdout


def test_duplicate_name_is_an_error_naming_both(tmp_path: Path) -> None:
    _install_fake_package(tmp_path, "acme_csm", adapter="zendesk")
    done = _cli(tmp_path, "vendors")
    assert done.returncode == 2
    assert "vendor adapter 'zendesk' is defined in both harness.vendors.zendesk:ZendeskAdapter" in (
        done.stderr
    )
    assert "acme_csm:AcmeAdapter (acme_csm 1.0)" in done.stderr
    assert "Traceback" not in done.stderr


def test_cli_speaks_chinese(tmp_path: Path) -> None:
    done = _cli(tmp_path, "vendors", "--lang", "zh-CN")
    assert done.returncode == 0, done.stderr
    assert "厂商适配器" in done.stdout and "内置" in done.stdout


def test_check_validates_vendor_files(tmp_path: Path) -> None:
    good = _cli(tmp_path, "vendors", "--check", "scenarios/vendors/sandbox-rest.yaml")
    assert good.returncode == 0, good.stderr
    assert "sandbox-rest.yaml: OK: vendor sandbox-rest, adapter rest" in good.stdout
    bad = _cli(tmp_path, "vendors", "--check", "tests/config/bad/vendor-rest-placeholder.yaml")
    assert bad.returncode == 2
    assert bad.stderr.startswith(
        "Error: tests/config/bad/vendor-rest-placeholder.yaml:13: "
        "rest.operations.create_ticket.request.body: unknown placeholder '{ticket.subjet}'."
    )

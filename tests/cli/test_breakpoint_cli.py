"""``csm-harness breakpoint`` refusals: they happen before any traffic, with exit code 2."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.load.helpers import SCENARIOS, csm_harness

ROOT = Path(__file__).resolve().parents[2]


def _scenario(tmp_path: Path, vendors: list[str]) -> Path:
    data = yaml.safe_load((ROOT / "scenarios" / "breakpoint.yaml").read_text(encoding="utf-8"))
    data["vendors"] = vendors
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_help_explains_the_search(tmp_path: Path) -> None:
    done = csm_harness("breakpoint", "--help", cwd=tmp_path, timeout=60)
    assert done.returncode == 0
    text = " ".join(done.stdout.split())
    assert "bisects between the last good and the first bad rate" in text
    assert "--vendor" in text and "--lang" in text and "--out" in text


def test_a_scenario_without_the_block_is_refused(tmp_path: Path) -> None:
    smoke = ROOT / "scenarios" / "smoke.yaml"
    done = csm_harness("breakpoint", str(smoke), "--out", str(tmp_path), cwd=tmp_path, timeout=60)
    assert done.returncode == 2
    assert "no `breakpoint:` block" in done.stderr


def test_several_vendors_need_a_choice(tmp_path: Path) -> None:
    vendors = ROOT / "scenarios" / "vendors"
    path = _scenario(tmp_path, [str(vendors / "sandbox-solid.yaml"),
                                str(vendors / "sandbox-saturating.yaml")])  # fmt: skip
    done = csm_harness("breakpoint", str(path), "--out", str(tmp_path / "out"), cwd=tmp_path,
                       timeout=60)  # fmt: skip
    assert done.returncode == 2
    assert "pass --vendor NAME" in done.stderr
    done = csm_harness("breakpoint", str(path), "--vendor", "nope", cwd=tmp_path, timeout=60)
    assert done.returncode == 2
    assert "--vendor nope: not in" in done.stderr
    assert not (tmp_path / "out").exists()


def test_a_target_outside_allow_hosts_is_refused_before_any_request(tmp_path: Path) -> None:
    path = _scenario(tmp_path, [str(SCENARIOS / "vendors" / "outside.yaml")])
    done = csm_harness("breakpoint", str(path), "--out", str(tmp_path / "out"), cwd=tmp_path,
                       timeout=60)  # fmt: skip
    assert done.returncode == 2
    assert "target http://10.0.0.8:8080 is not in allow_hosts of" in done.stderr
    assert not list(tmp_path.rglob("run.json"))

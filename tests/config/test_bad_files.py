"""The corpus of bad config files: one deliberate mistake each, exact message beside it.

``bad/<name>.yaml`` holds the mistake (its first line says which), ``bad/<name>.expected`` the
exit code and the exact message, with paths relative to the repository root. Files named
``vendor-*.yaml`` are vendor files; the others are scenarios, whose vendor names resolve
against ``bad/vendors/``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from harness.config import load_scenario, load_vendor
from harness.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
BAD = Path(__file__).resolve().parent / "bad"
CASES = sorted(BAD.glob("*.yaml"))


def _loader(path: Path) -> Callable[[Path], object]:
    return load_vendor if path.name.startswith("vendor-") else load_scenario


def _error(path: Path, monkeypatch: pytest.MonkeyPatch) -> ConfigError:
    monkeypatch.chdir(ROOT)
    with pytest.raises(ConfigError) as info:
        _loader(path)(path.relative_to(ROOT))
    return info.value


def test_the_corpus_is_complete() -> None:
    assert len(CASES) >= 12
    assert sorted(p.stem for p in BAD.glob("*.expected")) == [p.stem for p in CASES]


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_bad_file_gives_the_expected_message(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    error = _error(path, monkeypatch)
    expected = path.with_suffix(".expected").read_text(encoding="utf-8")
    assert f"exit code: {error.exit_code}\n{error}\n" == expected


@pytest.mark.parametrize(
    "path", [p for p in CASES if p.stem != "three-mistakes"], ids=lambda p: p.stem
)
def test_one_mistake_gives_one_line(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(_error(path, monkeypatch).problems) == 1


def test_three_mistakes_are_reported_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    problems = _error(BAD / "three-mistakes.yaml", monkeypatch).problems
    assert [line.split(": ")[1] for line in problems] == [
        "bounds.max_request",
        "traffic.priorities.urgnet",
        "load.duration",
    ]
    assert all(line.startswith("tests/config/bad/three-mistakes.yaml:") for line in problems)


def test_a_pasted_secret_is_never_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    error = _error(BAD / "vendor-token-value.yaml", monkeypatch)
    assert "sk_live" not in str(error)


def test_a_pasted_signature_secret_is_never_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    error = _error(BAD / "vendor-signature-secret.yaml", monkeypatch)
    assert "sk_live" not in str(error)


def test_a_literal_password_is_never_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    error = _error(BAD / "vendor-basic-password.yaml", monkeypatch)
    assert "hunter2" not in str(error)

"""One token per vendor across worker processes: one fetch for many workers, and a refusal
refreshes only when nobody has refreshed already (compare-and-refresh)."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from harness.redact import Secret
from harness.transport.tokens import SharedToken


def _fetcher(log: Path):  # type: ignore[no-untyped-def]
    def fetch() -> tuple[str, float]:
        with log.open("a", encoding="utf-8") as handle:
            handle.write("fetch\n")
        count = len(log.read_text(encoding="utf-8").splitlines())
        return f"token-{count}", 3600.0

    return fetch


def _worker(args: tuple[str, str]) -> str:
    path, log = args
    return SharedToken(Path(path), _fetcher(Path(log))).get().reveal()


def test_many_workers_share_one_fetch(tmp_path: Path) -> None:
    path, log = tmp_path / "token.json", tmp_path / "fetches.log"
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        tokens = pool.map(_worker, [(str(path), str(log))] * 12)
    assert set(tokens) == {"token-1"}
    assert log.read_text(encoding="utf-8").count("fetch") == 1
    assert path.stat().st_mode & 0o077 == 0  # the cache is readable by its owner only


def test_refusal_refreshes_once(tmp_path: Path) -> None:
    log = tmp_path / "fetches.log"
    first = SharedToken(tmp_path / "t.json", _fetcher(log))
    second = SharedToken(tmp_path / "t.json", _fetcher(log))
    stale = first.get()
    assert second.get() == stale
    renewed = first.refused(stale)  # the vendor said the token is no longer valid
    assert renewed == Secret("token-2")
    assert second.refused(stale) == renewed  # second saw the same refusal: no second fetch
    assert log.read_text(encoding="utf-8").count("fetch") == 2


def test_expired_token_is_fetched_again(tmp_path: Path) -> None:
    now = [1000.0]
    token = SharedToken(tmp_path / "t.json", _fetcher(tmp_path / "f.log"), clock=lambda: now[0])
    assert token.get().reveal() == "token-1"
    now[0] += 3600 - 30  # inside the 60 s safety margin
    assert token.get().reveal() == "token-2"

"""Loaded beside the harness's locustfile by bench_sessions.py (``-f a.py,lag_probe.py``): the
load process's own lag, i.e. how late its event loop wakes a greenlet that asked to sleep
100 ms. ``BENCH_LAG_DIR`` names a folder where each process writes its ``(time, lag ms)``
pairs at exit."""

import json
import os
import time
from pathlib import Path
from typing import Any

import gevent
from locust import events

_INTERVAL_S = 0.1
_lags: list[tuple[float, float]] = []  # (wall time, lag ms)


def _sample() -> None:
    while True:
        asked = time.monotonic()
        gevent.sleep(_INTERVAL_S)
        _lags.append((time.time(), (time.monotonic() - asked - _INTERVAL_S) * 1000.0))


def _start(environment: Any, **_kwargs: Any) -> None:
    if environment.parsed_options is not None and environment.runner is not None:
        if type(environment.runner).__name__ != "MasterRunner":  # the master runs no users
            gevent.spawn(_sample)


def _stop(**_kwargs: Any) -> None:
    folder = os.environ.get("BENCH_LAG_DIR")
    if folder and _lags:
        out = Path(folder) / f"lag-{os.getpid()}.json"
        out.write_text(json.dumps(_lags), encoding="utf-8")


events.init.add_listener(_start)  # type: ignore[no-untyped-call]
events.quitting.add_listener(_stop)  # type: ignore[no-untyped-call]

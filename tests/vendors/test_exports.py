"""What scenarios and plugins import from ``harness.vendors`` is exported (httpx's test)."""

from __future__ import annotations

import inspect

import harness.vendors


def test_all_public_names_are_exported() -> None:
    for name in harness.vendors.__all__:
        assert getattr(harness.vendors, name) is not None
    public = {
        name
        for name in dir(harness.vendors)
        if not name.startswith("_") and not inspect.ismodule(getattr(harness.vendors, name))
    }
    assert public == set(harness.vendors.__all__)

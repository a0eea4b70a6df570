"""The YAML twins of bundled adapters (``scenarios/vendors/<name>-rest.yaml``): the contract
tests of a bundled adapter run against its twin too, proof that a vendor needs no Python."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from harness.config import load_vendor
from harness.vendors.rest import RestAdapter

VENDORS = Path(__file__).resolve().parents[2] / "scenarios" / "vendors"


def twin(
    name: str, tmp: Path | None = None, edit: Callable[[Any], None] | None = None
) -> RestAdapter:
    """The rest adapter of ``<name>-rest.yaml``, loaded as a user would (``edit`` changes the
    parsed file first, e.g. to map custom fields, and needs a ``tmp`` folder)."""
    path = VENDORS / f"{name}-rest.yaml"
    if edit is not None:
        assert tmp is not None
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        edit(data)
        path = tmp / path.name
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return RestAdapter.from_spec(load_vendor(path))

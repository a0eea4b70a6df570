"""Which custom fields an adapter declares it sends and reads back (harness.vendors.custom_fields),
read from the vendor files as shipped: FIELD-001 sends exactly these."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.config import load_vendor
from harness.vendors.custom_fields import declared_custom_fields
from harness.vendors.registry import adapter_for
from harness.vendors.sandbox import SandboxAdapter
from harness.vendors.zendesk import ZendeskAdapter

VENDORS = Path(__file__).resolve().parents[2] / "scenarios/vendors"


@pytest.mark.parametrize(
    ("vendor", "names"),
    [
        # custom_<name> fields an admin created, written one by one and read back by name
        ("django-helpdesk", ("order_no", "sku", "member_level", "refund_amount")),
        ("sandbox-desk", ("order_no",)),
        ("sandbox-rest", None),  # the whole mapping out and back: any name
        ("zammad", ()),  # the file maps none: nothing to send
    ],
)
def test_rest_files_declare_what_they_write_and_read(
    vendor: str, names: tuple[str, ...] | None
) -> None:
    path = VENDORS / f"{vendor}.yaml"
    assert declared_custom_fields(adapter_for(load_vendor(path), str(path))) == names


def test_written_but_not_read_back_is_not_declared(tmp_path: Path) -> None:
    text = (VENDORS / "django-helpdesk.yaml").read_text(encoding="utf-8")
    vendor = tmp_path / "helpdesk.yaml"
    vendor.write_text(text.replace("      sku: custom_sku\n", ""), encoding="utf-8")
    declared = declared_custom_fields(adapter_for(load_vendor(vendor), str(vendor)))
    assert declared == ("order_no", "member_level", "refund_amount")


def test_native_adapters() -> None:
    assert declared_custom_fields(SandboxAdapter()) is None  # one mapping: any name
    assert declared_custom_fields(ZendeskAdapter({"order_no": "27642"})) == ("order_no",)
    assert declared_custom_fields(ZendeskAdapter()) == ()

"""Parsing ``--defects`` and resolving where each defect acts from a vendor file."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.config import load_vendor
from harness.errors import ConfigError
from harness.proxy import KINDS, parse_defects, plan_for

HELPDESK_YAML = Path(__file__).resolve().parents[2] / "scenarios/vendors/django-helpdesk.yaml"


def test_parses_kinds_and_values() -> None:
    chosen = parse_defects("drop-field=subject, skip_deep")
    assert dict(chosen.kinds) == {"drop-field": "subject", "skip-deep": None}


@pytest.mark.parametrize(
    ("text", "words"),
    [("drop-feild", "drop-field"), ("skip-deep=3", "takes no value"), (" , ", "at least one")],
)
def test_refuses_bad_defects_with_the_choices(text: str, words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        parse_defects(text)


def test_every_kind_names_its_check() -> None:
    assert all(check.split("-")[0].isupper() for _, _, check in KINDS.values())


def test_plan_reads_locations_from_the_vendor_file() -> None:
    vendor = load_vendor(HELPDESK_YAML)
    plan = plan_for(vendor, parse_defects(",".join(KINDS)))
    assert plan.drop_paths == ("custom_order_no",)
    assert (plan.enum_path, plan.enum_from, plan.enum_to) == ("priority", "1", 2)
    assert plan.list_items == "results"
    assert plan.first_page_keys == {"page_size"}


def test_none_forwards_only() -> None:
    assert dict(parse_defects("none").kinds) == {}


def test_custom_fields_in_one_mapping_drop_its_first_key() -> None:
    vendor = load_vendor(HELPDESK_YAML.with_name("sandbox-rest.yaml"))
    plan = plan_for(vendor, parse_defects("drop-field,strip-signatures"))
    assert plan.drop_paths == ("custom_fields.<first>",)
    assert plan.webhook_register is not None
    method, path, key = plan.webhook_register
    assert (method, key) == ("POST", "url") and path.match("/api/v1/webhooks")

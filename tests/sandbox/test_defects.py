"""Defect knobs, the defective preset and PII masking: the pieces that need no server."""

from __future__ import annotations

import pytest

from harness.sandbox import PRESETS, ProfileError, get_profile
from harness.sandbox.customers import CustomerBook
from harness.sandbox.defects import DEFECTS, Defects
from harness.sandbox.masking import mask_json, mask_text


def test_defects_knob_takes_a_comma_list_and_validates_names() -> None:
    profile = get_profile("solid", {"defects": "leak_phone, weak_auth"})
    assert profile.defects == ("leak_phone", "weak_auth")
    with pytest.raises(
        ProfileError, match=r"unknown defect 'leak_phon'.*Did you mean 'leak_phone'"
    ):
        get_profile("solid", {"defects": "leak_phon"})
    assert PRESETS["solid"].defects == ()
    assert PRESETS["solid"].mask_pii is True


def test_defective_preset_enables_every_defect() -> None:
    assert set(PRESETS["defective"].defects) == set(DEFECTS)


def test_hooks_are_no_ops_without_their_defect() -> None:
    none, some = Defects(()), Defects(("drop_custom_field", "wrong_priority_map"))
    fields = {"custom_fields": {"a": "1", "b": "2"}, "priority": "urgent", "description": "x"}
    assert none.on_create(fields) == fields
    assert some.on_create(fields) == {**fields, "custom_fields": {"a": "1"}, "priority": "high"}
    assert [none.deliver_assignment() for _ in range(8)] == [True] * 8


def test_masking_of_ids_and_mobiles() -> None:
    text = "身份证110105199107053510，手机13912345678，订单号202611230000123456789"
    assert (
        mask_text(text) == "身份证110105********3510，手机139****5678，订单号202611230000123456789"
    )
    assert mask_text(text, phones=False).endswith("手机13912345678，订单号202611230000123456789")
    assert mask_json({"a": ["13912345678"], "n": 1}) == {"a": ["139****5678"], "n": 1}


def test_customers_merge_on_a_shared_identity() -> None:
    book = CustomerBook()
    first = book.link({"name": "A", "identities": {"wechat": "o1"}}, "T1")
    second = book.link({"name": "A", "identities": {"app": "u1"}}, "T2")
    merged = book.link({"name": "A", "identities": {"wechat": "o1", "app": "u1"}}, "T3")
    assert merged.id == first.id != second.id
    assert book.find("app", "u1") is merged and merged.ticket_ids == ["T1", "T2", "T3"]
    assert CustomerBook(merge=False).link({"identities": {"x": "1"}}, "T1").id == "C000001"

"""Pseudonyms are keyed, reproducible, format-valid, injective, and hold no real value."""
# ruff: noqa: RUF001 -- full-width digits and letters in the test texts are the point

from __future__ import annotations

import datetime as dt
import random
import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.data import fakes
from harness.data.keys import KEY_ENV, key_from_env, key_id
from harness.data.pii import NameIndex, PiiKind, find_pii, is_valid_id, luhn_ok, normalise
from harness.data.pseudonyms import Pseudonymiser
from harness.errors import ConfigError, HarnessError

KEY_A = bytes(range(32))
KEY_B = bytes(range(1, 33))
# libphonenumber 9.0 CN mobile pattern (without the 1610x/1740x specials)
CN_MOBILE = re.compile(r"1(?:[38]\d|4[57]|[59][0-35-9]|6[25-7]|7[0-35-8])\d{8}")

SAMPLES = {
    PiiKind.PHONE: "13800138000",
    PiiKind.LANDLINE: "0755-86013388",
    PiiKind.ID: "11010519491231002X",
    PiiKind.CARD: "6222 0212 3456 7890 128",
    PiiKind.EMAIL: "Li_Fang604@QQ.com",
    PiiKind.QQ: "12345678",
    PiiKind.WECHAT: "zhang_san88",
    PiiKind.NAME: "王小明",
    PiiKind.ADDRESS: "浙江省杭州市西湖区文三路90号3栋201室",
    PiiKind.ORDER: "SF1234567890123",
    PiiKind.PLATE: "粤B·12345",
    PiiKind.OPENID: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
}


def all_fakes(key: bytes) -> dict[PiiKind, str]:
    p = Pseudonymiser(key)
    return {kind: p.pseudonym(kind, value) for kind, value in SAMPLES.items()}


def test_every_kind_gets_a_different_normalised_fake() -> None:
    made = all_fakes(KEY_A)
    for kind, fake in made.items():
        assert fake != normalise(kind, SAMPLES[kind]), kind
        assert normalise(kind, fake) == fake, kind
    assert made[PiiKind.ADDRESS].startswith("浙江省杭州市")
    assert made[PiiKind.PLATE].startswith("粤")
    assert made[PiiKind.ORDER].startswith("SF") and len(made[PiiKind.ORDER]) == 15
    assert made[PiiKind.EMAIL].endswith("@example.com")
    assert len(made[PiiKind.NAME]) == 3 and len(made[PiiKind.QQ]) == 8


def test_keys_differ_and_instances_agree() -> None:
    assert all_fakes(KEY_A) == all_fakes(KEY_A)
    a, b = all_fakes(KEY_A), all_fakes(KEY_B)
    assert all(a[kind] != b[kind] for kind in SAMPLES)


def test_independent_of_the_date(monkeypatch: pytest.MonkeyPatch) -> None:
    today = all_fakes(KEY_A)

    class Later(dt.date):
        @classmethod
        def today(cls) -> Later:
            return cls(2031, 1, 1)

    monkeypatch.setattr(dt, "date", Later)
    monkeypatch.setattr(fakes, "date", Later)
    monkeypatch.setattr(time, "time", lambda: 1924992000.0)  # 2031-01-01
    assert all_fakes(KEY_A) == today


def test_every_spelling_of_a_phone_gets_one_fake() -> None:
    p = Pseudonymiser(KEY_A)
    spellings = ["13800138000", "+86 138 0013 8000", "0086-138-0013-8000", "138-0013-8000",
                 "１３８００１３８０００", "+8613800138000"]  # fmt: skip
    assert len({p.pseudonym(PiiKind.PHONE, s) for s in spellings}) == 1
    assert len({p.customer_key(PiiKind.PHONE, s) for s in spellings}) == 1
    assert re.fullmatch(r"cust_[0-9a-f]{16}", p.customer_key(PiiKind.PHONE, spellings[0]))
    assert p.pseudonym(PiiKind.ID, "110105491231002") == p.pseudonym(
        PiiKind.ID, "11010519491231002x"
    )


def test_kind_separates_domains() -> None:
    p = Pseudonymiser(KEY_A)
    assert p.token(PiiKind.QQ, "13800138000") != p.token(PiiKind.PHONE, "13800138000")


ID17 = (
    r"[1-6][1-5][0-9]{4}(?:19[0-9]{2}|20[01][0-9])(?:0[1-9]|1[0-2])(?:0[1-9]|1[0-9]|2[0-8])[0-9]{3}"
)


@settings(max_examples=100)
@given(st.from_regex(ID17, fullmatch=True))
def test_fake_ids_are_valid_and_keep_birth_year_and_sex(first17: str) -> None:
    real = first17 + "X"
    fake = Pseudonymiser(KEY_A).pseudonym(PiiKind.ID, real)
    assert is_valid_id(fake)
    assert fake[6:10] == real[6:10] and int(fake[16]) % 2 == int(real[16]) % 2


def test_fakes_are_format_valid_in_bulk() -> None:
    rng = random.Random(7)
    p = Pseudonymiser(KEY_A)
    for _ in range(1000):
        card = "62" + "".join(rng.choice("0123456789") for _ in range(rng.randint(14, 17)))
        fake_card = p.pseudonym(PiiKind.CARD, card)
        assert luhn_ok(fake_card) and len(fake_card) == len(card) and fake_card[:2] == "62"
        phone = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
        assert CN_MOBILE.fullmatch(p.pseudonym(PiiKind.PHONE, phone))
        plate = rng.choice("京沪粤川") + rng.choice("ABC") + f"{rng.randrange(10**5):05d}"
        fake_plate = p.pseudonym(PiiKind.PLATE, plate)
        assert [(h.kind, h.value) for h in find_pii(f"车牌{fake_plate}")] == [
            (PiiKind.PLATE, fake_plate)
        ]


def test_injective_over_200k_distinct_phones() -> None:
    rng = random.Random(11)
    phones = {f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}" for _ in range(200_000)}
    streaming = Pseudonymiser(KEY_A)
    made = {streaming.pseudonym(PiiKind.PHONE, phone) for phone in phones}
    assert len(made) == len(phones)
    # A fake handed out before an equal real number turned up is a clash, and it is counted.
    assert len(made & phones) == streaming.clashes

    some = set(list(phones)[:20_000])
    prepared = Pseudonymiser(KEY_A)  # observe every real value first: no fake can equal one
    prepared.prepare(PiiKind.PHONE, some)
    made = {prepared.pseudonym(PiiKind.PHONE, phone) for phone in some}
    assert len(made) == len(some) and not made & some and prepared.clashes == 0


def test_collisions_are_rederived_and_earlier_assignments_stay(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def tiny(token: bytes, real: str, attempt: int) -> str:  # 60 possible fakes
        return f"139000000{token[0] % 60:02d}"

    monkeypatch.setitem(fakes.FAKERS, PiiKind.PHONE, tiny)
    phones = [f"1380000{i:04d}" for i in range(50)]
    first = Pseudonymiser(KEY_A)
    made = [first.pseudonym(PiiKind.PHONE, x) for x in phones]
    assert len(set(made)) == 50

    later = Pseudonymiser(KEY_A, registry=first.registry())  # a later export, new value first
    assert later.pseudonym(PiiKind.PHONE, "13811112222") not in made
    assert [later.pseudonym(PiiKind.PHONE, x) for x in phones] == made

    forward, backward = Pseudonymiser(KEY_A), Pseudonymiser(KEY_A)
    forward.prepare(PiiKind.PHONE, phones)
    backward.prepare(PiiKind.PHONE, reversed(phones))
    assert forward.registry() == backward.registry()  # independent of row order

    with pytest.raises(HarnessError, match="no free phone pseudonym"):
        for x in range(61):
            first.pseudonym(PiiKind.PHONE, f"1370000{x:04d}")


def test_a_fake_never_equals_an_observed_real_value(monkeypatch: pytest.MonkeyPatch) -> None:
    p = Pseudonymiser(KEY_A)
    fake = p.pseudonym(PiiKind.PHONE, "13800138000")
    other = Pseudonymiser(KEY_A)
    other.observe(PiiKind.PHONE, fake)  # the fake happens to be someone's real number
    assert other.pseudonym(PiiKind.PHONE, "13800138000") != fake
    p.pseudonym(PiiKind.PHONE, fake)  # seen only after it was handed out
    assert p.clashes == 1


def test_registry_and_issued_hold_no_real_value() -> None:
    p = Pseudonymiser(KEY_A)
    for kind, value in SAMPLES.items():
        p.pseudonym(kind, value)
    _, count = p.replace_in_text("联系人王小明，电话+86 138-0013-8000", names=NameIndex(["王小明"]))
    assert count == 2
    reals = set(p.inventory())
    assert "王小明" in reals and "13800138000" in reals and "+86 138-0013-8000" in reals
    registry = p.registry()
    assert all(re.fullmatch(r"[0-9a-f]{64}", token) for token in registry)
    assert not reals & set(registry.values())
    assert not reals & p.issued
    assert not any(real in token for token in registry for real in reals if len(real) > 3)


def test_replace_in_text_keeps_the_layout() -> None:
    p = Pseudonymiser(KEY_A)
    text = "您好，我是李娜，手机+86 138-0013-8000，身份证11010519491231002x，王先生代收"
    new, count = p.replace_in_text(text)
    assert count == 4
    fake = p.pseudonym(PiiKind.PHONE, "13800138000")
    assert f"+86 {fake[:3]}-{fake[3:7]}-{fake[7:]}" in new
    assert "13800138000" not in new and "0013-8000" not in new and "李娜" not in new
    assert "先生代收" in new and "王先生" not in new
    fake_id = p.pseudonym(PiiKind.ID, "11010519491231002X")
    assert (fake_id[:17] + fake_id[17].lower()) in new
    assert p.replace_in_text("没有个人信息") == ("没有个人信息", 0)
    assert p.pseudonym(PiiKind.NAME, "  ") == "  "


def test_surnames_repeat_but_never_map_to_themselves() -> None:
    p = Pseudonymiser(KEY_A)
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗" * 3
    for s in surnames:
        assert p.pseudonym(PiiKind.NAME, s) != s
    assert "王" not in p.inventory()


def test_short_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        Pseudonymiser(b"short")


# --- keys -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encoded",
    [
        KEY_A.hex(),
        KEY_A.hex().upper(),
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
    ],
    ids=["hex", "HEX", "base64", "base64-unpadded"],
)
def test_key_from_env(monkeypatch: pytest.MonkeyPatch, encoded: str) -> None:
    monkeypatch.setenv(KEY_ENV, encoded)
    assert key_from_env() == KEY_A
    assert key_id(KEY_A) == key_id(key_from_env()) and re.fullmatch(r"[0-9a-f]{16}", key_id(KEY_A))
    assert key_id(KEY_A) != key_id(KEY_B)


@pytest.mark.parametrize(
    ("value", "problem"),
    [(None, "is not set"), ("00ff" * 8, "16-byte key"), ("not a key at all!", "neither hex")],
    ids=["unset", "short", "garbage"],
)
def test_bad_keys_name_the_variable_not_the_value(
    monkeypatch: pytest.MonkeyPatch, value: str | None, problem: str
) -> None:
    if value is not None:
        monkeypatch.setenv(KEY_ENV, value)
    with pytest.raises(ConfigError) as caught:
        key_from_env()
    message = str(caught.value)
    assert problem in message and KEY_ENV in message and "secrets.token_hex(32)" in message
    assert value is None or value not in message


def test_drafting_fakes_in_processes_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """prepare's tokens and first candidates come from worker processes; the fakes do not
    depend on it, collisions with a real value included."""
    from harness.data import pseudonyms

    monkeypatch.setattr(pseudonyms, "_DRAFTS", 7)
    phones = [f"1380013{n:04d}" for n in range(60)]
    orders = [f"SO{n:010d}" for n in range(0, 600, 11)]
    registries: list[object] = []
    for jobs in (1, 2):
        p = Pseudonymiser(KEY_A)
        p.observe(PiiKind.PHONE, "13900139000")
        p.prepare(PiiKind.PHONE, phones, jobs)
        p.prepare(PiiKind.ORDER, orders, jobs)
        registries.append((p.registry(), [p.pseudonym(PiiKind.ORDER, o) for o in orders]))
    assert registries[0] == registries[1]

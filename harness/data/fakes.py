"""Format-preserving fake values made from token bytes and Faker's zh_CN data tables.

No Faker *calls*: seeded Faker output changes between Faker versions, and zh_CN ``ssn()`` counts
back from today's date, so the same seed gives a different ID tomorrow. Each function here reads
a 32-byte HMAC token as a big integer and draws from it with ``divmod`` (:class:`Draw`), so the
fake depends on the token and on the pinned tables only (reference section 2.1).

Every function is ``fake(token, normalised_real, attempt) -> str`` and returns the fake in the
normalised spelling of its kind (``normalise(kind, fake) == fake``). What it keeps of the real
value is the format and the coarse attributes a routing rule may use, never the identity:
phone and card length and network, the ID's birth year and sex digit, the plate's province,
the landline's area code, the address's province and city, the order number's prefix and date.
"""

from __future__ import annotations

import hashlib
import re
import string
from bisect import bisect_right
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from itertools import accumulate
from typing import Final

from faker.providers.address.zh_CN import Provider as _ZhAddress
from faker.providers.person.zh_CN import Provider as _ZhPerson
from faker.providers.ssn.zh_CN import Provider as _ZhSsn

from harness.data.pii import PiiKind
from harness.data.pii_patterns import COMPOUND_SURNAMES, NAME_STOP, PLATE_PROVINCES
from harness.data.validators import fold_fullwidth, id_check_digit, luhn_complete

__all__ = [
    "COUNTIES", "FAKERS", "MOBILE_PREFIXES", "Draw", "fake_address", "fake_card", "fake_email",
    "fake_id", "fake_landline", "fake_name", "fake_openid", "fake_order", "fake_phone",
    "fake_plate", "fake_qq", "fake_surname", "fake_wechat", "is_surname", "render",
]  # fmt: skip

# Mobile prefixes allocated today (libphonenumber 9.0 CN mobile pattern; Faker has 29 old ones).
MOBILE_PREFIXES: Final[tuple[str, ...]] = tuple(
    f"1{p}"
    for p in [*range(30, 40), 45, 47, 50, 51, 52, 53, 55, 56, 57, 58, 59, 62, 65, 66, 67,
              70, 71, 72, 73, 75, 76, 77, 78, *range(80, 90), 90, 91, 92, 93, *range(95, 100)]
)  # fmt: skip
# County-level codes of mainland provinces from Faker's GB/T 2260 table (no 0000/00 rows).
COUNTIES: Final[tuple[str, ...]] = tuple(
    c for c in _ZhSsn.area_codes if "11" <= c[:2] <= "65" and not c.endswith("00")
)
_SURNAMES: Final[tuple[str, ...]] = tuple(s for s in _ZhPerson.last_names if len(s) == 1)
_SURNAME_CUM: Final[list[int]] = list(
    accumulate(round(_ZhPerson.last_names[s] * 1000) or 1 for s in _SURNAMES)
)
_GIVEN_CHARS: Final[str] = "".join(sorted(set("".join(_ZhPerson.first_names)) - set(NAME_STOP)))
_GIVEN_PAIRS: Final[tuple[str, ...]] = tuple(
    n for n in _ZhPerson.first_names if len(n) == 2 and not set(n) & set(NAME_STOP)
)
_ROMAN_FIRST: Final[tuple[str, ...]] = tuple(_ZhPerson.first_romanized_names)
_ROMAN_LAST: Final[tuple[str, ...]] = tuple(_ZhPerson.last_romanized_names)
_STREET_ROOTS: Final[tuple[str, ...]] = (*_ZhAddress.cities, *_SURNAMES[:100])
_DISTRICTS: Final[tuple[str, ...]] = tuple(_ZhAddress.districts)
_PLATE_LETTERS: Final[str] = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_BASE36: Final[str] = string.digits + string.ascii_lowercase
_BASE64URL: Final[str] = string.ascii_letters + string.digits + "-_"
_ADDRESS_HEAD: Final[re.Pattern[str]] = re.compile(
    r"(?P<prov>北京市|上海市|天津市|重庆市|[^省市区县路街号]{2,3}省|[^省市区县路街号]{2,8}?自治区"
    r"|香港特别行政区|澳门特别行政区)?(?P<city>[^省市区县路街号]{2,8}?(?:市|自治州|地区|盟))?"
)
_ORDER_HEAD: Final[re.Pattern[str]] = re.compile(
    r"[A-Z]*(?:20[0-9]{2}(?:0[1-9]|1[0-2])[0-3][0-9])?"
)
RELAX_NAME_AFTER: Final[int] = 16  # attempts before a name may change length to find a free one


class Draw:
    """Uniform draws from a token: each draw consumes ``log2(n)`` bits of one big integer."""

    __slots__ = ("_x",)

    def __init__(self, token: bytes, *, wide: bool = False) -> None:
        more = hashlib.sha256(token).digest() if wide else b""
        self._x = int.from_bytes(token + more, "big")

    def below(self, n: int) -> int:
        self._x, r = divmod(self._x, n)
        return r

    def digits(self, k: int) -> str:
        return f"{self.below(10**k):0{k}d}" if k > 0 else ""

    def choice(self, seq: Sequence[str]) -> str:
        return seq[self.below(len(seq))]

    def chars(self, alphabet: str, k: int) -> str:
        return "".join(alphabet[self.below(len(alphabet))] for _ in range(k))


def fake_phone(token: bytes, real: str, attempt: int) -> str:
    d = Draw(token)
    return d.choice(MOBILE_PREFIXES) + d.digits(8)


def fake_landline(token: bytes, real: str, attempt: int) -> str:
    d = Draw(token)
    area = "" if not real.startswith("0") else real[:3] if real[1:2] in ("1", "2") else real[:4]
    size = min(max(len(real) - len(area), 7), 8)
    return area + str(2 + d.below(7)) + d.digits(size - 1)


def fake_id(token: bytes, real: str, attempt: int) -> str:
    """County code + birth date in the real birth year + sequence with the real sex digit."""
    d = Draw(token)
    year = int(real[6:10]) if real[6:10].isdigit() and 1900 <= int(real[6:10]) <= 2099 else 0
    year = year or 1950 + d.below(50)
    sex = int(real[16]) % 2 if real[16:17].isdigit() else d.below(2)
    born = date(year, 1, 1) + timedelta(days=d.below(366 if year % 4 == 0 else 365))
    if born.year != year:  # 1900 and 2100 are not leap years
        born = date(year, 12, 31)
    birth = f"{born.year:04d}{born.month:02d}{born.day:02d}"
    body = d.choice(COUNTIES) + birth + d.digits(2) + str(d.below(5) * 2 + sex)
    return body + id_check_digit(body)


def fake_card(token: bytes, real: str, attempt: int) -> str:
    """Same length and network prefix (62 UnionPay, 4 Visa, 5x Mastercard); Luhn-valid."""
    d = Draw(token)
    size = min(max(len(real), 16), 19)
    prefix = real[:2] if re.match(r"62|4[0-9]|5[1-5]|3[47]|6[05]", real) else "62"
    return luhn_complete(prefix + d.digits(size - 3))


def fake_email(token: bytes, real: str, attempt: int) -> str:
    d = Draw(token)
    local = d.choice(_ROMAN_FIRST) + d.choice(("", ".", "_")) + d.choice(_ROMAN_LAST)
    return f"{local.lower()}{d.below(10000)}@example.com"


def fake_qq(token: bytes, real: str, attempt: int) -> str:
    d = Draw(token)
    return str(1 + d.below(9)) + d.digits(min(max(len(real), 5), 11) - 1)


def fake_wechat(token: bytes, real: str, attempt: int) -> str:
    d = Draw(token)
    if real.startswith("wxid_"):
        return "wxid_" + d.chars(_BASE36, max(len(real) - 5, 10))
    return d.choice(string.ascii_lowercase) + d.chars(_BASE36, min(max(len(real), 6), 20) - 1)


def _surname(d: Draw) -> str:
    """A surname drawn with Faker's zh_CN weights."""
    return _SURNAMES[bisect_right(_SURNAME_CUM, d.below(_SURNAME_CUM[-1]))]


def fake_surname(token: bytes, real: str = "", attempt: int = 0) -> str:
    return _surname(Draw(token))


def is_surname(value: str) -> bool:
    return len(value) == 1 or value in COMPOUND_SURNAMES


def fake_name(token: bytes, real: str, attempt: int) -> str:
    """Same length as the real name where the space allows; a surname for a surname alone."""
    d = Draw(token)
    if real.isascii():
        return f"{d.choice(_ROMAN_FIRST)} {d.choice(_ROMAN_LAST)}"
    if is_surname(real):
        return _surname(d)
    surname = d.choice(COMPOUND_SURNAMES) if len(real) >= 4 else _surname(d)
    size = 2 if len(real) >= 3 or attempt >= RELAX_NAME_AFTER else 1
    if size == 2 and d.below(3) == 0:
        return surname + d.choice(_GIVEN_PAIRS)
    return surname + d.chars(_GIVEN_CHARS, size)


def fake_address(token: bytes, real: str, attempt: int) -> str:
    """Keeps the province and city; district, street, number, building and room are new."""
    d = Draw(token, wide=True)
    head = _ADDRESS_HEAD.match(real)
    kept = head.group(0) if head else ""
    rest = real[len(kept) :]
    parts = [kept]
    if re.search(r"[区县镇]", rest) or (kept and not rest):
        parts.append(d.choice(_DISTRICTS) + "区")
    parts.append(d.choice(_STREET_ROOTS) + d.choice(("路", "街")) + f"{1 + d.below(999)}号")
    if re.search(r"[栋幢]|号楼", rest):
        parts.append(f"{1 + d.below(30)}栋")
    if "单元" in rest:
        parts.append(f"{1 + d.below(6)}单元")
    if "室" in rest:
        parts.append(f"{1 + d.below(32)}{1 + d.below(4):02d}室")
    postcode = re.search(r"[0-9]{6}$", rest)
    if postcode:
        parts.append(postcode.group(0)[:2] + d.digits(4))
    return "".join(parts)


def fake_order(token: bytes, real: str, attempt: int) -> str:
    """Same length and layout; keeps a letter prefix and a leading yyyymmdd date."""
    d = Draw(token, wide=True)
    head = _ORDER_HEAD.match(real)
    letters = len(real) - len(real.lstrip(string.ascii_uppercase))
    keep = head.end() if head and len(real) - head.end() >= 6 else letters
    if len(real) - keep < 4:
        keep = 0
    elif keep == 0 and len(real) > 6 and real[0] in "123456789":
        keep = 1  # a leading non-zero digit stays non-zero
    out = [real[:keep]]
    for c in real[keep:]:
        if c.isdigit():
            out.append(str(d.below(10)))
        elif c.isalpha() and c.isascii():
            out.append(d.choice(string.ascii_uppercase))
        else:
            out.append(c)
    return "".join(out)


def fake_plate(token: bytes, real: str, attempt: int) -> str:
    d = Draw(token)
    province = real[0] if real[:1] and real[0] in PLATE_PROVINCES else d.choice(PLATE_PROVINCES)
    letter = d.choice(_PLATE_LETTERS)
    if len(real) >= 8:  # new-energy plate: D/F + 5
        return province + letter + d.choice("DF") + d.choice(_PLATE_LETTERS) + d.digits(4)
    tail = list(d.digits(5))
    if d.below(3) == 0:
        tail[d.below(5)] = d.choice(_PLATE_LETTERS)
    return province + letter + "".join(tail)


def fake_openid(token: bytes, real: str, attempt: int) -> str:
    d = Draw(token, wide=True)
    size = len(real) if 8 <= len(real) <= 64 else 28
    return (real[:1] or "o") + d.chars(_BASE64URL, size - 1)


FAKERS: Final[dict[PiiKind, Callable[[bytes, str, int], str]]] = {
    PiiKind.PHONE: fake_phone,
    PiiKind.LANDLINE: fake_landline,
    PiiKind.ID: fake_id,
    PiiKind.CARD: fake_card,
    PiiKind.EMAIL: fake_email,
    PiiKind.QQ: fake_qq,
    PiiKind.WECHAT: fake_wechat,
    PiiKind.NAME: fake_name,
    PiiKind.ADDRESS: fake_address,
    PiiKind.ORDER: fake_order,
    PiiKind.PLATE: fake_plate,
    PiiKind.OPENID: fake_openid,
}

_LAYOUT_KINDS: Final[frozenset[PiiKind]] = frozenset(
    {PiiKind.PHONE, PiiKind.LANDLINE, PiiKind.ID, PiiKind.CARD, PiiKind.QQ, PiiKind.ORDER}
)


def render(kind: PiiKind, original: str, fake: str) -> str:
    """``fake`` written the way ``original`` was: the same separators and grouping (``+86 138
    0013 8000`` stays ``+86 1xx xxxx xxxx``), lower-case ``x`` in an ID, a plate's dot."""
    if kind is PiiKind.PLATE and len(original) > 2 and original[2] in "·• -":
        return fake[:2] + original[2] + fake[2:]
    if kind not in _LAYOUT_KINDS:
        return fake
    slots = [i for i, c in enumerate(fold_fullwidth(original)) if c.isascii() and c.isalnum()]
    if kind is PiiKind.PHONE and len(slots) > len(fake):
        slots = slots[len(slots) - len(fake) :]  # the country code stays as written
    if len(slots) != len(fake):
        return fake
    out = list(original)
    for i, c in zip(slots, fake, strict=True):
        out[i] = c.lower() if original[i] == "x" else c
    return "".join(out)

"""Validators and text folding for personal data: pure functions on strings, no patterns.

GB 11643 MOD 11-2 check digits, real birth dates and province codes for resident IDs; Luhn for
bank cards; the service numbers and RFC 2606 e-mail domains that are never personal data; and
:func:`fold_fullwidth`, which maps full-width forms to ASCII one character for one so that hit
offsets in the folded text are offsets in the original. Re-exported by :mod:`harness.data.pii`.
"""

from __future__ import annotations

import operator
import re
from datetime import date
from typing import Final

from harness.data.pii_patterns import EXAMPLE_DOMAIN

__all__ = [
    "PROVINCES",
    "digits_only",
    "fold_fullwidth",
    "id15_to_18",
    "id_check_digit",
    "is_example_email",
    "is_service_number",
    "is_valid_id",
    "luhn_complete",
    "luhn_ok",
]

_FOLDED_ASCII = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz@+-()._#"
# Full-width forms, the ideographic space and dash variants -> ASCII, one character for one.
_FOLD: Final[dict[int, int]] = {
    **{ord(c) + 0xFEE0: ord(c) for c in _FOLDED_ASCII},
    0x3000: 0x20,
    **dict.fromkeys(range(8208, 8213), 45),
}
# Exactly the keys of _FOLD: the full-width comma, colon and question mark of almost every
# Chinese text need no folding, and translate() costs as much as all the detectors' gates.
_FOLD_NEEDED: Final[re.Pattern[str]] = re.compile(
    "[" + "".join(sorted({re.escape(chr(c)) for c in _FOLD})) + "]"
)
_NON_DIGIT: Final[re.Pattern[str]] = re.compile(r"[^0-9]")


def fold_fullwidth(text: str) -> str:
    """Full-width digits, letters, ``@ + - ( ) . _ #``, U+3000 and dashes as ASCII; same length."""
    return text.translate(_FOLD) if _FOLD_NEEDED.search(text) else text


def digits_only(value: str) -> str:
    return _NON_DIGIT.sub("", fold_fullwidth(value))


_ID_WEIGHTS: Final[tuple[int, ...]] = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# GB/T 2260 province-level codes; 71 Taiwan, 81/82 Hong Kong/Macao, 83 residence permits.
PROVINCES: Final[frozenset[str]] = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
    "61 62 63 64 65 71 81 82 83".split()
)


def id_check_digit(first17: str) -> str:
    """GB 11643 / ISO 7064 MOD 11-2 check character for the first 17 digits of an ID."""
    if len(first17) != 17:
        raise ValueError("an ID check digit needs exactly 17 digits")
    total = sum(map(operator.mul, map(int, first17), _ID_WEIGHTS))
    return "10X98765432"[total % 11]


def _real_date(yyyymmdd: str) -> bool:
    try:
        date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return yyyymmdd[:2] in ("18", "19", "20")


def id15_to_18(id15: str) -> str:
    """A legacy 15-digit ID (GB 11643-1989, born 19YY) in its 18-digit form."""
    body = id15[:6] + "19" + id15[6:]
    return body + id_check_digit(body)


def is_valid_id(value: str) -> bool:
    """18 digits (last may be X/x) with a correct check digit, real date and province; or a
    legacy 15-digit ID with a real 19YY date and province."""
    s = re.sub(r"\s", "", fold_fullwidth(value)).upper()
    if len(s) == 15 and s.isdigit():
        s = id15_to_18(s)
    if len(s) != 18 or not s[:17].isdigit() or s[:2] not in PROVINCES:
        return False
    return _real_date(s[6:14]) and id_check_digit(s[:17]) == s[17]


_DOUBLED: Final[tuple[int, ...]] = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)  # 2d, minus 9 past 9


def _luhn_sum(digits: str, *, double_last: bool) -> int:
    """Luhn sum, the rightmost digit doubled or not (doubled when a check digit will follow)."""
    last, other = digits[::-2], digits[-2::-2]  # the rightmost digit and every second one back
    kept, doubled = (other, last) if double_last else (last, other)
    return sum(map(int, kept)) + sum(_DOUBLED[int(c)] for c in doubled)


def luhn_ok(digits: str) -> bool:
    if not (digits.isdigit() and digits.isascii()):
        return False
    return _luhn_sum(digits, double_last=False) % 10 == 0


def luhn_complete(digits_without_check: str) -> str:
    """``digits_without_check`` plus the Luhn check digit."""
    total = _luhn_sum(digits_without_check, double_last=True)
    return digits_without_check + str(-total % 10)


def is_service_number(digits: str) -> bool:
    """400/800 hotlines, 95xxx/96xxx service numbers, 100xx carriers and 12xxx public hotlines."""
    n = len(digits)
    return (
        (n == 10 and digits[:3] in ("400", "800"))
        or (digits.startswith("95") and 5 <= n <= 8)
        or (digits.startswith("96") and 5 <= n <= 6)
        or (n == 5 and digits[:2] in ("10", "12"))
    )


def is_example_email(value: str) -> bool:
    """Addresses at example.com/.org/.net or the .test/.example/.invalid TLDs (RFC 2606)."""
    return EXAMPLE_DOMAIN.search(value) is not None


_USCC_CHARS: Final[str] = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015: no I O S V Z
_USCC_WEIGHTS: Final[tuple[int, ...]] = tuple(pow(3, i, 31) for i in range(17))


def is_valid_uscc(value: str) -> bool:
    """A unified social credit code (统一社会信用代码, a company's tax id): 18 characters of
    GB 32100-2015's alphabet, a 6-digit area code at positions 3-8, MOD 31 check character."""
    code = value.upper()
    if len(code) != 18 or any(c not in _USCC_CHARS for c in code) or not code[2:8].isdigit():
        return False
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(code, _USCC_WEIGHTS, strict=False))
    return _USCC_CHARS[(31 - total % 31) % 31] == code[17]

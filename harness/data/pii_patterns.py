"""The regular expressions behind :func:`harness.data.pii.find_pii`, in one place.

Every pattern runs on text folded by :func:`harness.data.pii.fold_fullwidth` (ASCII digits,
letters, ``@ + - ( )`` and spaces), so it only spells the ASCII forms. Numbers are bounded by
digit lookarounds, never ``\\b``: CJK characters are ``\\w`` in Python, so ``\\b1[3-9]\\d{9}\\b``
finds nothing in ``手机号13800138000，`` (reference/fixtures-pii-traffic.md section 1.2).

Each alternative is an outer named group (its name says the kind, :data:`GROUP_KIND`); cue-based
alternatives also hold a ``v_*`` group with the value itself, so a hit never includes its cue.
The alternation order decides between alternatives starting at the same character: the more
specific forms come first and the paranoid catch-alls last.
"""

from __future__ import annotations

import re
from typing import Final

from faker.providers.person.zh_CN import Provider as _ZhPerson

# Faker's zh_CN surnames by weight; the top 100 cover 85.9 % of people (2019 national report).
# A strong cue (收货人, 姓名) takes any of them, a weak one (我是) and 王先生 only the top 100;
# plus the compound surnames still in use.
# Faker spells 肖, 付 and 闫 only as 萧, 傅 and 阎; all six are in the national top 100.
_MISSING_TOP = "肖付闫"
ALL_SURNAMES: Final[str] = _MISSING_TOP + "".join(
    s for s in _ZhPerson.last_names if len(s) == 1 and s not in _MISSING_TOP
)  # 401
TOP_SURNAMES: Final[str] = ALL_SURNAMES[:103]
COMPOUND_SURNAMES: Final[tuple[str, ...]] = (
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙",
    "慕容", "令狐", "长孙", "宇文", "司徒", "夏侯", "轩辕", "端木",
)  # fmt: skip

# Characters that end a name: function words and the first characters of words that usually
# follow one (我的, 先生, 电话, 收货, 地址 ...).
NAME_STOP: Final[str] = (
    "我你他她它的是在了和与及要想说请收电手订单号地址已不也都就还先女生呢吗吧啊呀哦嗯么"
    "把被给让从到对向这那哪什个们有没很太更最来去上下"
    "谢昨今帮付买签用也问找尽麻急"
)
PLATE_PROVINCES: Final[str] = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"


def _cjk_class_without(stop: str) -> str:
    """A ``[...]`` class of the CJK Unified Ideographs block minus ``stop``."""
    points = sorted({ord(c) for c in stop})
    ranges, low = [], 0x4E00
    for point in points:
        if point > low:
            ranges.append((low, point - 1))
        low = point + 1
    ranges.append((low, 0x9FFF))
    return "[" + "".join(f"{chr(a)}-{chr(b)}" if b > a else chr(a) for a, b in ranges) + "]"


GIVEN: Final[str] = _cjk_class_without(NAME_STOP)
_COMPOUND = "|".join(COMPOUND_SURNAMES)
_SURNAME = f"(?:{_COMPOUND}|[{TOP_SURNAMES}])"
_ANY_SURNAME = f"(?:{_COMPOUND}|[{ALL_SURNAMES}])"
_SEP = r"[:：是为 ]*"
_DATE = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
_AREA = r"0(?:10|2[0-9]|[3-9][0-9]{2})"
_ADDR_ATOM = r"(?:[\u4e00-\u9fff]|[0-9]{1,6}(?![0-9])|[A-Za-z#-])"
_ADDR_END = r"[号室栋幢元楼层村组弄巷路街道区县镇乡座](?:[0-9A-Za-z-]{1,8}(?![0-9A-Za-z]))?"
_ROAD = _cjk_class_without(NAME_STOP + "寄送发住址往至从")
# Up to three divisions before a street (广东省深圳市南山区, 市南区): a name, then a division
# character; so the whole address is replaced, not only the part after 深圳市.
_DIVISION = "省市区县镇乡州盟旗"
_NOT_PLACE = "的是在了和与及我你他她它住址寄送发往至从到把被给让请回"
_ADMIN = (
    f"(?:{_cjk_class_without(_NOT_PLACE)}{_cjk_class_without(_NOT_PLACE + _DIVISION)}{{0,6}}"
    f"[{_DIVISION}]){{0,3}}"
)
_PLATE_LETTER = "[A-HJ-NP-Za-hj-np-z]"
_PLATE_CHAR = "[A-HJ-NP-Za-hj-np-z0-9]"
_NOT_WECHAT_WORD = (
    r"(?!(?:iPhone|iphone|iPad|ipad|Android|android|Windows|windows|version)(?![A-Za-z]))"
)
_UNITS = (
    r"积分|元|块|件|个|%|年|月|日|号|天|次|分|秒|台|条|单|人|米|克|斤|岁|折|倍|万|千|百|小时|公里"
    r"|km|kg|KB|MB|GB|mAh|ml|cm|mm|g|w|W|V"
)

ID18: Final[str] = (
    r"(?P<ID>(?<![0-9A-Za-z])[1-9][0-9]{5} ?(?:18|19|20)[0-9]{2}" + _DATE
    + r" ?[0-9]{3}[0-9Xx](?![0-9A-Za-z]))"
)  # fmt: skip
ID15_CUE: Final[str] = (
    r"(?P<ID15>(?:身份证|身份證|证件)(?:号码|号)?" + _SEP
    + r"(?P<v_id15>[1-9][0-9]{7}" + _DATE + r"[0-9]{3})(?![0-9A-Za-z]))"
)  # fmt: skip
ID15_BARE: Final[str] = (
    r"(?P<ID15P>(?<![0-9A-Za-z])[1-9][0-9]{7}" + _DATE + r"[0-9]{3}(?![0-9A-Za-z]))"
)
CARD: Final[str] = (
    r"(?P<CARD>(?<![0-9])(?:62|4[0-9]|5[1-5]|3[47]|6[05])[0-9]{2}(?:[ -]?[0-9]){12,15}(?![0-9]))"
)
PHONE: Final[str] = (
    r"(?P<PHONE>(?<![0-9])(?:(?:\+|00)86[ -]?|\(\+?86\) ?)?1[3-9][0-9](?:[ -]?[0-9]){8}(?![0-9]))"
)
LANDLINE: Final[str] = (
    r"(?P<LANDLINE>(?<![0-9])(?:\(" + _AREA + r"\)|" + _AREA + r")[ -]?[2-8](?:[ -]?[0-9]){6,7}"
    r"(?![0-9]))"
)
EMAIL: Final[str] = (
    r"(?P<EMAIL>(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
    r"\.[A-Za-z]{2,}(?![A-Za-z]))"
)
QQ: Final[str] = (
    r"(?P<QQ>(?:(?<![A-Za-z])[Qq]{2}|(?<![A-Za-z])[Qq](?=号)|扣扣|企鹅)(?:号码|号)?" + _SEP
    + r"(?P<v_qq>[1-9][0-9]{4,10})(?![0-9]))"
)  # fmt: skip
WECHAT: Final[str] = (
    r"(?P<WECHAT>(?:微信|薇信|威信|[Vv]信|(?<![A-Za-z])(?:[VvWw][Xx]|weixin|WeChat|wechat))"
    r"(?:号|ID|id)?" + _SEP + _NOT_WECHAT_WORD
    + r"(?P<v_wx>[A-Za-z][-_A-Za-z0-9]{5,19})(?![-_A-Za-z0-9]))"
)  # fmt: skip
PLATE: Final[str] = (
    f"(?P<PLATE>[{PLATE_PROVINCES}]{_PLATE_LETTER}[·• -]?"
    f"(?:[DFdf]{_PLATE_CHAR}[0-9]{{4}}|[0-9]{{5}}[DFdf]|{_PLATE_CHAR}{{5}})(?![A-Za-z0-9]))"
)
OPENID: Final[str] = r"(?P<OPENID>(?<![A-Za-z0-9_-])o[A-Za-z0-9_-]{27}(?![A-Za-z0-9_-]))"
NAME_CUE: Final[str] = (
    r"(?P<NAME>(?:收货人|收件人|联系人|姓名|户名|持卡人|开户名|我叫|名字是|名字叫)"
    + _SEP + f"(?P<v_name>{_ANY_SURNAME}{GIVEN}{{1,2}})(?!{GIVEN}))"
)  # fmt: skip
NAME_WEAK_CUE: Final[str] = (
    r"(?P<NAMEW>(?:我是|本人是|本人|我老公|我老婆|我妈|我爸|我爱人|我同事|我儿子|我女儿|我朋友"
    r"|我哥|我姐|我弟|我妹)"
    + _SEP + f"(?P<v_namew>{_SURNAME}{GIVEN}{{1,2}})(?!{GIVEN}))"
)  # fmt: skip
# A letter's signature: the name after 此致/敬礼 or a dash, alone on its line or before the end.
NAME_SIGNATURE: Final[str] = (
    r"(?P<NAMESIG>(?:此致|敬礼|——|--|—)[!！。，, \t]*(?:\n\s*(?:敬礼[!！。，,]?\s*)?)?"
    f"(?P<v_namesig>{_ANY_SURNAME}{GIVEN}{{1,2}})(?!{GIVEN}))"
)
# A name in brackets, before a phone number, or before 收 (the addressee): no cue word needed.
NAME_BARE: Final[str] = (
    f"(?P<NAMEB>(?<=[（(【\\[])(?P<v_nameb>{_SURNAME}{GIVEN}{{1,2}})(?=[）)】\\]])"
    f"|(?<![\u4e00-\u9fff])(?P<v_namep>{_SURNAME}{GIVEN}{{1,2}})"
    r"(?=[，,、/ :：]?\s*(?:\(?(?:\+|00)?86\)?[ -]?)?1[3-9][0-9](?:[ -]?[0-9]){8}(?![0-9]))"
    rf"|(?<=[，, ])(?P<v_namer>{_ANY_SURNAME}{GIVEN}{{1,2}})(?=收(?:[。！!，,\s]|$)))"
)
_HONORIFIC_AFTER = "".join(
    f"(?<={cue})" + "|"
    for cue in ("联系", "请问", "找", "给", "是", "和", "跟", "谢谢", "您好", "致")
)
HONORIFIC: Final[str] = (
    f"(?P<HONORIFIC>(?:{_HONORIFIC_AFTER}(?<![\u4e00-\u9fff])){_ANY_SURNAME}{GIVEN}{{0,2}}"
    f"(?=先生|女士|小姐)|{_SURNAME}(?=先生|女士|小姐))"
)
ADDRESS_CUE: Final[str] = (
    r"(?P<ADDRESS>(?:收货地址|收件地址|详细地址|家庭住址|送货地址|地址|住址|寄到|送到|寄往|住在"
    r"|改成|改为|换成|改到)"
    + _SEP + f"(?P<v_addr>{_ADDR_ATOM}{{2,60}}{_ADDR_END}))"
)  # fmt: skip
STREET: Final[str] = (
    f"(?P<STREET>{_ADMIN}{_ROAD}{{2,4}}(?:路|街|大道|巷|弄)[0-9]{{1,5}}号"
    r"(?:[0-9A-Za-z]{1,4}(?:栋|幢|号楼|单元|楼|层|座|室))*(?:[0-9]{1,5}(?![0-9])室?)?"
    f"|{_ADMIN}{_ROAD}{{2,6}}[0-9]{{1,3}}(?:栋|幢|号楼)(?:[0-9]{{1,2}}单元)?"
    r"[0-9]{1,5}(?![0-9])(?:室|号)?)"
)
CUE_RUN: Final[str] = (
    r"(?P<CUERUN>(?P<c_run>手机|电话|联系方式|座机|固话|(?<![A-Za-z])(?:tel|TEL|Tel|phone|Phone|mobile)"
    r"|身份证|证件|卡号|银行卡|账号|帐号)(?:号码|号)?" + _SEP
    + r"(?P<v_run>[0-9](?:[ -]?[0-9]){6,}[Xx]?)(?![0-9]))"
)  # fmt: skip
QQ_BARE: Final[str] = (
    r"(?P<QQP>(?<![0-9A-Za-z.¥￥$第])[1-9][0-9]{4,10}(?![0-9A-Za-z]|\.[0-9]|\s?(?:" + _UNITS
    + r")))"
)  # fmt: skip
ORDER_CUE: Final[str] = (
    r"(?P<ORDER>(?:订单编号|订单号|订单|子单号|售后单号|退款单号|运单号|运单|物流单号|快递单号"
    r"|快递号|单号|交易单号|交易号|流水号)(?:码)?[:：#是为 ]*"
    r"(?P<v_order>[A-Za-z]{0,4}[0-9][0-9A-Za-z]{5,29}(?:-[0-9A-Za-z]{1,20})?)(?![0-9A-Za-z-]))"
)
ORDER_SHAPE: Final[str] = (
    r"(?P<ORDERS>(?<![0-9A-Za-z])(?:[A-Z]{1,4}[0-9]{13,22}|[A-Z]{2,4}[0-9]{10,12}|[0-9]{6}-[0-9]{15}|[1-9][0-9]{13,29})"
    r"(?![0-9A-Za-z]))"
)
# A company's tax id (统一社会信用代码) is no person's; matched only to be passed over.
TAXID: Final[str] = (
    r"(?P<TAXID>(?<![0-9A-Za-z])[0-9A-Za-z]{2}[0-9]{6}[0-9A-Za-z]{10}(?![0-9A-Za-z]))"
)

# Cue-based alternatives first (they start at the cue, left of the value), then the numbers from
# the most to the least specific, then the text forms. Paranoid adds bare 15-digit IDs, a 7+ digit
# run after any phone/ID/card cue, and cue-less QQ-like numbers as the very last resort.
NORMAL_PARTS: Final[tuple[str, ...]] = (
    ID15_CUE, QQ, WECHAT, ORDER_CUE, NAME_CUE, NAME_WEAK_CUE, NAME_SIGNATURE, ADDRESS_CUE,
    TAXID, ID18, CARD, PHONE, LANDLINE, EMAIL, PLATE, OPENID, HONORIFIC, NAME_BARE, STREET,
    ORDER_SHAPE,
)  # fmt: skip
PARANOID_PARTS: Final[tuple[str, ...]] = (
    CUE_RUN, *NORMAL_PARTS[:-1], ID15_BARE, ORDER_SHAPE, QQ_BARE,
)  # fmt: skip
SINGLE: Final[dict[str, re.Pattern[str]]] = {
    part[4 : part.index(">")]: re.compile(part) for part in PARANOID_PARTS
}

# Gates: one alternation over 17 forms costs about 20 us on a 20-character text, so each form
# only joins the alternation when the text has what it cannot match without (cheap tests below).
# A form joins if any of its bits is set. The three costliest forms (they try a name or a
# street at every CJK character) have gates of their own: what every one of their matches holds.
# DIGITS7: the long numbers (phone, ID, card, landline, a cue's digit run, order shapes) hold
# seven digits or more in a row, with at most a space or dash between two of them; a ticket
# number like T100000 is left to the forms of five digits.
DIGITS5, DIGIT, AT, LETTER, CUE, HONOUR, ROAD, MOBILE, BRACKET = 1, 2, 4, 8, 16, 32, 64, 128, 256
DIGITS7 = 512
GATES: Final[dict[str, int]] = {
    "CUERUN": DIGITS7, "ID15": DIGITS7, "QQ": DIGITS5, "WECHAT": LETTER, "NAME": CUE, "NAMEW": CUE,
    "NAMESIG": CUE, "NAMEB": BRACKET | MOBILE,
    "ADDRESS": CUE, "ID": DIGITS7, "CARD": DIGITS7, "PHONE": DIGITS7, "LANDLINE": DIGITS7,
    "EMAIL": AT, "PLATE": DIGIT, "OPENID": LETTER, "HONORIFIC": HONOUR, "STREET": ROAD,
    "ID15P": DIGITS7, "QQP": DIGITS5, "ORDER": DIGITS5, "ORDERS": DIGITS7, "TAXID": DIGITS5,
}  # fmt: skip
HAS_DIGITS5: Final[re.Pattern[str]] = re.compile(r"[0-9](?:[ -]?[0-9]){4}")
HAS_DIGITS7: Final[re.Pattern[str]] = re.compile(r"[0-9](?:[ -]?[0-9]){6}")
HAS_DIGIT: Final[re.Pattern[str]] = re.compile(r"[0-9]")
HAS_LETTER: Final[re.Pattern[str]] = re.compile(r"[A-Za-z]")
HAS_HONOUR: Final[re.Pattern[str]] = re.compile(r"先生|女士|小姐")
HAS_ROAD: Final[re.Pattern[str]] = re.compile(r"[路街巷弄栋幢]|大道|号楼")  # with a digit
HAS_MOBILE: Final[re.Pattern[str]] = re.compile(r"1[3-9][0-9](?:[ -]?[0-9]){8}")
HAS_BRACKET: Final[re.Pattern[str]] = re.compile(r"[（(【\[收]")  # a name in brackets or before 收
HAS_CUE: Final[re.Pattern[str]] = re.compile(
    r"收货|收件|联系人|姓名|户名|持卡人|开户名|我叫|我是|本人是|名字|先生|女士|小姐"
    r"|地址|住址|寄到|送到|寄往|住在|改成|改为|换成|改到|本人|我老|我妈|我爸|我爱人|我同事|我儿|我女"
    r"|我朋友|我哥|我姐|我弟|我妹|此致|敬礼|—|--|[（(【\[]|收|[0-9]{5}"
)


# outer group -> (kind value, inner value group or None)
GROUP_KIND: Final[dict[str, tuple[str, str | None]]] = {
    "ID": ("id", None), "ID15": ("id", "v_id15"), "ID15P": ("id", None),
    "CARD": ("card", None), "PHONE": ("phone", None), "LANDLINE": ("landline", None),
    "EMAIL": ("email", None), "QQ": ("qq", "v_qq"), "QQP": ("qq", None),
    "WECHAT": ("wechat", "v_wx"), "PLATE": ("plate", None), "OPENID": ("openid", None),
    "NAME": ("name", "v_name"), "NAMEW": ("name", "v_namew"),
    "NAMESIG": ("name", "v_namesig"), "NAMEB": ("name", None), "HONORIFIC": ("name", None),
    "ADDRESS": ("address", "v_addr"), "STREET": ("address", None), "CUERUN": ("phone", "v_run"),
    "ORDER": ("order", "v_order"), "ORDERS": ("order", None), "TAXID": ("taxid", None),
}  # fmt: skip
# Matched to be passed over, never a hit. The residual scan also passes over order and
# tracking numbers (by cue or by shape): linkage keys, not people, and the exact check still
# finds every real one the anonymiser saw (a helpdesk's own ticket numbers look the same).
SHIELDS: Final[frozenset[str]] = frozenset({"TAXID"})
CUE_RUN_KIND: Final[dict[str, str]] = {
    "身份证": "id", "证件": "id", "卡号": "card", "银行卡": "card", "账号": "card", "帐号": "card",
}  # fmt: skip

TAX_CUE: Final[re.Pattern[str]] = re.compile(
    r"(?:税号|信用代码|识别号|纳税人|营业执照)[^0-9]{0,6}$"
)
# Where a bare number reads as a quantity, a price, a code or a reference, never a QQ number.
NOT_PERSON_BEFORE: Final[re.Pattern[str]] = re.compile(
    r"(?:积分|订单|单号|运单|快递|物流|税号|代码|识别号|金额|价格|售价|原价|余额|编号|货号|型号"
    r"|款号|流水|交易|发票|批次|邮编|验证码|券码|兑换码|共|约|满|减|送|返|赠|扣|花了|付了"
    r"|实付|付款|支付|退款|退了|到账|合计|总计|运费|补偿|赔付|价|时间戳)"
    r"[^0-9\u4e00-\u9fff]{0,3}$"
)
CARD_CUE: Final[re.Pattern[str]] = re.compile(
    r"(?:卡号|银行卡|储蓄卡|信用卡|借记卡|卡)[^0-9]{0,6}$"
)
NOT_CARD_CUE: Final[re.Pattern[str]] = re.compile(r"(?:订单|单号|运单|物流|快递|流水|交易号)")
ADDRESS_DETAIL: Final[re.Pattern[str]] = re.compile(r"[路街道巷弄村号室栋幢]|单元")
DATE_LIKE: Final[re.Pattern[str]] = re.compile(r"(?:19|20)[0-9]{2}" + _DATE + "?")
EXAMPLE_DOMAIN: Final[re.Pattern[str]] = re.compile(
    r"@(?:[A-Za-z0-9-]+\.)*(?:example\.(?:com|org|net)|[A-Za-z0-9-]+\.(?:test|example|invalid))$",
    re.IGNORECASE,
)

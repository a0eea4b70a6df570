"""Builds raw helpdesk exports with planted personal data, the way POC teams receive them.

:func:`build` makes ``n`` rows of a typical Chinese helpdesk export (the headers of
``fixtures/maps/helpdesk-zh.yaml``). Customers carry a name, a mobile, an e-mail, a resident ID
(valid check digit, one with a lower-case ``x``), a UnionPay card (Luhn), a QQ number, a WeChat
id, an address and a plate; they appear in the structured columns and, in every common spelling,
inside the ticket text. Customer 0 (the canary) writes on WeChat, by phone and in the app, with
the phone spelled differently each time. Given names use characters that Faker's zh_CN tables
never produce, so a planted name can only be in the output if it leaked.

``plant`` holds every original value as planted (and its digits-only form): the test searches
every output for each of them. ``bad_rows`` lists rows built to be rejected.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

HEADERS = ["工单号", "创建时间", "分配时间", "渠道", "问题分类", "优先级", "标题", "内容",
           "客户姓名", "手机号", "邮箱", "处理人"]  # fmt: skip
CHANNELS = ["微信", "电话", "网页", "APP", "邮件"]
CATEGORIES = ["退款", "物流", "发票", "账号", "质量", "售后维修"]  # the last one is not in the map
PRIORITIES = ["紧急", "高", "中", "低"]
_SURNAMES = "王李张刘陈杨黄吴赵周徐孙马朱胡林郭何高罗"
_GIVEN = "璟翀昶珺煜骁琰玥曦瑾钰翊晗煊昀珏湛槿"  # none of them in Faker's zh_CN given names
_PREFIXES = ["138", "139", "150", "186", "177", "199", "166", "135"]
_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(rng: random.Random) -> str:
    area = rng.choice(["110105", "310104", "440305", "330106", "510107", "420102"])
    born = datetime(1960, 1, 1) + timedelta(days=rng.randrange(40 * 365))
    body = area + born.strftime("%Y%m%d") + f"{rng.randrange(1000):03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, _W, strict=True)) % 11]


def luhn(body: str) -> str:
    for check in "0123456789":
        digits = body + check
        total = sum(
            (d * 2 - 9 if d * 2 > 9 else d * 2) if i % 2 else d
            for i, d in enumerate(int(c) for c in reversed(digits))
        )
        if total % 10 == 0:
            return digits
    raise AssertionError


@dataclass
class Customer:
    name: str
    phone: str
    email: str
    id_number: str
    card: str
    qq: str
    wechat: str
    address: str
    plate: str


@dataclass
class RawExport:
    rows: list[dict[str, str]]
    customers: list[Customer]
    plant: set[str] = field(default_factory=set)  # every original, as planted and digits-only
    bad_rows: dict[int, str] = field(default_factory=dict)  # row index -> field rejected


def _customer(rng: random.Random, i: int) -> Customer:
    name = rng.choice(_SURNAMES) + "".join(rng.sample(_GIVEN, 2))
    phone = rng.choice(_PREFIXES) + f"{rng.randrange(10**8):08d}"
    ident = id_number(rng)
    while i == 1 and not ident.endswith("X"):  # one ID with the X check character
        ident = id_number(rng)
    return Customer(
        name=name,
        phone=phone,
        email=f"kh{rng.randrange(10**6):06d}@qq.com",
        id_number=ident,
        card=luhn("622848" + f"{rng.randrange(10**12):012d}"),
        qq=str(rng.randrange(10**7, 10**9)),
        wechat="wx_" + "".join(rng.choices("abcdefghjkmnpqrstuvwxyz", k=6)) + str(i),
        address=f"北京市朝阳区建国路{rng.randrange(1, 300)}号{rng.randrange(1, 30)}号楼"
        f"{rng.randrange(101, 2800)}室",
        plate="京" + rng.choice("ABCEFGHJKLMNPQ") + f"{rng.randrange(10000, 99999)}",
    )


def _spellings(phone: str) -> list[str]:
    a, b, c = phone[:3], phone[3:7], phone[7:]
    wide = phone.translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"})
    return [phone, f"+86 {a} {b} {c}", f"{a}-{b}-{c}", f"0086{phone}", wide]


def _text(rng: random.Random, who: Customer, phone_shown: str, order: str) -> str:
    ident = who.id_number.lower() if who.id_number.endswith("X") else who.id_number
    card = " ".join(who.card[i : i + 4] for i in range(0, len(who.card), 4))
    forms = [
        f"您好，我是{who.name}，手机{phone_shown}，订单{order}还没发货，麻烦查一下。",
        f"{who.name}反馈：退款请打到银行卡{card}，身份证号{ident}。",
        f"收货地址改成{who.address}，联系电话{phone_shown}，谢谢",
        f"发票请发到邮箱{who.email}，有问题加QQ号{who.qq}或者vx:{who.wechat}",
        f"车牌{who.plate}的车主{who.name}投诉配送太慢，订单{order}",
    ]
    return rng.choice(forms)


def build(n: int = 300, seed: int = 20241111) -> RawExport:
    rng = random.Random(seed)
    customers = [_customer(rng, i) for i in range(40)]
    agents = [rng.choice(_SURNAMES) + "".join(rng.sample(_GIVEN, 2)) for _ in range(6)]
    export = RawExport([], customers)
    start = datetime(2024, 11, 10, 8, 0, 0)
    for i in range(n):
        who = customers[0] if i % 10 == 0 else rng.choice(customers)
        channel = (
            ["微信", "电话", "APP"][i // 10 % 3] if who is customers[0] else rng.choice(CHANNELS)
        )
        phone = _spellings(who.phone)[i // 10 % 5] if who is customers[0] else who.phone
        created = start + timedelta(seconds=rng.randrange(2 * 86400))
        order = f"SO{rng.randrange(10**10):010d}"
        row = {
            "工单号": f"T{100000 + i}",
            "创建时间": created.strftime("%Y-%m-%d %H:%M:%S"),
            "分配时间": (created + timedelta(seconds=rng.randrange(20, 900))).strftime(
                "%Y/%m/%d %H:%M:%S"
            ),
            "渠道": channel,
            "问题分类": rng.choice(CATEGORIES),
            "优先级": rng.choice(PRIORITIES),
            "标题": f"{who.name}的{rng.choice(['退款', '物流', '发票'])}问题",
            "内容": _text(rng, who, _spellings(who.phone)[rng.randrange(5)], order),
            "客户姓名": who.name,
            "手机号": phone,
            "邮箱": who.email,
            "处理人": rng.choice(agents),
        }
        if i % 37 == 5:
            row["创建时间"], export.bad_rows[i] = "昨天下午三点", "created_at"
        elif i % 53 == 7:
            row["渠道"], export.bad_rows[i] = "微博", "channel"
        export.rows.append(row)
        export.plant |= {order, order[2:]}
    for who in customers:
        for value in (
            *_spellings(who.phone),
            who.name,
            who.email,
            who.id_number,
            who.id_number.lower(),
            who.card,
            who.qq,
            who.wechat,
            who.address,
            who.plate,
        ):
            export.plant.add(value)
            digits = "".join(c for c in value if c.isdigit())
            if len(digits) >= 7:
                export.plant.add(digits)
    export.plant |= set(agents)
    return export


def write_csv(path: Path, export: RawExport, encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, HEADERS, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(export.rows)
    return path


def write_xlsx(path: Path, export: RawExport, *, merged_title: bool = False) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "工单"
    if merged_title:
        sheet.append(["工单导出 2024-11"] + [None] * (len(HEADERS) - 1))
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    sheet.append(HEADERS)
    for row in export.rows:
        cells: list[object] = [row[h] for h in HEADERS]
        if row["手机号"].isdigit():
            cells[HEADERS.index("手机号")] = int(row["手机号"])  # Excel keeps phones as numbers
        try:
            cells[1] = datetime.strptime(row["创建时间"], "%Y-%m-%d %H:%M:%S")  # a time cell
        except ValueError:
            pass
        sheet.append(cells)
    workbook.save(path)
    return path

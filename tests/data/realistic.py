"""A realistic zh-CN helpdesk export: what a POC team gets from a shop's customer service.

Unlike :mod:`tests.data.exports` (every PII form in every spelling), these rows read like real
tickets: harmless numbers everywhere (company tax codes with a valid MOD 31 check character,
loyalty points, amounts, order and tracking numbers with no map pattern, timestamps, hotlines),
and the people in free text the way customers write them: letter signatures (``此致\\n<name>``),
self-introductions (``本人<name>``, ``我是<name>``), a spouse or parent by name (``我老公<name>``),
honorifics, a name glued to digits or punctuation. The export has 15 columns: the ID number,
delivery address and order number have columns of their own. ``plant`` lists every personal
value; ``harmless`` the numbers that must survive unchanged.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from tests.data.exports import id_number, luhn

HEADERS = ["工单号", "创建时间", "首次响应时间", "渠道", "问题分类", "优先级", "状态", "标题",
           "内容", "客户姓名", "手机号", "邮箱", "身份证号", "收货地址", "订单号",
           "处理人"]  # fmt: skip
CHANNELS = ["微信", "电话", "网页", "APP", "邮件", "小程序"]
CATEGORIES = ["退款", "物流", "发票", "账号", "质量"]
PRIORITIES = ["紧急", "高", "中", "低"]
STATUSES = ["待处理", "处理中", "已解决", "已关闭"]
_SURNAMES = "王李张刘陈杨黄吴赵周徐孙马朱胡林郭何高罗欧阳司马"
_GIVEN = "璟翀昶珺煜骁琰玥曦瑾钰翊晗煊昀珏湛槿"  # none of them in Faker's zh_CN given names
_RELATIVES = ["我老公", "我老婆", "我妈", "我爸", "我爱人", "我同事", "我儿子"]
_USCC = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def uscc(rng: random.Random) -> str:
    """A unified social credit code (a company's tax id) with a valid check character."""
    body = (
        "91"
        + rng.choice(["310115", "440300", "110105"])
        + "".join(rng.choice(_USCC) for _ in range(9))
    )
    total = sum(_USCC.index(c) * pow(3, i, 31) for i, c in enumerate(body))
    return body + _USCC[(31 - total % 31) % 31]


def _name(rng: random.Random) -> str:
    surname = rng.choice(["欧阳", "司马"]) if rng.random() < 0.05 else rng.choice(_SURNAMES[:20])
    return surname + "".join(rng.sample(_GIVEN, rng.choice([1, 2])))


@dataclass
class Person:
    name: str
    phone: str
    email: str
    id_number: str
    address: str


@dataclass
class RealExport:
    rows: list[dict[str, str]]
    plant: set[str] = field(default_factory=set)
    harmless: set[str] = field(default_factory=set)


def _person(rng: random.Random) -> Person:
    return Person(
        name=_name(rng),
        phone=rng.choice(["138", "139", "186", "177", "199"]) + f"{rng.randrange(10**8):08d}",
        email=f"{rng.choice(['lily', 'kevin', 'mm', 'chen'])}{rng.randrange(10**5)}@163.com",
        id_number=id_number(rng),
        address=f"上海市浦东新区{rng.choice(['张杨路', '世纪大道', '东方路'])}"
        f"{rng.randrange(1, 999)}号{rng.randrange(1, 30)}栋{rng.randrange(101, 2501)}室",
    )


def _text(rng: random.Random, who: Person, other: str, order: str, out: RealExport) -> str:
    tax, points = uscc(rng), str(rng.randrange(10000, 99999))
    tracking = "SF" + str(rng.randrange(10**12, 10**13))
    amount = f"{rng.randrange(100, 20000)}.{rng.randrange(100):02d}"
    forms = [
        f"你好，我是{who.name}，订单{order}还没发货，之前有{points}积分也没了。",
        f"本人{who.name}，麻烦开增值税专票，公司税号{tax}，金额{amount}元。",
        f"东西是{other}签收的，{rng.choice(_RELATIVES)}{other}说包装破了，快递{tracking}。",
        f"收货地址填错了，麻烦改成{who.address}，电话{who.phone}。",
        f"投诉配送太慢！！\n此致\n{who.name}\n{datetime(2024, 11, 12):%Y-%m-%d}",
        f"{who.name}女士您好，积分{points}已补发，有问题打400-820-8820。",
        f"联系人：{who.name}{who.phone}，身份证{who.id_number}",
        f"订单号{order}的退款{amount}元什么时候到账？我叫{who.name}。",
    ]
    text = rng.choice(forms)
    out.harmless |= {value for value in (tax, points) if value in text}
    return text


def build(n: int = 400, seed: int = 20241111) -> RealExport:
    rng = random.Random(seed)
    people = [_person(rng) for _ in range(60)]
    agents = [_name(rng) for _ in range(5)]
    export = RealExport([])
    start = datetime(2024, 11, 10, 0, 0, 0)
    for i in range(n):
        who = rng.choice(people)
        other = rng.choice(people).name
        created = start + timedelta(seconds=rng.randrange(3 * 86400))
        order = str(rng.randrange(10**18, 10**19))  # 19 digits, no prefix: no map pattern
        export.rows.append({
            "工单号": f"GD{20241110000 + i}",
            "创建时间": created.strftime("%Y-%m-%d %H:%M:%S"),
            "首次响应时间": (created + timedelta(seconds=rng.randrange(30, 3600))).strftime(
                "%Y-%m-%d %H:%M:%S"
            ),
            "渠道": rng.choice(CHANNELS),
            "问题分类": rng.choice(CATEGORIES),
            "优先级": rng.choice(PRIORITIES),
            "状态": rng.choice(STATUSES),
            "标题": rng.choice(["催发货", "退款", "开发票", "改地址", "投诉"]),
            "内容": _text(rng, who, other, order, export),
            "客户姓名": who.name,
            "手机号": who.phone,
            "邮箱": who.email,
            "身份证号": who.id_number,
            "收货地址": who.address,
            "订单号": order,
            "处理人": rng.choice(agents),
        })  # fmt: skip
        export.plant.add(order)
    for who in people:
        export.plant |= {who.name, who.phone, who.email, who.id_number, who.address}
    export.plant |= set(agents)
    return export


def write_csv(path: Path, export: RealExport, encoding: str = "gbk") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, HEADERS, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(export.rows)
    return path


__all__ = ["HEADERS", "RealExport", "build", "luhn", "uscc", "write_csv"]

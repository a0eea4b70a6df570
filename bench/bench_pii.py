"""PII detection, pseudonyms, replacement and the residual scan, on one core.

    .venv/bin/python bench/bench_pii.py [TEXTS]          # default 100,000 texts
    .venv/bin/python bench/bench_pii.py --smoke          # 1,000 texts (CI)

The corpus is short Chinese ticket texts (about 26 characters, like reference section 1.4): 40 %
carry PII in one of many spellings (phones with +86/spaces/dashes/full-width digits, IDs with
lower-case x, 16/19-digit cards with spaces, landlines, e-mails, QQ, WeChat, plates, cue-word and
honorific names, addresses), 60 % are decoys (order numbers, tracking numbers, SKUs, amounts,
timestamps, a 400 hotline). Real-looking values come from the fake generators on random tokens.
Figures are CPU time of this process (``time.process_time``), best of three.
"""

from __future__ import annotations

import argparse
import gc
import math
import random
import time
from collections.abc import Callable

import pandas as pd

from harness.data import fakes
from harness.data.pii import NameIndex, PiiKind, find_pii
from harness.data.pseudonyms import Pseudonymiser
from harness.data.residual import scan_frame

SEED = 20261123
FULLWIDTH = {ord(c): ord(c) + 0xFEE0 for c in "0123456789"}

PII_TEMPLATES = [
    "我的手机号{phone}，麻烦回个电话",
    "电话：+86 {phone_spaced} 请尽快处理",
    "联系方式{phone_fw}谢谢",
    "收货人：{name}，电话{phone_dashed}",
    "身份证{id_lower}实名认证一直失败",
    "退款请打到银行卡{card_spaced}，户名{name}",
    "卡号{card}绑定不上",
    "座机{landline}，白天都在",
    "发票请发到邮箱{email}",
    "加我QQ：{qq}，详细说",
    "微信号：{wechat}，加一下",
    "车牌{plate}的车停在门口",
    "{surname}先生您好，包裹已到驿站",
    "我叫{name}，订单还没发货",
    "地址：{address}，尽快发货",
    "寄到{street}就行",
    "我是{name}，手机{phone}，急！",
]
DECOY_TEMPLATES = [
    "客服你好，订单{order}怎么还没发货，急！",
    "在吗？羽绒服尺码不合适，想换XL码？谢谢",
    "双11的满300减80和店铺券能叠加吗？",
    "付款显示失败但是扣了{amount}元，很生气！",
    "快递单号SF{tracking}一直不更新",
    "SKU{sku}的颜色发错了",
    "下单时间{timestamp}，到现在没动静",
    "客服电话400-810-8888打不通",
    "订单号：{order}，申请退款",
    "商品质量有问题，要求退货退款",
    "发票抬头写错了，能重开吗",
    "物流显示已签收但我没收到",
]


class Values(dict[str, str]):
    """Slot values for one text, made on first use (a template needs two or three of them)."""

    def __init__(self, rng: random.Random) -> None:
        super().__init__()
        self._rng = rng

    def __missing__(self, slot: str) -> str:
        self[slot] = value = self._make(slot)
        return value

    def _make(self, slot: str) -> str:
        rng = self._rng
        t = rng.randbytes(32)
        if slot == "phone":
            return fakes.fake_phone(t, "", 0)
        if slot.startswith("phone_"):
            p = self["phone"]
            if slot == "phone_fw":
                return p.translate(FULLWIDTH)
            sep = " " if slot == "phone_spaced" else "-"
            return f"{p[:3]}{sep}{p[3:7]}{sep}{p[7:]}"
        if slot in ("card", "card_spaced"):
            card = fakes.fake_card(t, "6" * rng.choice((16, 19)), 0)
            return card if slot == "card" else " ".join(card[i : i + 4] for i in range(0, 19, 4))
        numbers = {
            "order": (10**18, 10**19), "tracking": (10**12, 10**13), "sku": (10**4, 10**6)
        }  # fmt: skip
        if slot in numbers:
            return str(rng.randrange(*numbers[slot]))
        if slot == "amount":
            return f"{rng.randrange(10, 5000)}.{rng.randrange(100):02d}"
        if slot == "timestamp":
            day, hour, minute = rng.randint(1, 30), rng.randint(0, 23), rng.randint(0, 59)
            return f"2026-11-{day:02d} {hour:02d}:{minute:02d}"
        if slot == "email":
            return fakes.fake_email(t, "", 0).replace(
                "example.com", rng.choice(("qq.com", "163.com"))
            )
        made: dict[str, Callable[[], str]] = {
            "id_lower": lambda: fakes.fake_id(t, "", 0).lower(),
            "landline": lambda: "0755-" + fakes.fake_landline(t, "075586013388", 0)[4:],
            "qq": lambda: fakes.fake_qq(t, "1" * rng.randint(6, 10), 0),
            "wechat": lambda: fakes.fake_wechat(t, "x" * rng.randint(6, 14), 0),
            "plate": lambda: fakes.fake_plate(t, "粤B12345", 0),
            "surname": lambda: fakes.fake_surname(t),
            "name": lambda: fakes.fake_name(t, "王" * rng.choice((2, 3, 3)), 0),
            "address": lambda: fakes.fake_address(t, "浙江省杭州市西湖区文三路90号3栋201室", 0),
            "street": lambda: fakes.fake_address(t, "文三路90号3栋201室", 0),
        }
        return made[slot]()


def corpus(n: int, rng: random.Random) -> tuple[list[str], list[str]]:
    """``n`` texts, and ``n`` names a structured name column would hold (some in the texts)."""
    texts, names = [], []
    for _ in range(n):
        v = Values(rng)
        template = rng.choice(PII_TEMPLATES if rng.random() < 0.4 else DECOY_TEMPLATES)
        texts.append(template.format_map(v))
        names.append(v["name"])
    return texts, names


def best_s(run: Callable[[], object], repeat: int = 3) -> float:
    best = math.inf
    gc.disable()
    try:
        for _ in range(repeat):
            start = time.process_time()
            run()
            best = min(best, time.process_time() - start)
    finally:
        gc.enable()
    return best


def rate(label: str, count: int, seconds: float, unit: str) -> None:
    print(f"{label:<34} {count / seconds:>10,.0f} {unit}/s   ({count:,} in {seconds:.2f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("texts", nargs="?", type=int, default=100_000)
    parser.add_argument("--smoke", action="store_true", help="1,000 texts (CI)")
    args = parser.parse_args()
    n = 1_000 if args.smoke else args.texts
    rng = random.Random(SEED)
    texts, names = corpus(n, rng)
    index = NameIndex(names)  # the structured name column: every customer's own name
    index.build()
    chars = sum(map(len, texts)) / n
    with_pii = sum(bool(find_pii(t)) for t in texts)
    print(f"corpus: {n:,} texts, mean {chars:.1f} characters, {with_pii / n:.1%} with a hit")
    print(f"names index: {len(index):,} names\n")

    rate("find_pii", n, best_s(lambda: [find_pii(t) for t in texts]), "texts")
    rate(
        "find_pii + names index",
        n,
        best_s(lambda: [find_pii(t, names=index) for t in texts]),
        "texts",
    )
    rate(
        "find_pii paranoid", n, best_s(lambda: [find_pii(t, paranoid=True) for t in texts]), "texts"
    )

    print()
    slots = {
        PiiKind.PHONE: "phone", PiiKind.ID: "id_lower", PiiKind.CARD: "card",
        PiiKind.NAME: "name", PiiKind.EMAIL: "email", PiiKind.ADDRESS: "address",
        PiiKind.QQ: "qq", PiiKind.WECHAT: "wechat", PiiKind.PLATE: "plate", PiiKind.ORDER: "order",
    }  # fmt: skip
    m = min(n, 50_000)
    pool = [Values(rng) for _ in range(m)]
    for kind, slot in slots.items():
        reals = [v[slot] for v in pool]

        def run(reals: list[str] = reals, kind: PiiKind = kind) -> None:
            p = Pseudonymiser(bytes(32))
            for real in reals:
                p.pseudonym(kind, real)

        distinct = len(set(reals))
        rate(f"pseudonym {kind.value} ({distinct:,} distinct)", m, best_s(run), "values")

    print()
    key = bytes(range(32))

    def one_pass() -> list[str]:
        p = Pseudonymiser(key)
        return [p.replace_in_text(t, names=index)[0] for t in texts]

    def two_pass() -> tuple[Pseudonymiser, list[str]]:
        p = Pseudonymiser(key)
        hits = [p.observe_text(t, names=index) for t in texts]
        return p, [p.replace_hits(t, h)[0] for t, h in zip(texts, hits, strict=True)]

    phones = [pool[i % m]["phone"] for i in range(n)]

    def anonymise() -> tuple[Pseudonymiser, pd.DataFrame]:
        """Observe every real value (columns and texts) first, then assign and replace."""
        p = Pseudonymiser(key)
        for name, phone in zip(names, phones, strict=True):
            p.observe(PiiKind.NAME, name)
            p.observe(PiiKind.PHONE, phone)
        hits = [p.observe_text(t, names=index) for t in texts]
        p.prepare(PiiKind.NAME, names)
        p.prepare(PiiKind.PHONE, phones)
        out = [p.replace_hits(t, h)[0] for t, h in zip(texts, hits, strict=True)]
        return p, pd.DataFrame(
            {
                "description": pd.array(out, dtype="string"),
                "customer_name": [p.pseudonym(PiiKind.NAME, x) for x in names],
                "phone": [p.pseudonym(PiiKind.PHONE, x) for x in phones],
            }
        )

    rate("replace_in_text (one pass)", n, best_s(one_pass), "texts")
    rate("observe_text + replace_hits", n, best_s(two_pass), "texts")

    rate("whole flow, 3 columns (rows)", n, best_s(anonymise), "rows")
    p, frame = anonymise()
    inventory, issued = p.inventory(), p.issued
    report = scan_frame(frame, inventory=inventory, issued=issued)
    seconds = best_s(lambda: scan_frame(frame, inventory=inventory, issued=issued), 2)
    rate(f"scan_frame, 3 columns ({len(inventory):,} reals)", report.cells, seconds, "cells")
    only_text = frame[["description"]]
    seconds = best_s(lambda: scan_frame(only_text, inventory=inventory, issued=issued), 2)
    rate("scan_frame, free-text column only", n, seconds, "cells")
    print(f"\nscan of the anonymised frame: {report.summary().splitlines()[0]}")
    print(f"clashes (a fake equal to a real value seen later): {p.clashes}")


if __name__ == "__main__":
    main()

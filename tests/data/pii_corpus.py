"""An adversarial zh-CN free-text corpus with its own, independent checker (issue 15).

The generator plants known values (names, addresses, phones in every spelling, IDs, cards,
e-mails, QQ and WeChat ids, landlines, order numbers) into varied Chinese context: letter
signatures, self-introductions, relatives by name, honorifics, names inside addresses and next
to digits and punctuation, addresses after
``收货地址填错了，麻烦改成``, order numbers by shape only.
Each planted value comes with its *probes*: the strings whose presence in the anonymised text
means it leaked (the value as written, its compact digits, a two-character given name).

The checker knows nothing of the detectors under test (this module imports nothing from
``harness.data``): it only looks for probes in the output. Harmless text (amounts, points, tax
codes, dates, hotlines, words that start with a surname) is planted too, in a no-PII corpus,
and must come out unchanged: every changed text counts as a false replacement.
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.data.exports import id_number, luhn
from tests.data.realistic import uscc

KINDS = ("name", "address", "phone", "id", "card", "email", "qq", "wechat", "landline", "order")
# Written out here, not taken from the detector's tables: common surnames and given characters.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
)
COMPOUND = ("欧阳", "司马", "上官", "诸葛", "慕容", "令狐")
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力斌宇浩凯健俊帆鹏飞欣怡梓涵"
    "子轩一诺思远雨泽嘉琪晨曦佳怡语桐梦瑶子墨浩然铭宸若曦昊天璟翀昶珺煜骁琰玥瑾钰翊晗煊昀珏湛"
)
PROVINCES = (("上海市", "浦东新区"), ("北京市", "朝阳区"), ("浙江省杭州市", "西湖区"),
             ("广东省深圳市", "南山区"), ("江苏省南京市", "鼓楼区"), ("四川省成都市", "武侯区"),
             ("湖北省武汉市", "洪山区"), ("山东省青岛市", "市南区"))  # fmt: skip
ROADS = ("张杨路", "世纪大道", "文三路", "科技园南路", "中山北路", "建设大道", "解放路", "人民路",
         "学府路", "长江路", "天府大道", "珞喻路")  # fmt: skip
ESTATES = ("阳光花园", "翠湖小区", "万科城", "绿地公寓", "锦绣苑", "金地名京")
AREAS = ("010", "021", "0755", "0571", "025", "028")
FULLWIDTH = {ord(c): ord(c) + 0xFEE0 for c in "0123456789"}
RELATIVES = ("我老公", "我老婆", "我妈", "我爸", "我爱人", "我同事", "我儿子", "我女儿", "我朋友",
             "我哥", "我姐")  # fmt: skip
OPENERS = ("你好，", "客服您好，", "在吗？", "", "急！", "您好！", "麻烦看一下：")
CLOSERS = ("。谢谢", "，尽快处理！", "\n麻烦了", "", "，等回复", "。辛苦", "！")


@dataclass
class Planted:
    kind: str
    value: str
    probes: tuple[str, ...]


@dataclass
class Corpus:
    texts: list[str] = field(default_factory=list)
    planted: list[list[Planted]] = field(default_factory=list)  # per text
    harmless: list[list[str]] = field(default_factory=list)  # per text: must survive as is


class _Values:
    """Fresh values, each distinct in the corpus (a value met twice would be found by its
    first occurrence, which would flatter the recall)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def fresh(self, make: Callable[[], str]) -> str:
        while (value := make()) in self.used:
            pass
        self.used.add(value)
        return value

    def name(self) -> Planted:
        rng = self.rng

        def make() -> str:
            surname = rng.choice(COMPOUND) if rng.random() < 0.04 else rng.choice(SURNAMES)
            return surname + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))

        value = self.fresh(make)
        given = value[2:] if value[:2] in COMPOUND else value[1:]
        probes = (value, given) if len(given) == 2 else (value,)
        return Planted("name", value, probes)

    def address(self) -> Planted:
        rng = self.rng
        city, district = rng.choice(PROVINCES)

        def make() -> str:
            if rng.random() < 0.6:
                detail = f"{rng.choice(ROADS)}{rng.randrange(1, 999)}号"
                detail += rng.choice(("", f"{rng.randrange(1, 30)}栋{rng.randrange(101, 2600)}室",
                                      f"{rng.randrange(1, 20)}号楼{rng.randrange(1, 6)}单元"
                                      f"{rng.randrange(101, 1900)}"))  # fmt: skip
            else:
                detail = (f"{rng.choice(ESTATES)}{rng.randrange(1, 40)}栋"
                          f"{rng.randrange(1, 6)}单元{rng.randrange(101, 2600)}室")  # fmt: skip
            prefix = rng.choice((city + district, district, city, ""))
            return prefix + detail

        value = self.fresh(make)
        detail = value.removeprefix(city + district).removeprefix(district).removeprefix(city)
        street = detail[: detail.index("号") + 1] if "号" in detail else detail  # 解放路12号
        return Planted("address", value, (value, detail, street))

    def phone(self) -> Planted:
        rng = self.rng
        digits = self.fresh(lambda: rng.choice(("13", "15", "17", "18", "19")) + str(
            rng.randrange(10**9)).zfill(9))  # fmt: skip
        a, b, c = digits[:3], digits[3:7], digits[7:]
        spelling = rng.choice((
            digits, f"{a}-{b}-{c}", f"{a} {b} {c}", f"+86 {digits}", f"+86-{a}-{b}-{c}",
            f"0086{digits}", digits.translate(FULLWIDTH), f"(+86){digits}",
        ))  # fmt: skip
        return Planted("phone", spelling, (spelling, digits))

    def id(self) -> Planted:
        value = self.fresh(lambda: id_number(self.rng))
        if value.endswith("X") and self.rng.random() < 0.5:
            value = value[:-1] + "x"
        return Planted("id", value, (value, value.upper()))

    def card(self) -> Planted:
        rng = self.rng
        length = rng.choice((16, 19))
        body = self.fresh(lambda: rng.choice(("6222", "6217", "6228", "4367", "5187")) + str(
            rng.randrange(10 ** (length - 5))).zfill(length - 5))  # fmt: skip
        digits = luhn(body)
        spelling = (" ".join(digits[i : i + 4] for i in range(0, len(digits), 4))
                    if rng.random() < 0.4 else digits)  # fmt: skip
        return Planted("card", spelling, (spelling, digits))

    def email(self) -> Planted:
        rng = self.rng
        user = rng.choice(("lily", "kevin", "chen", "wang.li", "zhang_san", "mm", "xiaoyu"))
        value = self.fresh(lambda: f"{user}{rng.randrange(10**6)}@" + rng.choice(
            ("163.com", "qq.com", "126.com", "gmail.com", "sina.cn", "foxmail.com")))  # fmt: skip
        return Planted("email", value, (value,))

    def qq(self) -> Planted:
        rng = self.rng
        value = self.fresh(lambda: str(rng.randrange(10**4, 10**10)))
        return Planted("qq", value, (value,))

    def wechat(self) -> Planted:
        rng = self.rng
        letters = "abcdefghijkmnpqrstuvwxyz"
        value = self.fresh(lambda: rng.choice(letters) + "".join(
            rng.choice(letters + "0123456789_-") for _ in range(rng.randrange(5, 15))))  # fmt: skip
        return Planted("wechat", value, (value,))

    def landline(self) -> Planted:
        rng = self.rng
        area = rng.choice(AREAS)
        number = self.fresh(lambda: str(rng.randrange(2, 9)) + str(rng.randrange(10**7)).zfill(7))
        spelling = rng.choice((f"{area}-{number}", f"({area}){number}", f"{area}{number}",
                               f"{area} {number[:4]} {number[4:]}"))  # fmt: skip
        return Planted("landline", spelling, (spelling, area + number))

    def order(self) -> Planted:
        rng = self.rng
        value = self.fresh(lambda: rng.choice((
            lambda: str(rng.randrange(10**18, 10**19)),
            lambda: f"{rng.randrange(10**5, 10**6)}-{rng.randrange(10**14, 10**15)}",
            lambda: rng.choice(("JD", "TB", "PDD", "SN")) + str(rng.randrange(10**13, 10**14)),
            lambda: "E" + str(rng.randrange(10**17, 10**18)),
        ))())  # fmt: skip
        return Planted("order", value, (value,))


# Each form: a template with ``{}`` slots filled in order by planted values of the listed kinds.
FORMS: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "name": [
        ("商品一直没到，请尽快处理。\n此致\n{}", ("name",)),
        ("麻烦帮忙退款，谢谢！\n此致\n敬礼\n{}", ("name",)),
        ("问题说完了。——{}", ("name",)),
        ("本人{}，上周买的耳机坏了", ("name",)),
        ("我是{}，订单一直没发货", ("name",)),
        ("我叫{}，想改一下收货信息", ("name",)),
        ("{rel}{}昨天帮我下的单，能查到吗", ("name",)),
        ("这单是{rel}{}付的款", ("name",)),
        ("{}先生您好，您的包裹已到驿站", ("surname",)),
        ("请联系{}女士确认", ("name",)),
        ("收货人：{}，电话{}", ("name", "phone")),
        ("{}，{}，{}", ("name", "phone", "address")),
        ("联系人{}/{}", ("name", "phone")),
        ("【{}】申请开发票", ("name",)),
        ("（{}）说快递放门口了", ("name",)),
        ("{}{}，麻烦回电", ("name", "phone")),
        ("收件人姓名：{}", ("name",)),
        ("持卡人{}，卡号{}", ("name", "card")),
        ("寄到{}，{}收", ("address", "name")),
        ("我是{}的家属，帮她问一下", ("name",)),
    ],
    "address": [
        ("收货地址填错了，麻烦改成{}", ("address",)),
        ("地址：{}，尽快发货", ("address",)),
        ("请寄到{}，放门卫", ("address",)),
        ("我住在{}，快递员说找不到", ("address",)),
        ("送到{}就行", ("address",)),
        ("新地址是{}", ("address",)),
        ("收件地址{}，电话{}", ("address", "phone")),
    ],
    "phone": [
        ("我的手机号{}，麻烦回个电话", ("phone",)),
        ("电话：{}请尽快处理", ("phone",)),
        ("联系方式{}谢谢", ("phone",)),
        ("打{}找我", ("phone",)),
        ("换号了，新号码{}", ("phone",)),
    ],
    "id": [
        ("身份证{}实名认证一直失败", ("id",)),
        ("证件号码：{}", ("id",)),
        ("我的身份证号是{}，帮忙核实", ("id",)),
    ],
    "card": [
        ("退款请打到银行卡{}", ("card",)),
        ("卡号{}绑定不上", ("card",)),
        ("用{}这张卡付的", ("card",)),
    ],
    "email": [
        ("发票请发到邮箱{}", ("email",)),
        ("邮箱：{}，收不到验证码", ("email",)),
        ("{}是我的账号", ("email",)),
    ],
    "qq": [
        ("加我QQ：{}，详细说", ("qq",)),
        ("qq号{}", ("qq",)),
        ("扣扣{}联系", ("qq",)),
    ],
    "wechat": [
        ("微信号：{}，加一下", ("wechat",)),
        ("vx {} 加我", ("wechat",)),
        ("加微信{}发图片", ("wechat",)),
        ("wx:{}", ("wechat",)),
    ],
    "landline": [
        ("座机{}，白天都在", ("landline",)),
        ("公司电话{}转前台", ("landline",)),
        ("打{}也行", ("landline",)),
    ],
    "order": [
        ("订单{}怎么还没发货", ("order",)),
        ("{}这一单申请退款", ("order",)),
        ("单号{}，物流不动了", ("order",)),
        ("上次买的{}质量有问题", ("order",)),
    ],
}
# Harmless text: no person's data, must come out unchanged.
HARMLESS: list[Callable[[random.Random], str]] = [
    lambda r: f"扣了{r.randrange(10, 5000)}.{r.randrange(100):02d}元",
    lambda r: f"之前有{r.randrange(10000, 99999)}积分",
    lambda r: f"税号{uscc(r)}",
    lambda r: (
        f"下单时间2026-11-{r.randrange(1, 30):02d} {r.randrange(24):02d}:{r.randrange(60):02d}"
    ),
    lambda r: "客服电话400-810-8888打不通",
    lambda r: "95588说不是他们的问题",
    lambda r: f"满{r.randrange(100, 500)}减{r.randrange(10, 90)}",
    lambda r: "双11的店铺券能叠加吗",
    lambda r: "我是高级会员",
    lambda r: "我是老客户了",
    lambda r: "本人是新用户",
    lambda r: "收货人写错了",
    lambda r: "地址没问题",
    lambda r: "请送到公司前台",
    lambda r: "王者荣耀的皮肤没到账",
    lambda r: "马上就要用",
    lambda r: "周末能送到吗",
    lambda r: "黄金手链掉色",
    lambda r: "李宁的鞋码偏小",
    lambda r: "高铁上信号不好",
    lambda r: "白色的发成了黑色",
    lambda r: "何时能退",
    lambda r: f"尺码{r.choice(('XL', 'L', 'M', 'XXL'))}不合适",
    lambda r: f"一共{r.randrange(2, 9)}件",
    lambda r: "宝贝描述不符",
    lambda r: "张贴的告示说今天停电",
    lambda r: "我叫不出这个颜色的名字",
    lambda r: "物流显示已签收但我没收到",
    lambda r: f"第{r.randrange(2, 9)}次联系了",
    lambda r: f"iPhone {r.randrange(12, 17)} Pro的壳",
]


def _fill(rng: random.Random, values: _Values, kinds: tuple[str, ...]) -> list[Planted]:
    planted = []
    for kind in kinds:
        if kind == "surname":
            p = values.name()
            surname = p.value[:2] if p.value[:2] in COMPOUND else p.value[0]
            planted.append(Planted("name", surname, (surname,)))
        else:
            planted.append(getattr(values, kind)())
    return planted


def build(n: int, seed: int = 20261111, clean: int = 0) -> Corpus:
    """``n`` texts with 1-3 planted values each (every kind about equally often), then
    ``clean`` texts with none."""
    rng = random.Random(seed)
    values = _Values(rng)
    corpus = Corpus()
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        template, kinds = rng.choice(FORMS[kind])
        planted = _fill(rng, values, kinds)
        shown = [p.value for p in planted]
        if kinds == ("surname",):  # "{}先生": the surname and its honorific are what leaks
            title = template[2:4]
            planted = [Planted("name", shown[0] + title, (shown[0] + title,))]
        body = template.replace("{rel}", rng.choice(RELATIVES)).format(*shown)
        harmless = [HARMLESS[rng.randrange(len(HARMLESS))](rng)] if rng.random() < 0.5 else []
        text = rng.choice(OPENERS) + body + rng.choice(CLOSERS)
        if harmless:
            text = rng.choice((f"{harmless[0]}，{text}", f"{text}。{harmless[0]}"))
        corpus.texts.append(text)
        corpus.planted.append(planted)
        corpus.harmless.append(harmless)
    for _ in range(clean):
        parts = [HARMLESS[rng.randrange(len(HARMLESS))](rng) for _ in range(rng.randint(1, 3))]
        corpus.texts.append(rng.choice(OPENERS) + "，".join(parts) + rng.choice(CLOSERS))
        corpus.planted.append([])
        corpus.harmless.append(parts)
    return corpus


@dataclass
class Score:
    planted: Counter[str] = field(default_factory=Counter)
    leaked: Counter[str] = field(default_factory=Counter)
    leaks: list[tuple[int, str, str]] = field(default_factory=list)  # text index, kind, text
    clean_texts: int = 0
    clean_changed: int = 0
    harmless: int = 0
    harmless_lost: int = 0

    def recall(self, kind: str) -> float:
        return 1 - self.leaked[kind] / self.planted[kind] if self.planted[kind] else 1.0

    def false_per_10k(self) -> float:
        return 10_000 * self.clean_changed / self.clean_texts if self.clean_texts else 0.0

    def lines(self) -> list[str]:
        out = [
            f"{kind:<9} recall {self.recall(kind):7.2%}  "
            f"({self.planted[kind] - self.leaked[kind]:,}/{self.planted[kind]:,})"
            for kind in KINDS
            if self.planted[kind]
        ]
        out.append(
            f"no-PII texts changed: {self.clean_changed:,} of {self.clean_texts:,} "
            f"({self.false_per_10k():.1f} per 10,000); harmless values lost in PII texts: "
            f"{self.harmless_lost:,} of {self.harmless:,}"
        )
        return out


def check(corpus: Corpus, outputs: list[str]) -> Score:
    """Score ``outputs`` (the anonymised texts, in order) against what was planted."""
    score = Score()
    for i, (text, out) in enumerate(zip(corpus.texts, outputs, strict=True)):
        planted = corpus.planted[i]
        if not planted:
            score.clean_texts += 1
            score.clean_changed += out != text
            continue
        for p in planted:
            score.planted[p.kind] += 1
            if any(probe in out for probe in p.probes):
                score.leaked[p.kind] += 1
                score.leaks.append((i, p.kind, text))
        for value in corpus.harmless[i]:
            score.harmless += 1
            score.harmless_lost += value not in out
    return score


MAP = """\
columns:
  external_id: 工单号
  created_at: 创建时间
  channel: {value: web}
  category: {value: other}
  description: 内容
pii:
  free_text: [description]
"""


def write_export(folder: Path, corpus: Corpus) -> tuple[Path, Path]:
    """The corpus as a three-column UTF-8 CSV export and its column map."""
    export, mapping = folder / "corpus.csv", folder / "corpus-map.yaml"
    with export.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["工单号", "创建时间", "内容"])
        for i, text in enumerate(corpus.texts):
            writer.writerow([f"T{i:07d}", "2026-11-11 10:00:00", text])
    mapping.write_text(MAP, encoding="utf-8")
    return export, mapping


def anonymise_corpus(corpus: Corpus, folder: Path, jobs: int = 1) -> tuple[list[str], bool]:
    """Run the real pipeline (with the shipped rules) on the corpus: the anonymised texts in
    corpus order, and whether the residual scan let the output be published."""
    import pandas as pd

    from harness.data.anonymise import ResidualPiiFound, anonymise

    export, mapping = write_export(folder, corpus)
    rules = Path(__file__).resolve().parents[2] / "fixtures" / "rules" / "helpdesk-zh.yaml"
    try:
        result = anonymise(export, mapping, folder / "out.parquet", key=b"c" * 32, jobs=jobs,
                           rules_path=rules)  # fmt: skip
    except ResidualPiiFound as failed:
        assert failed.result is not None
        result = failed.result
    frame = pd.read_parquet(result.parquet).set_index("external_id")
    texts = frame["description"].reindex([f"T{i:07d}" for i in range(len(corpus.texts))])
    return [str(t) for t in texts.fillna("")], result.verified

"""Detectors find every supported spelling glued to Chinese text, and leave the decoys alone."""
# ruff: noqa: RUF001 -- full-width digits and letters in the test texts are the point

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.data.pii import (
    PROVINCES,
    Hit,
    NameIndex,
    PiiKind,
    find_pii,
    fold_fullwidth,
    id_check_digit,
    is_valid_id,
    luhn_complete,
    luhn_ok,
    normalise,
)

ID_X = "11010519491231002X"
ID_LEAP = "320106198802290519"
CARD16 = "6217001234567893"
CARD19 = "6222021234567890128"
FULLWIDTH = str.maketrans("0123456789@", "０１２３４５６７８９＠")


def kinds(
    text: str, names: NameIndex | None = None, order: re.Pattern[str] | None = None
) -> list[tuple[str, str]]:
    return [(h.kind.value, h.value) for h in find_pii(text, names=names, order_pattern=order)]


# --- validators -------------------------------------------------------------------------------


def test_id_check_digit_including_x() -> None:
    assert id_check_digit(ID_X[:17]) == "X"
    assert id_check_digit(ID_LEAP[:17]) == "9"
    assert is_valid_id(ID_X) and is_valid_id(ID_X.lower()) and is_valid_id(ID_LEAP)


@pytest.mark.parametrize(
    "value",
    [
        "11010519491231002Y",  # not a check character
        "110105194912310021",  # wrong check digit
        "320106198702290517",  # 29 February of a common year
        "990105194912310027",  # no province 99
        "11010519491231002",  # 17 characters
    ],
    ids=["letter", "check", "feb29", "province", "short"],
)
def test_invalid_ids(value: str) -> None:
    assert not is_valid_id(value)


def test_legacy_15_digit_id_is_the_18_digit_one() -> None:
    assert is_valid_id("110105491231002")
    assert normalise(PiiKind.ID, "110105491231002") == ID_X
    assert normalise(PiiKind.ID, " 11010519491231002x ") == ID_X


def test_luhn() -> None:
    assert luhn_ok(CARD16) and luhn_ok(CARD19) and luhn_ok("4111111111111111")
    assert not luhn_ok("6217001234567894") and not luhn_ok("62170012345678a3")
    assert luhn_complete(CARD19[:-1]) == CARD19


@given(st.text(alphabet="0123456789", min_size=1, max_size=25))
def test_luhn_complete_always_validates(digits: str) -> None:
    assert luhn_ok(luhn_complete(digits))


def test_fold_keeps_offsets() -> None:
    text = "电话：１３８ ００１３　８０００，邮箱ＡＢ＠ｑｑ．ｃｏｍ（０１０）"
    folded = fold_fullwidth(text)
    assert len(folded) == len(text)
    assert folded == "电话：138 0013 8000，邮箱AB@qq.com(010)"


# --- every form, glued to Chinese on both sides -----------------------------------------------

FORMS = [
    ("phone", "13800138000"),
    ("phone", "+86 138 0013 8000"),
    ("phone", "+8613800138000"),
    ("phone", "0086-138-0013-8000"),
    ("phone", "138-0013-8000"),
    ("phone", "138 0013 8000"),
    ("id", ID_X),
    ("id", ID_X.lower()),
    ("id", ID_LEAP),
    ("card", CARD16),
    ("card", CARD19),
    ("card", "6222 0212 3456 7890 128"),
    ("card", "4111-1111-1111-1111"),
    ("landline", "(010)62345678"),
    ("landline", "0755-86013388"),
    ("landline", "021 6234 5678"),
    ("email", "li_fang604@qq.com"),
    ("email", "zhang.san+vip@163.com"),
    ("plate", "粤B12345"),
    ("plate", "京A·B1234"),
    ("plate", "沪AD12345"),
    ("openid", "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"),
]


@pytest.mark.parametrize(("kind", "value"), FORMS, ids=[f"{k}:{v}" for k, v in FORMS])
@pytest.mark.parametrize("width", ["ascii", "fullwidth"])
def test_form_found_between_chinese(kind: str, value: str, width: str) -> None:
    if width == "fullwidth":
        value = value.translate(FULLWIDTH)
    text = f"您好我的是{value}谢谢"
    assert kinds(text) == [(kind, value)]


CUED = [
    ("QQ：12345678，", "qq", "12345678"),
    ("加我qq12345678谢谢", "qq", "12345678"),
    ("扣扣号 1234567890", "qq", "1234567890"),
    ("微信号：zhang_san88，", "wechat", "zhang_san88"),
    ("加vx:wxid_k3j4h5g6f7d8s9谢谢", "wechat", "wxid_k3j4h5g6f7d8s9"),
    ("薇信Lily-2024联系", "wechat", "Lily-2024"),
    ("身份证号：110105491231002，", "id", "110105491231002"),
    ("收货人：李娜，", "name", "李娜"),
    ("联系人王小明13800138000", "name", "王小明"),
    ("我叫欧阳娜娜，", "name", "欧阳娜娜"),
    ("姓名 张伟", "name", "张伟"),
    ("王先生您好", "name", "王"),
    ("请联系李女士", "name", "李"),
    ("卡号6222021234567890123有问题", "card", "6222021234567890123"),  # 62, no Luhn
    (
        "地址：浙江省杭州市西湖区文三路90号3栋201室，",
        "address",
        "浙江省杭州市西湖区文三路90号3栋201室",
    ),
    ("寄到文三路90号3栋201室就行", "address", "文三路90号3栋201室"),
    # no cue: the divisions before the street belong to the address (not 圳市建设大道...)
    (
        "陈欣，广东省深圳市建设大道601号5栋1758室，等回复",
        "address",
        "广东省深圳市建设大道601号5栋1758室",
    ),
    ("电话看上面，市南区科技园南路363号", "address", "市南区科技园南路363号"),
    ("上海市浦东新区张杨路12号", "address", "上海市浦东新区张杨路12号"),
    ("您好！深圳市阳光花园21栋1单元297室", "address", "深圳市阳光花园21栋1单元297室"),
]


@pytest.mark.parametrize(("text", "kind", "value"), CUED, ids=[c[0] for c in CUED])
def test_cue_word_forms(text: str, kind: str, value: str) -> None:
    hits = [(k, v) for k, v in kinds(text) if k != "phone"]
    assert hits == [(kind, value)]


def test_value_excludes_the_cue_and_spans_the_original_text() -> None:
    text = "ＱＱ：１２３４５６７８ 微信ｚｈａｎｇｓａｎ８８"
    for hit in find_pii(text):
        assert text[hit.start : hit.end] == hit.value
    assert [h.value for h in find_pii(text)] == ["１２３４５６７８", "ｚｈａｎｇｓａｎ８８"]


ORDERS = {  # order and tracking numbers are linkage keys: pseudonymised as orders only
    "订单号1264115433906158532怎么还没发货": "1264115433906158532",
    "订单号：6222021234567890128": "6222021234567890128",  # Luhn-valid, an order by its cue
    "运单号 4111111111111111 查不到": "4111111111111111",
    "我的订单202411111234567890，急": "202411111234567890",  # 18 digits, bad ID check digit
    "快递单号SF1234567890123": "SF1234567890123",
    "麻烦查一下1264115433906158532": "1264115433906158532",  # by shape, no cue, no map pattern
    "拼多多订单231111-123456789012345退款": "231111-123456789012345",
    "11010519491231002 少了一位": "11010519491231002",  # a long bare number: replaced as one
}


@pytest.mark.parametrize("text", ORDERS)
def test_order_and_tracking_numbers_are_orders_not_cards_or_ids(text: str) -> None:
    assert kinds(text) == [("order", ORDERS[text])]


DECOYS = [
    "税号91310115MA1H7GXX3K，开增值税专票",  # a company's credit code, MOD 31 valid
    "统一社会信用代码：9144030071526726XG",
    "之前有35897积分，现在没了",  # loyalty points are no QQ number
    "满12000减500，实付11500",
    "客服电话400-810-8888，或者4008108888",
    "打95588问过了，也打了12315投诉",
    "SKU10023，型号XL-2024",
    "下单时间2024-11-11 10:23:45，时间戳1731300000",
    "付款显示失败但是扣了2869.57元",
    "邮件发到test@example.com或者a@shop.test",
    "我是来退货的",
    "这位先生说",
    "新款Galaxy手机，微信iPhone版",
    "住在北京市",
]


@pytest.mark.parametrize("text", DECOYS)
def test_decoys_are_not_pii(text: str) -> None:
    assert find_pii(text) == []
    assert find_pii(text, paranoid=True) == []  # the residual scan passes them too


def test_known_names_and_order_numbers() -> None:
    names = NameIndex(["高明远", "赵敏", "x"])
    assert len(names) == 2 and "赵敏" in names
    text = "赵敏说高明远的订单SO20241111000123没到"
    order = re.compile(r"SO[0-9]{14}")
    assert kinds(text, names, order) == [
        ("name", "赵敏"),
        ("name", "高明远"),
        ("order", "SO20241111000123"),
    ]
    names.add("订单")  # added after building: rebuilt on the next find
    assert ("name", "订单") in kinds("我的订单", names)


def test_order_pattern_wins_over_a_luhn_valid_card() -> None:
    order = re.compile(r"订单(?P<v>[0-9]{19})")
    assert kinds(f"订单{CARD19}", order=order) == [("order", CARD19)]


# --- paranoid mode ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("编号110105491231002", "id"),  # bare 15-digit number shaped like an old ID
        ("手机：1380013800（少一位）", "phone"),  # a 10-digit typo after a phone cue
        ("会员号12345678", "qq"),  # a bare 8-digit number
        ("号码110105194912310021", "id"),  # ID shape, wrong check digit
    ],
    ids=["id15", "cue-run", "bare-number", "bad-check-digit"],
)
def test_paranoid_finds_what_normal_mode_does_not(text: str, kind: str) -> None:
    # long bare numbers are replaced as order numbers; the scan reads the ID shape in them
    assert [h.kind.value for h in find_pii(text)] in ([], ["order"])
    assert [h.kind.value for h in find_pii(text, paranoid=True)] == [kind]


@pytest.mark.parametrize(
    "text",
    ["扣了12000元", "日期20241111", "第12345名", "容量10000mAh", "客服4008108888", "打12315"],
)
def test_paranoid_leaves_amounts_dates_and_service_numbers(text: str) -> None:
    assert find_pii(text, paranoid=True) == []


# --- properties -------------------------------------------------------------------------------

CJK = st.text(alphabet="的我你好订单退款谢谢急问题客服", max_size=6)


@settings(max_examples=100)
@given(CJK, CJK, st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), st.sampled_from(["", " ", "-"]))
def test_any_mobile_any_spelling(before: str, after: str, phone: str, sep: str) -> None:
    spelled = sep.join((phone[:3], phone[3:7], phone[7:]))
    text = before + spelled + after
    hits = [h for h in find_pii(text) if h.kind is not PiiKind.NAME]  # 谢好138...: a name
    assert hits == [Hit(PiiKind.PHONE, len(before), len(before) + len(spelled), spelled)]
    assert normalise(PiiKind.PHONE, spelled) == phone
    assert normalise(PiiKind.PHONE, "+86 " + spelled.translate(FULLWIDTH)) == phone


ID17 = r"(?:[1-6][1-5])[0-9]{4}(?:19[5-9][0-9])(?:0[1-9]|1[0-2])(?:0[1-9]|1[0-9]|2[0-8])[0-9]{3}"


@settings(max_examples=100)
@given(CJK, CJK, st.from_regex(ID17, fullmatch=True))
def test_any_valid_id(before: str, after: str, first17: str) -> None:
    value = first17 + id_check_digit(first17)
    hits = [(h.kind, h.value) for h in find_pii(before + value + after)]
    if first17[:2] in PROVINCES:
        assert hits == [(PiiKind.ID, value)]
    else:  # no such province: not an ID (18 digits may still pass Luhn as a card)
        assert all(kind is not PiiKind.ID for kind, _ in hits)


@settings(deadline=None)  # each new mix of forms compiles its alternation once: no timing here
@given(st.text(max_size=40))
def test_hits_are_sorted_disjoint_and_exact(text: str) -> None:
    for paranoid in (False, True):
        hits = find_pii(text, paranoid=paranoid)
        for hit in hits:
            assert text[hit.start : hit.end] == hit.value
        assert all(a.end <= b.start for a, b in itertools.pairwise(hits))


_NUMBERISH = st.text(
    alphabet="0123456789０１２ -+()TSOXxabQq@.号订单手机电话身份证卡微信vx:：，王先生收路栋",
    max_size=40,
)


def _with_every_form(text: str, paranoid: bool) -> list[Hit]:
    """``find_pii`` with every form in the alternation, as if every gate were open."""
    from unittest import mock

    from harness.data import pii

    with mock.patch.object(pii, "_gates", lambda folded: -1):
        return find_pii(text, paranoid=paranoid)


@settings(deadline=None)  # each new mix of forms compiles its alternation once: no timing here
@given(st.one_of(_NUMBERISH, st.text(max_size=40)))
def test_gates_only_leave_out_forms_that_cannot_match(text: str) -> None:
    """The gates are a shortcut, never a filter: the hits are those of the full alternation."""
    for paranoid in (False, True):
        assert find_pii(text, paranoid=paranoid) == _with_every_form(text, paranoid)


def test_gates_change_nothing_on_the_corpus() -> None:
    from tests.data import pii_corpus
    from tests.data.exports import build

    texts = pii_corpus.build(1500, clean=300).texts + [r["内容"] for r in build(300).rows]
    texts += ["T100000", "SO1234567890", "工单2024111100001", "订单号 12345", "QQ 123456"]
    for text in texts:
        for paranoid in (False, True):
            assert find_pii(text, paranoid=paranoid) == _with_every_form(text, paranoid), text

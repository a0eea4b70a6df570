"""Acceptance for issue 15 on a realistic zh-CN export, through the real CLI in subprocesses.

400 tickets in 16 columns (tests/data/realistic.py), as GBK CSV and UTF-8-BOM CSV: harmless
numbers everywhere (company tax codes, loyalty points, 19-digit order numbers with no map
pattern, tracking numbers, a hotline), names in signatures, self-introductions and relatives'
mentions, ID-number, address and order-number columns, WeChat mini-program tickets. The map
accounts for every column; the run must publish (exit 0), leave no planted value in any output,
keep every harmless number, and give the same pseudonyms in both encodings with one key.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from harness.data.pii import is_valid_id
from tests.data.realistic import RealExport, build, write_csv
from tests.data.test_anonymise_cli import KEY_A, ROOT, _env

RULES = ROOT / "fixtures" / "rules" / "helpdesk-zh.yaml"
MAP = """\
columns:
  external_id: 工单号
  created_at: 创建时间
  first_response_at: 首次响应时间
  channel: {column: 渠道, map: {微信: wechat, 电话: phone, 网页: web, APP: app, 邮件: email}}
  category: {column: 问题分类, map: {退款: refunds, 物流: logistics, 发票: billing}}
  priority: {column: 优先级, map: {紧急: urgent, 高: high, 中: normal, 低: low}}
  status: {column: 状态, map: {待处理: new, 处理中: open, 已解决: solved, 已关闭: closed}}
  subject: 标题
  description: 内容
  customer_name: 客户姓名
  phone: 手机号
  email: 邮箱
  id_number: 身份证号
  address: 收货地址
  order_number: 订单号
pii:
  structured: {customer_name: name, phone: phone, email: email, id_number: id, address: address,
               order_number: order}
  free_text: [subject, description]
drop: [处理人]
"""
ENCODINGS = {"gbk": "gbk", "bom": "utf-8-sig"}
Made = tuple[Path, RealExport, dict[str, subprocess.CompletedProcess[str]]]


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Made:
    folder = tmp_path_factory.mktemp("realistic")
    export = build(400)
    (folder / "map.yaml").write_text(MAP, encoding="utf-8")
    started = {}
    for name, encoding in ENCODINGS.items():
        write_csv(folder / f"{name}.csv", export, encoding)
        args = ["anonymise", f"{name}.csv", "--map", "map.yaml", "--out", f"{name}.parquet",
                "--rules", str(RULES)]  # fmt: skip
        started[name] = subprocess.Popen(
            [sys.executable, "-m", "harness", *args], cwd=folder, env=_env(KEY_A),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
    done = {}
    for name, process in started.items():
        out, err = process.communicate(timeout=180)
        done[name] = subprocess.CompletedProcess(process.args, process.returncode, out, err)
    return folder, export, done


def _everything(folder: Path, name: str) -> str:
    frame = pd.read_parquet(folder / f"{name}.parquet")
    cells = "\n".join(str(v) for column in frame.columns for v in frame[column].tolist())
    sidecars = [folder / f"{name}.{s}" for s in ("rejects.csv", "meta.json", "registry.json")]
    return "\n".join([cells, *(p.read_text(encoding="utf-8-sig") for p in sidecars)])


@pytest.mark.parametrize("name", ENCODINGS)
def test_it_publishes_with_the_shipped_rules(made: Made, name: str) -> None:
    folder, _, done = made
    run = done[name]
    assert run.returncode == 0, run.stdout + run.stderr
    assert "PASS." in run.stdout and "rows: 400 in = 400 out + 0 rejected" in run.stdout
    assert "dropped (the map's drop:): 1 columns: 处理人" in run.stdout
    assert (folder / f"{name}.parquet").exists()
    assert not (folder / f"{name}.unverified.parquet").exists()
    meta = json.loads((folder / f"{name}.meta.json").read_text(encoding="utf-8"))
    assert meta["verified"] is True and meta["dropped_columns"] == ["处理人"]
    assert meta["allow_rules"]["file"] == RULES.name and len(meta["allow_rules"]["sha256"]) == 64
    assert all("reason" in rule and "cleared" in rule for rule in meta["allow_rules"]["rules"])


@pytest.mark.parametrize("name", ENCODINGS)
def test_no_planted_value_survives_and_no_harmless_number_is_touched(made: Made, name: str) -> None:
    folder, export, done = made
    text = _everything(folder, name) + done[name].stdout + done[name].stderr
    assert sorted(v for v in export.plant if v in text) == []
    descriptions = "\n".join(pd.read_parquet(folder / f"{name}.parquet")["description"])
    assert len(export.harmless) > 100
    assert sorted(v for v in export.harmless if v not in descriptions) == []


def test_pii_columns_are_valid_pseudonyms_the_same_in_both_encodings(made: Made) -> None:
    folder, export, _ = made
    gbk, bom = (pd.read_parquet(folder / f"{n}.parquet") for n in ENCODINGS)
    pd.testing.assert_frame_equal(gbk, bom)
    assert all(is_valid_id(v) for v in gbk["id_number"])
    real_orders = [row["订单号"] for row in export.rows]
    assert [len(v) for v in gbk["order_number"]] == [len(v) for v in real_orders]
    assert not set(gbk["order_number"]) & set(real_orders)
    assert gbk["first_response_at"].notna().all()
    assert set(gbk["channel"]) == {"wechat", "phone", "web", "app", "email"}  # 小程序: wechat

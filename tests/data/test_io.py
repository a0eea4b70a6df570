"""Reading exports: encodings, delimiters, row numbers, XLSX cells, and every refusal."""

from __future__ import annotations

import codecs
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from harness.data.io import PROBLEM, read_export
from harness.errors import ConfigError
from tests.data import bad

ROWS = '工单号,客户姓名,内容\nT1,张璟翀,"您好，\n第二行"\n\nT2,李珺煜,退款\n'


def _rows(path: Path, **kwargs: str) -> list[tuple[int, dict[str, str]]]:
    return list(read_export(path, **kwargs).rows)


def _error(path: Path, **kwargs: str) -> str:
    with pytest.raises(ConfigError) as info:
        export = read_export(path, **kwargs)
        list(export.rows)
    return str(info.value)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk", "gb18030", "utf-16"])
def test_each_encoding_is_detected_and_rows_keep_their_line_numbers(
    tmp_path: Path, encoding: str
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(ROWS.encode(encoding))
    export = read_export(path)
    assert export.columns == ["工单号", "客户姓名", "内容"]
    assert export.format == "csv"
    expected = {"utf-8": "utf-8-sig", "gbk": "gb18030"}.get(encoding, encoding)
    assert export.encoding == expected
    assert list(export.rows) == [
        (2, {"工单号": "T1", "客户姓名": "张璟翀", "内容": "您好，\n第二行"}),
        (5, {"工单号": "T2", "客户姓名": "李珺煜", "内容": "退款"}),
    ]


def test_an_explicit_encoding_is_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "export.csv"
    path.write_bytes(ROWS.encode("gbk"))
    assert _rows(path, encoding="gbk")[1][1]["客户姓名"] == "李珺煜"
    message = _error(path, encoding="utf-8")
    assert message.startswith("export.csv: not valid utf-8 (line 1, byte offset 0: 0xb9)")


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_the_delimiter_is_sniffed_from_the_header(tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / "export.csv"
    path.write_text(f"a{delimiter}b\n1,5{delimiter}2\n", encoding="utf-8")
    export = read_export(path)
    assert export.delimiter == delimiter
    assert list(export.rows) == [(2, {"a": "1,5", "b": "2"})]


def test_rows_the_reader_cannot_use_come_back_as_problems(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text('a,b\n1,2\n1,2,3\n"qqq"zzz,2\n1\n4,5,,\n', encoding="utf-8")
    rows = _rows(path)
    assert rows[0] == (2, {"a": "1", "b": "2"})
    assert rows[1][0] == 3 and "3 fields, the header 2" in rows[1][1][PROBLEM]
    assert rows[2][0] == 4 and "cannot be split" in rows[2][1][PROBLEM]
    assert rows[3][0] == 5 and "cut short" in rows[3][1][PROBLEM]
    assert rows[4] == (6, {"a": "4", "b": "5"})  # empty trailing fields are fine
    assert not any(v in row[PROBLEM] for _, row in rows[1:4] for v in ("qqq", "zzz"))


def test_xlsx_cells_read_as_a_user_sees_them(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "工单"
    sheet.append(["工单号", "手机号", "创建时间", "金额", None])
    sheet.append(["T1", 13800138000, datetime(2024, 11, 11, 20, 30, 5), 12.5, None])
    sheet.append([None, None, None, None, None])
    sheet.append(["T2", 13900139000.0, "2024-11-11", 3, "stray"])
    other = workbook.create_sheet("说明")
    other.append(["x"])
    path = tmp_path / "export.xlsx"
    workbook.save(path)
    export = read_export(path)
    assert (export.format, export.encoding, export.columns) == (
        "xlsx", None, ["工单号", "手机号", "创建时间", "金额"]
    )  # fmt: skip
    assert list(export.rows) == [
        (2, {"工单号": "T1", "手机号": "13800138000", "创建时间": "2024-11-11T20:30:05",
             "金额": "12.5"}),
        (4, {PROBLEM: "a value in column E, right of the header's last column (D): the row "
                      "may have slipped a column"}),  # "stray" under no header: not dropped
    ]  # fmt: skip
    assert _rows(path, sheet="说明") == []
    assert "no sheet named '工作表'. Its sheets: '工单', '说明'." in _error(path, sheet="工作表")


def test_an_xlsx_with_another_name_is_still_read(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(["a"])
    workbook.active.append(["1"])
    path = tmp_path / "export.dat"
    workbook.save(path)
    assert _rows(path) == [(2, {"a": "1"})]


@pytest.mark.parametrize("case", sorted(bad.EXPORTS), ids=str)
def test_a_malformed_export_is_refused_with_a_clear_message(
    tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # messages name files relative to the working folder
    path = bad.write(case, tmp_path)
    message = _error(path)
    assert message.startswith(path.name), message
    assert bad.EXPORTS[case] in message
    assert "Traceback" not in message


def test_random_bytes_report_where_decoding_failed(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(b"a,b\r\n1,2\r\n3,\xff\xfe\x80\r\n")
    message = _error(path)
    assert "not UTF-8 (line 3, byte offset 12: 0xff)" in message
    assert "not GBK/GB18030 either (line 3, byte offset 12: 0xff)" in message


def test_a_bom_alone_is_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(codecs.BOM_UTF8 + b"\r\n")
    assert "the file is empty" in _error(path)


def test_utf8_with_one_damaged_byte_is_not_read_as_gbk(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    good = ROWS.encode("utf-8")
    path.write_bytes(good + b"T3,\xe5\xbc,\xe9\x80\x80\xe6\xac\xbe\n")  # a cut character
    message = _error(path)
    assert "UTF-8 up to line 6, byte offset" in message and "damaged or mixes encodings" in message


def test_an_xlsx_row_overflowing_the_last_column_is_a_problem_row(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["工单号", "内容"])
    sheet.append(["T1", "正常"])
    sheet.append(["T2", "内容被拆成", "两格了"])  # the record slipped past the last column
    sheet.append(["T3"])  # short: empty trailing cells are not stored by Excel
    path = tmp_path / "export.xlsx"
    workbook.save(path)
    assert list(read_export(path).rows) == [
        (2, {"工单号": "T1", "内容": "正常"}),
        (3, {PROBLEM: "a value in column C, right of the header's last column (B): the row "
                      "may have slipped a column"}),
        (4, {"工单号": "T3", "内容": ""}),
    ]  # fmt: skip

"""``csm-harness anonymise`` and ``csm-harness scan``: thin calls into :mod:`harness.data`.

The pseudonym key comes from the environment (``CSM_PSEUDONYM_KEY``) only, never from a flag:
command lines end up in shell history and process lists. Nothing here prints a value from the
export; counts, field names, reasons, row numbers and paths only.
"""

from __future__ import annotations

import sys
import time
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, ClassVar, cast

import typer

from harness.cli.console import ProgressHandle, progress_bar, say, say_unwrapped
from harness.cli.messages import detect_lang, msg
from harness.config.loader import display_path
from harness.errors import ConfigError, HarnessError
from harness.i18n import Lang

if TYPE_CHECKING:
    import pandas as pd

    from harness.data.anonymise import AnonymiseResult
    from harness.data.io import Encoding
    from harness.data.residual import Leak

LangOption = Annotated[str | None, typer.Option(help="en or zh-CN (default: from the locale).")]
RulesOption = Annotated[
    Path | None,
    typer.Option(
        "--rules",
        help="Allow-list YAML: patterns or exact values, each with a reason, that clear "
        "residual detector hits (e.g. fixtures/rules/helpdesk-zh.yaml). Never clears a real "
        "value the anonymiser saw.",
    ),
]
_REASONS_SHOWN = 8
_EXPLAINED = 50


class LeaksFound(HarnessError):
    """``scan`` found values that are neither issued pseudonyms nor allow-listed."""

    exit_code: ClassVar[int] = 1


def anonymise(
    export: Annotated[
        Path, typer.Argument(help="The helpdesk export: CSV (UTF-8, GBK, GB18030) or XLSX.")
    ],
    map_: Annotated[
        Path,
        typer.Option("--map", help="Column map YAML, e.g. fixtures/maps/helpdesk-zh.yaml."),
    ],
    out: Annotated[Path, typer.Option("--out", help="Output table, e.g. fixtures/shop.parquet.")],
    encoding: Annotated[
        str | None,
        typer.Option(
            help="auto, utf-8, gbk, gb18030, utf-8-sig or utf-16 (default: the map's "
            "source.encoding, else auto)."
        ),
    ] = None,
    sheet: Annotated[
        str | None, typer.Option(help="XLSX sheet (default: the map's, else the first).")
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            help="Processes for detection, rewriting and the residual scan (default: the "
            "number of CPU cores). The output is the same for every value; 1 runs in one process.",
        ),
    ] = None,
    rules: RulesOption = None,
    lang: LangOption = None,
) -> None:
    # help: _ANONYMISE_HELP below (typer keeps docstring line breaks)
    from harness.data.anonymise import ResidualPiiFound
    from harness.data.anonymise import anonymise as run_anonymise
    from harness.data.io import ENCODINGS
    from harness.data.keys import key_from_env

    language = detect_lang(lang)
    if encoding is not None and encoding not in ENCODINGS:
        raise ConfigError(f"--encoding {encoding}: unknown; use one of {', '.join(ENCODINGS)}.")
    if jobs is not None and jobs < 1:
        raise ConfigError(f"--jobs {jobs}: give 1 or more processes.")
    key = key_from_env()
    with _Reporter(language) as reporter:
        try:
            result = run_anonymise(
                export, map_, out, key=key, lang=language, sheet=sheet, on_progress=reporter,
                encoding=cast("Encoding | None", encoding), jobs=jobs, rules_path=rules,
            )  # fmt: skip
        except ResidualPiiFound as failed:
            if failed.result is not None:
                _print_result(failed.result, export, language)
            raise
    _print_result(result, export, language)


def _print_result(result: AnonymiseResult, export: Path, lang: Lang) -> None:
    source = result.source_format.upper() + (f", {result.encoding}" if result.encoding else "")
    say(msg("data.anonymised", lang, export=export.name, source=source, key_id=result.key_id))
    say(msg("data.counts", lang, rows_in=result.rows_in, rows_out=result.rows_out,
            rejects=result.rejects))  # fmt: skip
    say(msg("data.pii", lang, structured=result.structured, in_text=result.in_text))
    if result.dropped:
        say(msg("data.dropped", lang, n=len(result.dropped), columns=", ".join(result.dropped)))
    for reason, count in list(result.reasons.items())[:_REASONS_SHOWN]:
        say(f"    {count:>6}  {reason}")
    if len(result.reasons) > _REASONS_SHOWN:
        say(msg("data.more_reasons", lang, n=len(result.reasons) - _REASONS_SHOWN))
    if result.verified:
        say(result.scan.summary(lang))
    paths = result.paths
    label = "data.output" if result.verified else "data.unverified"
    say(msg(label, lang, path=display_path(result.parquet)))
    for key, path in (("data.rejects", paths.rejects), ("data.meta", paths.meta),
                      ("data.registry", paths.registry)):  # fmt: skip
        say(msg(key, lang, path=display_path(path)))


def scan(
    file: Annotated[Path, typer.Argument(help="A table written by anonymise (.parquet).")],
    registry: Annotated[
        Path | None,
        typer.Option(help="Its registry (default: FILE's sibling NAME.registry.json)."),
    ] = None,
    rules: RulesOption = None,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            help="Show each residual hit with masked context and a rule that would clear it.",
        ),
    ] = False,
    lang: LangOption = None,
) -> None:
    # help: _SCAN_HELP below
    import pandas as pd

    from harness.data.anonymise import customer_keys
    from harness.data.outputs import Paths, read_registry
    from harness.data.pii import PiiKind, normalise
    from harness.data.residual import scan_frame
    from harness.data.rules import load_rules

    language = detect_lang(lang)
    shown = display_path(file)
    if not file.is_file():
        raise ConfigError(f"{shown}: no such file.")
    try:
        frame = pd.read_parquet(file)
    except Exception:  # pyarrow raises several types for a file that is not Parquet
        raise ConfigError(f"{shown}: not a Parquet file; give the table anonymise wrote.") from None
    registry_path = registry or Paths.for_parquet(file).registry
    if registry is None and not registry_path.is_file():
        raise ConfigError(
            f"{shown}: no registry beside it ({display_path(registry_path)}); pass --registry "
            "with the NAME.registry.json that anonymise wrote."
        )
    key_id, fakes = read_registry(registry_path)
    allow_rules = load_rules(rules)
    report = scan_frame(
        frame,
        issued=fakes | customer_keys(frame),
        # a pseudonym phone written 0086138... in text reads as a landline to the detector
        allow=lambda hit: normalise(PiiKind.PHONE, hit.value) in fakes,
        rules=allow_rules,
    )
    if explain:
        _explain(frame, report.leaks, language)
    report.leaks = [replace(leak, row=leak.row + 1) for leak in report.leaks]
    say(msg("data.scan_of", language, file=shown, rows=len(frame), key_id=key_id or "?"))
    if not report.ok:
        raise LeaksFound(report.summary(language))
    say(report.summary(language))


def _explain(frame: pd.DataFrame, leaks: list[Leak], lang: Lang) -> None:
    from harness.data.explain import explain

    for leak in leaks[:_EXPLAINED]:
        cell = frame[leak.column].iloc[leak.row]
        done = explain(str(cell), leak)
        say(msg("data.explain_hit", lang, row=leak.row + 1, column=leak.column, kind=leak.kind,
                check=leak.check, context=done.context))  # fmt: skip
        if done.rule:
            say_unwrapped(msg("data.explain_rule", lang, rule=done.rule))
        else:
            say(msg("data.explain_no_rule" if leak.check == "exact" else "data.explain_by_hand",
                    lang))  # fmt: skip
    if len(leaks) > _EXPLAINED:
        say(msg("data.more_explained", lang, n=len(leaks) - _EXPLAINED))


_ANONYMISE_HELP = "\n\n".join(
    [
        "Pseudonymise a helpdesk export into the canonical ticket table, then prove that no real "
        "value is left in it.",
        "The key comes only from the environment variable CSM_PSEUDONYM_KEY (64 hex digits); the "
        "same key gives the same pseudonyms in every file. Rows that cannot be used go to "
        "OUT.rejects.csv (row, field, reason; never values). OUT is written only if the residual "
        "scan is clean; otherwise the table is kept as OUT.unverified.parquet, exit code 1.",
        "把工单导出文件（CSV/XLSX，GBK 或 UTF-8）去标识化为标准工单表，"
        "并扫描确认没有真实个人信息残留。密钥只从环境变量 CSM_PSEUDONYM_KEY 读取；"
        "同一密钥在所有文件中生成相同的假名。无法使用的行写入 OUT.rejects.csv"
        "（行号、字段、原因，不含原值）。扫描通过才生成 OUT，否则保存为 "
        "OUT.unverified.parquet，退出码为 1。",
    ]
)
_SCAN_HELP = "\n\n".join(
    [
        "Re-scan an anonymised table with the PII detectors: every hit must be a pseudonym from "
        "the registry, or allow-listed (400/95xxx service numbers, example.com addresses).",
        "Exit 0: clean. Exit 1: leaks, reported as counts and row/column locations (rows counted "
        "from 1), never values. Exit 2: the file or the registry cannot be read.",
        "用个人信息检测器重新扫描去标识化后的工单表：每个命中都必须是登记表中的假名，"
        "或在允许名单内（400/95xxx 服务号码、example.com 邮箱）。"
        "退出码 0：通过；1：发现泄漏（只报告数量和行列位置，行号从 1 开始，不显示具体值）；"
        "2：文件或登记表无法读取。",
    ]
)
anonymise.__doc__ = _ANONYMISE_HELP
scan.__doc__ = _SCAN_HELP


class _Reporter:
    """Progress of the two passes: a bar on a terminal, else a plain line every 10 s."""

    def __init__(self, lang: Lang) -> None:
        self._lang = lang
        self._stack = ExitStack()
        self._bar: ProgressHandle | None = None
        self._tty = sys.stdout.isatty()
        self._last = time.monotonic()

    def __enter__(self) -> _Reporter:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def __call__(self, phase: str, done: int, total: int) -> None:
        text = msg(f"data.phase.{phase}", self._lang)
        if self._tty and phase == "anonymise" and self._bar is None:
            self._bar = self._stack.enter_context(progress_bar(text, total))
        if self._bar is not None:
            self._bar.update(done if phase == "anonymise" else total, text)
        now = time.monotonic()
        if not self._tty and now - self._last >= 10:
            self._last = now
            say(msg("data.progress", self._lang, phase=text, done=done,
                    total=total or "?"))  # fmt: skip

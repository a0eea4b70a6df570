"""Rows per second of ``anonymise`` (read, map, structured + free-text pseudonyms, write,
residual scan) on a synthetic GBK export with planted PII, in this process (one core).

    .venv/bin/python bench/bench_anonymise.py [ROWS]     # default 50,000
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness.data.anonymise import anonymise  # noqa: E402
from tests.data.exports import build, write_csv  # noqa: E402


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    with tempfile.TemporaryDirectory() as tmp:
        raw = write_csv(Path(tmp) / "export.csv", build(rows, seed=7), encoding="gbk")
        cpu, wall = time.process_time(), time.perf_counter()
        result = anonymise(
            raw, ROOT / "fixtures/maps/helpdesk-zh.yaml", Path(tmp) / "out.parquet", key=b"k" * 32
        )
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f"rows in {result.rows_in:,}  out {result.rows_out:,}  rejects {result.rejects:,}")
    print(f"structured cells {result.structured:,}  values in text {result.in_text:,}")
    print(f"scan ok: {result.verified}")
    rate = result.rows_in / cpu
    print(f"wall {wall:.1f} s  cpu {cpu:.1f} s  ->  {rate:,.0f} rows per CPU-second")
    print(f"1,000,000 rows at this rate: {1e6 / rate / 60:.1f} CPU-minutes")


if __name__ == "__main__":
    main()

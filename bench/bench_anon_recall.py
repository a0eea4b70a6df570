"""Free-text recall per PII kind and false replacements on a no-PII corpus, through the real
``anonymise`` pipeline, scored by the independent checker of tests/data/pii_corpus.py.

    .venv/bin/python bench/bench_anon_recall.py [TEXTS] [--smoke]   # default 20,000 texts

Half as many no-PII texts as PII texts are added; every changed one is a false replacement.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("texts", nargs="?", type=int, default=20_000)
    parser.add_argument("--smoke", action="store_true", help="500 texts, for CI")
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    n = 500 if args.smoke else args.texts

    from tests.data import pii_corpus

    corpus = pii_corpus.build(n, clean=n // 2)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        outputs, verified = pii_corpus.anonymise_corpus(corpus, Path(folder), jobs=args.jobs)
    wall = time.perf_counter() - started
    score = pii_corpus.check(corpus, outputs)
    print(f"corpus: {n:,} PII texts + {n // 2:,} no-PII texts; pipeline {wall:.1f} s wall")
    print("\n".join(score.lines()))
    print(f"output published (residual scan clean): {verified}")
    worst = min(score.recall(kind) for kind in pii_corpus.KINDS)
    if worst < 0.995 or not verified:
        raise SystemExit(1)


if __name__ == "__main__":
    main()

"""Free-text recall and precision on the project's own adversarial corpus (issue 15).

The corpus and its checker (tests/data/pii_corpus.py) plant known values in varied zh-CN context
and look for them in the output of the real pipeline; they share nothing with the detectors.
bench/bench_anon_recall.py prints the figures for 20,000 texts.
"""

from __future__ import annotations

from pathlib import Path

from tests.data import pii_corpus


def test_every_kind_recalled_no_pii_text_changed_and_output_published(tmp_path: Path) -> None:
    corpus = pii_corpus.build(2000, seed=7, clean=1000)
    outputs, published = pii_corpus.anonymise_corpus(corpus, tmp_path)
    score = pii_corpus.check(corpus, outputs)
    assert published  # the residual scan passes the output, with the shipped rules
    assert sum(score.planted.values()) >= 2000
    for kind in pii_corpus.KINDS:
        assert score.planted[kind] >= 150, kind
        assert score.recall(kind) >= 0.995, (kind, score.leaks[:5])
    assert score.clean_texts == 1000
    assert score.clean_changed == 0
    assert score.harmless_lost == 0


def test_checker_counts_a_leak() -> None:
    corpus = pii_corpus.build(20, seed=3)
    score = pii_corpus.check(corpus, list(corpus.texts))  # nothing replaced: all leaked
    assert sum(score.leaked.values()) == sum(score.planted.values()) > 0

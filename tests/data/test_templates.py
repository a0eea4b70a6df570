"""The shipped ticket templates load, every slot fills, and bad template files say where."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from harness.data.templates import TEMPLATES_DIR, load_templates, templates_for_locale
from harness.errors import ConfigError

CATEGORIES = {
    "refunds", "logistics", "quality", "account", "billing",
    "repair", "complaint", "presale", "technical",
}  # fmt: skip


@pytest.mark.parametrize("locale", ["zh_CN", "en_US"])
def test_every_category_ships_and_every_template_fills(locale: str) -> None:
    templates = templates_for_locale(locale)
    assert set(templates.categories) == CATEGORIES
    rng = random.Random(0)
    for name, category in templates.categories.items():
        assert len(category.subjects) >= 5 and len(category.bodies) >= 8, name
        for template in (*category.subjects, *category.bodies, *category.extras):
            for _ in range(3):  # several slot values each
                text = templates.render(template, name, rng)
                assert "{" not in text and "}" not in text, (name, template)
        for extras in (0, 1, 5, 40):  # more extras than the category has: repeats allowed
            text = templates.render_body(name, rng, extras)
            assert text and "{" not in text
    # a category without a file gets the generic templates, with its name in them
    assert "{" not in templates.render_body("warranty-claims", rng)


def test_chinese_text_reads_chinese() -> None:
    templates = templates_for_locale("zh_CN")
    rng = random.Random(1)
    bodies = [templates.render_body("refunds", rng, 1) for _ in range(50)]
    assert all(sum("\u4e00" <= ch <= "\u9fff" for ch in text) >= 8 for text in bodies)
    assert any("退款" in text for text in bodies)


def test_rendering_is_deterministic_for_a_seed() -> None:
    templates = templates_for_locale("zh_CN")
    first = [templates.render_body("logistics", random.Random(5), 2) for _ in range(3)]
    again = [templates.render_body("logistics", random.Random(5), 2) for _ in range(3)]
    assert first == again
    assert templates.render_body("logistics", random.Random(6), 2) != first[0]


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "zh-CN"
    shutil.copytree(TEMPLATES_DIR / "zh-CN", target)
    return target


def test_unknown_slot_points_at_the_line(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    path = directory / "refunds.yaml"
    text = path.read_text(encoding="utf-8").replace("订单{order_no}的", "订单{ordr_no}的", 1)
    path.write_text(text, encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "{ordr_no}" in row)
    with pytest.raises(ConfigError) as error:
        load_templates(directory)
    message = str(error.value)
    assert f"refunds.yaml:{line}: bodies[1]: unknown slot {{ordr_no}}" in message
    assert "Did you mean 'order_no'?" in message


def test_all_problems_at_once(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    (directory / "quality.yaml").write_text(
        "category: qualty\nlabel: 质量\nsubjects: []\nbodies:\n  - '{amount:.2f}元'\n",
        encoding="utf-8",
    )
    (directory / "billing.yaml").write_text(
        "category: billing\nlabel: 发票\nsubjects: ['x']\nbodies: ['坏了{']\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError) as error:
        load_templates(directory)
    problems = error.value.problems
    assert any("quality.yaml:3: subjects" in p for p in problems), problems
    assert any("billing.yaml:4: bodies[0]" in p and "{name}" in p for p in problems), problems
    assert len(problems) >= 2


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such template directory"):
        load_templates(tmp_path / "nope")

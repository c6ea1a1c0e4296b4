"""Chinese line breaking (gui/text.py), measured here with one unit a character."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tuoyu_excel.gui.text import units, wrap, wrap_all


def test_a_number_stays_with_its_chinese_neighbours():
    assert units("有 2 家机构") == ["有 2 家", "机", "构"]
    assert wrap("注意：有 2 家机构待裁定", 6, len) == ["注意：", "有 2 家机", "构待裁定"]
    for width in range(1, 14):  # never “有 2 / 家”: the spaces touching Chinese do not break
        assert any("有 2 家" in line for line in wrap("注意：有 2 家机构待裁定", width, len))


def test_a_file_name_breaks_only_between_chinese_characters():
    name = "星级评定结果_市级核验_20261122.xlsx"
    for width in range(6, 40):
        lines = wrap(f"结果工作簿：{name}", width, len)
        assert "".join(lines) == f"结果工作簿：{name}"
        assert any("_20261122.xlsx" in line for line in lines)  # the Latin run is never cut


def test_punctuation_keeps_its_place_and_indents_carry_on():
    lines = wrap("  未参加评定：误放的文件.pdf（无法读取，1 个问题）", 10, len)
    assert all(line.startswith("  ") for line in lines)
    assert not any(line.strip()[0] in "，。）：" for line in lines)
    assert not any(line.rstrip()[-1] in "（“" for line in lines)


def test_words_break_at_spaces():
    assert wrap("use the rulings file", 9, len) == ["use the", "rulings", "file"]
    assert wrap_all("甲乙丙丁\n戊己", 2, len) == "甲乙\n丙丁\n戊己"


@given(st.text(alphabet="有家机构待裁定：，。（）2 3xlsx._", max_size=60), st.integers(min_value=1, max_value=30))
def test_wrapping_loses_nothing_but_the_spaces_it_breaks_at(text, width):
    text = text.lstrip(" ")
    lines = wrap(text, width, len)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(len(line) <= width or len(units(line)) == 1 for line in lines)  # too wide only when unbreakable

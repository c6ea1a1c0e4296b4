"""The rubric round-trips through TOML text: ``rubric_from_dict(tomllib.loads(dump(x))) == x``,
with the same content hash (so templates made from either are interchangeable)."""

from __future__ import annotations

import dataclasses
import tomllib
from decimal import Decimal

import pytest
from custom_rubric_rows import CUSTOM_ROWS, write_book
from hypothesis import given, settings
from hypothesis import strategies as st

from tuoyu_excel.intake.rubric_file import SHIPPED, load_rubric
from tuoyu_excel.spec.dump import dump_rubric_toml, toml_string
from tuoyu_excel.spec.load import rubric_from_dict


def reload(rubric):
    return rubric_from_dict(tomllib.loads(dump_rubric_toml(rubric)), "dump.toml")


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_round_trip(name):
    rubric = load_rubric(name)
    again = reload(rubric)
    assert again == rubric
    assert again.content_hash == rubric.content_hash


def test_score_band_rubric_round_trip(tmp_path):
    custom = load_rubric(write_book(tmp_path / "东河.xlsx", CUSTOM_ROWS))
    text = dump_rubric_toml(custom)
    assert '{ star = "五星级", min_score = 900 }' in text
    assert reload(custom) == custom and reload(custom).content_hash == custom.content_hash


def test_header_and_layout():
    text = dump_rubric_toml(load_rubric("liuzhou_star"))
    assert text.startswith("# 柳州市托育机构星级评定评分表（默认版）\n")
    assert 'version = "2026.1"' in text and "total = 1000" in text and "core_rate = 0.8" in text
    assert '{ star = "三星级", ranks = [1, 3] },' in text
    assert "steps = [0.5]" in text and "steps = [3, 2]" in text
    assert "core = false" not in text  # defaults are left out, as in the shipped files


def test_decimals_keep_their_written_form():
    rubric = load_rubric("liuzhou_star")
    star = dataclasses.replace(rubric.star, core_rate=Decimal("0.85"), gap_threshold=Decimal("12.5"))
    again = reload(dataclasses.replace(rubric, star=star))
    assert (again.star.core_rate, again.star.gap_threshold) == (Decimal("0.85"), Decimal("12.5"))
    assert str(again.star.gap_threshold) == "12.5"


@pytest.mark.parametrize("text", ['引号"与\\反斜杠', "换行\n制表\t回车\r", "控制\x01\x7f字符", "😀 # 不是注释", "'单引号'"])
def test_string_escapes(text):
    assert tomllib.loads(f"x = {toml_string(text)}")["x"] == text


SHIPPED_STAR = load_rubric("liuzhou_star")

# text as officials paste it: any characters but surrogates; the loader strips the ends
_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40).map(str.strip)


@settings(max_examples=60, deadline=None)
@given(title=_TEXT.filter(bool), content=_TEXT, criteria=_TEXT, note=_TEXT, name=_TEXT.filter(bool),
       version=_TEXT.filter(bool))
def test_any_text_round_trips(title, content, criteria, note, name, version):
    rubric = SHIPPED_STAR
    items = list(rubric.items)
    items[11] = dataclasses.replace(items[11], title=title, content=content, criteria=criteria, note=note)
    changed = dataclasses.replace(rubric, name=name, version=version, items=tuple(items))
    assert reload(changed) == changed

"""Every issue code has a short Chinese name (the 问题类型 column of every 校验问题 sheet)."""

from __future__ import annotations

import re

from tuoyu_excel.issues import CATALOGUE, TITLES, issue_title, make_issue


def test_every_catalogue_code_has_a_title_and_no_title_is_stray():
    assert set(TITLES) == set(CATALOGUE)


def test_titles_are_short_chinese_names():
    for code, title in TITLES.items():
        assert re.search(r"[\u4e00-\u9fff]", title), code
        assert 2 <= len(title) <= 12, (code, title)
        assert code not in title


def test_an_issue_carries_its_title():
    issue = make_issue("SCORE_OVER_MAX", "a.xlsx", "评分表", "I16", found=12, expected=10)
    assert issue.title == "分数超过满分" == issue_title("SCORE_OVER_MAX")

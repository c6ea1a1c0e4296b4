"""Every issue code has a short Chinese name (the 问题类型 column of every 校验问题 sheet)."""

from __future__ import annotations

import datetime as dt
import re

from tuoyu_excel.issues import CATALOGUE, SUBMITTER_TEXTS, TITLES, issue_title, make_issue


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


# words of a message meant for the official running the tool, not for whoever filled the file in
OFFICIAL_WORDS = ("文件夹", "重新运行", "让填报单位", "生成模板", "生成空白模板", "重新生成", "规则文件", "校验时", "重新校验")
NOT_SUBMITTED = ("HISTORY_", "AVERAGE_", "AVERAGES_", "CITIES_", "RULING_", "CHECK_", "REVIEW_")  # the official's own workbooks, or the whole run


def test_what_goes_back_to_the_institution_speaks_to_it():
    """Every message of a submitted file that speaks to the official has the institution's own wording,
    with the same placeholders; no such wording speaks to the official or names another file."""
    assert set(SUBMITTER_TEXTS) <= set(CATALOGUE)
    for code, (_, message) in CATALOGUE.items():
        if code.startswith(NOT_SUBMITTED):
            continue
        said = SUBMITTER_TEXTS.get(code, message)
        assert not any(w in said for w in OFFICIAL_WORDS), (code, said)
        assert "{other}" not in said or not code.startswith("DUPLICATE_"), code
    for code, text in SUBMITTER_TEXTS.items():
        assert set(re.findall(r"\{(\w+)\}", text)) <= set(re.findall(r"\{(\w+)\}", CATALOGUE[code][1])), code


def test_an_issue_carries_both_wordings():
    dup = make_issue("DUPLICATE_INSTITUTION", "a.xlsx", "申报表", "B6", found="91450200MA5K00001X", other="b.xlsx")
    assert "把另一份移出文件夹" in dup.message and "b.xlsx" in dup.message
    assert dup.for_submitter.startswith("统一社会信用代码 91450200MA5K00001X 与本次收到的另一份表格相同")
    assert "b.xlsx" not in dup.for_submitter
    plain = make_issue("SCORE_OVER_MAX", "a.xlsx", "评分表", "I16", found=12, expected=10)
    assert plain.for_submitter == plain.message and plain.submitter_message == ""


def test_messages_speak_of_the_window_not_the_command_line():
    """Every message is printed on a 校验问题 sheet: no command, flag, rule file or formula sign in it."""
    for code, (_, text) in CATALOGUE.items():
        assert not re.search(r"--[a-z]|tuoyu |\.toml|Σ", text), code
    for code, text in SUBMITTER_TEXTS.items():
        assert not re.search(r"--[a-z]|tuoyu |\.toml|Σ", text), code


def test_dates_in_messages_are_chinese_dates():
    issue = make_issue("FIELD_DATE_FUTURE", "a.xlsx", "申报表", "B9", found=dt.date(2027, 4, 12),
                       expected=dt.date(2026, 11, 22), label="备案日期")
    assert "2027年4月12日" in issue.message and "2026年11月22日" in issue.message and "-" not in issue.message
    assert (issue.found, issue.expected) == ("2027年4月12日", "2026年11月22日")

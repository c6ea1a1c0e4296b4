"""The history's events read together: 复审通过, 限期整改, 降级 and 撤销 (四（一）（二）（三）).

《柳州市托育机构星级评定工作方案》四（一）“获得星级的托育机构，每3年复审1次……对复审不合格的作出限期整改或
降级处理。已定级的托育机构1年后方可申报高一等级的评审。” 四（二）“……情况属实的，给予撤销称号处理。”
四（三）“对发现问题的责令限期整改，拒不整改或整改达不到要求的……视情给予降级或撤销称号处理。”
"""

from __future__ import annotations

import datetime as dt

import pytest
from support.results import code_for
from test_history import history_book

from tuoyu_excel.core.star.rating import review_due
from tuoyu_excel.core.star.standing import DUE, RECTIFY_OVER, RECTIFYING, standing_of
from tuoyu_excel.intake.history import HistoryRecord, read_history
from tuoyu_excel.intake.rubric_file import load_rubric
from tuoyu_excel.layout.history import COLUMNS

STAR = load_rubric("liuzhou_star")
A, B, C = code_for(11), code_for(12), code_for(13)
TODAY = dt.date(2026, 12, 1)


def _read(tmp_path, rows, today=TODAY):
    got = read_history(history_book(tmp_path / "h.xlsx", rows, headers=COLUMNS), STAR, today)
    return got.records, [(i.code, i.cell) for i in got.issues]


def test_each_event_must_follow_what_came_before(tmp_path):
    # 四（二）（三）: a 撤销 or 降级 presupposes a star; a 降级 lowers it; after a 撤销 only a new rating
    rows = [
        [A, "甲", "二星级", dt.date(2022, 1, 1), "有效"],  # 2
        [A, "甲", "三星级", dt.date(2023, 1, 1), "降级"],  # 3: 降级 to a higher star
        [A, "甲", "二星级", dt.date(2023, 6, 1), "降级"],  # 4: 降级 to the same star
        [B, "乙", "一星级", dt.date(2024, 1, 1), "撤销"],  # 5: no earlier rating
        [C, "丙", "二星级", dt.date(2021, 1, 1), "有效"],  # 6
        [C, "丙", "二星级", dt.date(2022, 1, 1), "撤销"],  # 7
        [C, "丙", "一星级", dt.date(2023, 1, 1), "降级"],  # 8: after a 撤销
        [C, "丙", "一星级", dt.date(2025, 1, 1), "有效"],  # 9: applied again as new: fine
        [A, "甲", "一星级", dt.date(2027, 1, 1), "降级"],  # 10: after the evaluation date
        [A, "甲", "二星级", dt.date(2024, 1, 1), "限期整改"],  # 11: no 整改期限
        [A, "甲", "二星级", dt.date(2025, 1, 1), "限期整改", dt.date(2024, 12, 1)],  # 12: 期限 before the row
        [A, "甲", "二星级", dt.date(2025, 2, 1), "限期整改", "明年"],  # 13: 期限 not a date
    ]
    records, issues = _read(tmp_path, rows)
    assert issues == [  # first the rows' own values, then the rows read against each other, in sheet order
        ("HISTORY_DEADLINE_MISSING", "F11"), ("HISTORY_DEADLINE_EARLY", "F12"), ("HISTORY_DATE", "F13"),
        ("HISTORY_NOT_LOWER", "C3"), ("HISTORY_NOT_LOWER", "C4"), ("HISTORY_NO_RATING", "E5"),
        ("HISTORY_AFTER_REVOKED", "E8"), ("HISTORY_FUTURE_DATE", "D10"),
    ]
    assert [(r.key, r.date.year, r.status) for r in records] == [
        (A, 2022, "有效"), (C, 2021, "有效"), (C, 2022, "撤销"), (C, 2025, "有效")]


def test_messages_say_what_to_fix(tmp_path):
    rows = [[B, "乙", "一星级", dt.date(2024, 1, 1), "降级"], [A, "甲", "二星级", dt.date(2027, 1, 1), "有效"]]
    got = read_history(history_book(tmp_path / "h.xlsx", rows, headers=COLUMNS), STAR, TODAY)
    texts = [i.text for i in got.issues]
    assert "h.xlsx “历史记录”工作表 E2 单元格：“乙”在此行之前没有获评星级的记录" in texts[0]
    assert "请先补上该机构获评星级的一行" in texts[0]
    assert "晚于本次评定日期 2026-12-01" in texts[1] and "D3 单元格" in texts[1]


def test_an_old_history_without_the_deadline_column_still_reads(tmp_path):
    records, issues = _read(tmp_path, [[A, "甲", "二星级", dt.date(2022, 1, 1), "有效"]])
    assert issues == [] and records == [HistoryRecord(A, "甲", "二星级", dt.date(2022, 1, 1), "有效")]
    old = history_book(tmp_path / "old.xlsx", [[A, "甲", "二星级", dt.date(2022, 1, 1), "有效"]])
    assert read_history(old, STAR).records == records


def _h(status, day, star="二星级", deadline=None, key=A):
    return HistoryRecord(key, "甲", star, day, status, deadline)


@pytest.mark.parametrize(("rated", "due"), [(dt.date(2023, 12, 1), True), (dt.date(2023, 12, 2), False)])
def test_review_due_exactly_three_years_after_the_rating(rated, due):
    # 四（一）“获得星级的托育机构，每3年复审1次”: due on the day three years on, not a day before
    assert bool(review_due([_h("有效", rated)], STAR, TODAY)) is due


def test_a_passed_review_restarts_the_three_years_but_not_the_one_year_wait():
    history = [_h("有效", dt.date(2020, 6, 1)), _h("复审通过", dt.date(2023, 6, 1))]
    standing = standing_of(history, A)
    assert standing.star == "二星级" and standing.clock.date == dt.date(2023, 6, 1)
    assert standing.rated.date == dt.date(2020, 6, 1)  # a review confirms a level: no new 定级
    assert review_due(history, STAR, dt.date(2026, 5, 31)) == []
    assert review_due(history, STAR, dt.date(2026, 6, 1)) == [history[1]]
    assert standing.state_text(STAR, dt.date(2026, 6, 1)) == f"{DUE}：2023年6月1日 复审通过，已满 3 年"


def test_rectification_keeps_the_star_and_the_review_due_then_runs_out():
    # 四（一）“对复审不合格的作出限期整改或降级处理”: during the 整改 the star is kept and the review stays due
    history = [_h("有效", dt.date(2022, 6, 1)), _h("限期整改", dt.date(2025, 7, 1), deadline=dt.date(2026, 1, 31))]
    standing = standing_of(history, A)
    assert standing.star == "二星级" and standing.rectifying
    assert standing.review_state(STAR, dt.date(2026, 1, 31)) == RECTIFYING
    assert standing.review_state(STAR, dt.date(2026, 2, 1)) == RECTIFY_OVER
    assert review_due(history, STAR, dt.date(2026, 2, 1)) == [history[1]]
    assert "整改到期：2025年7月1日 复审责令限期整改，期限 2026年1月31日，现为二星级" == \
        standing.state_text(STAR, dt.date(2026, 2, 1))


def test_a_downgrade_is_a_new_rating_and_a_revocation_ends_the_star():
    down = [_h("有效", dt.date(2020, 1, 1), "三星级"), _h("降级", dt.date(2026, 3, 1), "一星级")]
    standing = standing_of(down, A)
    assert (standing.star, standing.rated.date, standing.clock.date) == ("一星级", dt.date(2026, 3, 1),
                                                                         dt.date(2026, 3, 1))
    revoked = [_h("有效", dt.date(2020, 1, 1)), _h("撤销", dt.date(2024, 1, 1))]
    assert standing_of(revoked, A).star is None and review_due(revoked, STAR, TODAY) == []
    again = [*revoked, _h("有效", dt.date(2025, 1, 1), "一星级")]  # applied again as new
    assert standing_of(again, A).star == "一星级" and standing_of(again, A).rated.date == dt.date(2025, 1, 1)

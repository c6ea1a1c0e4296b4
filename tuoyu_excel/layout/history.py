"""Where things sit in the rating-history workbook (星级评定历史记录): its sheets, headers and statuses.

Shared by the reader (intake/history.py) and the blank-template writer (render/history_template.py).
"""

from __future__ import annotations

import datetime as dt

from tuoyu_excel.spec.model import Rubric

VALID = "有效"  # awarded (定级) on 评定日期: the 1-year wait and the 3-year review count from it
REVOKED = "撤销"  # no current star (the rating rules, core/star/rating.py, read it too)
DOWNGRADED = "降级"  # lowered to 星级 on 评定日期: a rating of its own (both clocks restart)
REVIEWED = "复审通过"  # confirmed at the 3-year review: the review clock restarts, the 1-year wait does not
RECTIFY = "限期整改"  # a failed review: star kept until 整改期限, the review stays due
STATUSES = (VALID, REVOKED, DOWNGRADED, REVIEWED, RECTIFY)
RATED = (VALID, DOWNGRADED)  # the statuses that set a star (定级): the 1-year wait counts from them

H_CODE = "统一社会信用代码"
H_NAME = "机构名称"
H_STAR = "星级"
H_DATE = "评定日期"
H_STATUS = "状态"
H_DEADLINE = "整改期限"  # only for 限期整改; optional column (histories written before it still read)
HEADERS = (H_CODE, H_NAME, H_STAR, H_DATE, H_STATUS)  # required
COLUMNS = (*HEADERS, H_DEADLINE)  # as written
WIDTHS = {H_CODE: 24, H_NAME: 40, H_STAR: 10, H_DATE: 14, H_STATUS: 12, H_DEADLINE: 14}

HISTORY_SHEET = "历史记录"
GUIDE_SHEET = "说明"
INPUT_ROWS = 200  # formatted, validated blank rows in the template


def history_template_name(rubric: Rubric) -> str:
    return "星级评定历史记录表.xlsx"


def kept_history_name(day: dt.date) -> str:
    """The history a final star run writes for next year: every record so far, up to `day`."""
    return f"历史评定记录_更新至{day:%Y%m%d}.xlsx"

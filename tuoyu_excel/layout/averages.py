"""Where things sit in the official 全区平均水平 workbook: one row per comparative item,
指标 | 数值 | 说明, under a title, an info line and the header.

Shared by the reader (intake/averages.py) and the blank-template writer (render/averages_template.py).
"""

from __future__ import annotations

from tuoyu_excel.spec.model import Rubric

SHEET = "全区平均水平"
H_INDICATOR = "指标"
H_VALUE = "数值"
H_NOTE = "说明"
HEADERS = (H_INDICATOR, H_VALUE, H_NOTE)
WIDTHS = (30, 14, 60)
TITLE_ROW, INFO_ROW, HEADER_ROW, FIRST_ROW = 0, 1, 2, 3


def averages_filename(rubric: Rubric) -> str:
    return f"全区平均水平表_{rubric.version}版.xlsx"

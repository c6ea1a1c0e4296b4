"""Where things sit in the parts of the star results workbook that a later run reads back.

The 待裁定 sheet: written by ``render/star/rulings_sheet.py`` for the commission to fill in, read by
``intake/rulings.py`` when the official passes the filled workbook with ``--rulings``. Both ask this
module, so the two cannot drift apart. Columns are found by header text (positions kept, so every
problem names its cell); the instruction lines sit above the table.
"""

from __future__ import annotations

RULINGS_SHEET = "待裁定"

R_ZONE = "片区"
R_RANK = "名次"
R_CODE = "统一社会信用代码"
R_NAME = "机构名称"
R_TOTAL = "综合得分"
R_CORE = "核心指标得分"
R_SPAN = "可裁定星级"  # the stars the tie's places carry, joined by SPAN_SEP
R_STAR = "裁定星级"  # input: one of the span's stars, or 未获评
R_BASIS = "裁定依据"  # input: the basis of the decision (text, required with a star)
HEADERS = (R_ZONE, R_RANK, R_CODE, R_NAME, R_TOTAL, R_CORE, R_SPAN, R_STAR, R_BASIS)
INPUTS = (R_STAR, R_BASIS)
WIDTHS = {R_ZONE: 8, R_RANK: 6, R_CODE: 22, R_NAME: 34, R_TOTAL: 10, R_CORE: 12, R_SPAN: 16, R_STAR: 12,
          R_BASIS: 44}
SPAN_SEP = "、"

HEADER_SCAN_ROWS = 30  # the header row is looked for among the sheet's first rows
MAX_ROWS = 20000

"""Fill a blank template the way a person would in Excel (used by the sample generator,
the benchmarks and the tests). Writes with openpyxl, which keeps validation and protection.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl

from tuoyu_excel.layout import submission as layout
from tuoyu_excel.spec.model import Rubric


def _cell_value(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def fill_workbook(template: Path, out: Path, rubric: Rubric, form: dict[str, object],
                  scores: dict[str, dict[str, object]], notes: dict[str, str] | None = None,
                  assessors: dict[str, str] | None = None) -> Path:
    """Write `form` (field key -> value), `scores` (stage -> item code -> value) and the 评分人 of
    `assessors` (stage -> name) into a copy of `template`."""
    wb = openpyxl.load_workbook(template)
    ws = wb[layout.form_sheet(rubric)]
    rows = layout.form_field_rows(rubric)
    for key, value in form.items():
        ws.cell(rows[key] + 1, layout.FORM_VALUE_COL + 1, _cell_value(value))
    ws = wb[layout.SCORE_SHEET]
    item_rows = {r.item.code: layout.SCORE_FIRST_ROW + n
                 for n, r in enumerate(layout.score_rows(rubric)) if r.kind == "item"}
    for stage, values in scores.items():
        col = layout.column_index(rubric, rubric.stage(stage).header)
        for code, value in values.items():
            ws.cell(item_rows[code] + 1, col + 1, _cell_value(value))
    note_col = layout.column_index(rubric, layout.H_NOTE)
    for code, text in (notes or {}).items():
        ws.cell(item_rows[code] + 1, note_col + 1, text)
    assessor_row = next(layout.SCORE_FIRST_ROW + n for n, r in enumerate(layout.score_rows(rubric))
                        if r.kind == "assessor")
    for stage, name in (assessors or {}).items():
        ws.cell(assessor_row + 1, layout.column_index(rubric, rubric.stage(stage).header) + 1, name)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out

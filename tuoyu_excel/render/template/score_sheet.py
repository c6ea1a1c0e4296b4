"""The 评分表 sheet of a template: the official table, one row per item, one column per stage.

Part heading rows and the closing rows carry per-stage formulas so whoever
fills the sheet sees running totals; the tool itself never trusts them.
"""

from __future__ import annotations

from decimal import Decimal

from tuoyu_excel.layout import submission as layout
from tuoyu_excel.layout.submission import cell_name
from tuoyu_excel.render.formats import row_height, setup_print
from tuoyu_excel.render.template.validation import (
    assessor_validation,
    item_validation,
    na_condition,
    note_validation,
)
from tuoyu_excel.spec.kinds import kind_of
from tuoyu_excel.spec.model import NOT_APPLICABLE, Rubric


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _item_cells(rubric: Rubric, item) -> dict[str, object]:
    criteria = item.criteria
    if item.na_when:
        criteria += f"（{na_condition(rubric, item)}）"
    elif item.allow_na and item.scored:
        criteria += f"（可填“{NOT_APPLICABLE}”）"
    if item.computed:
        criteria += "（由工具根据基础数据核算）"
    return {layout.H_CODE: item.code, layout.H_PART: _part_name(rubric, item.part), layout.H_TITLE: item.title,
            layout.H_CONTENT: item.content, layout.H_CRITERIA: criteria,
            layout.H_POINTS: "否决项" if item.veto else _number(item.points),
            layout.H_CORE: layout.CORE_MARK if item.core else "", layout.H_METHOD: item.method,
            layout.H_EVIDENCE: item.evidence}


def _part_name(rubric: Rubric, code: str) -> str:
    return next(p.name for p in rubric.parts if p.code == code)


def write_score_sheet(wb, fmts, rubric: Rubric) -> None:
    ws = wb.add_worksheet(layout.SCORE_SHEET)
    cols = layout.score_columns(rubric)
    for c, col in enumerate(cols):
        ws.set_column(c, c, col.width)
    last = len(cols) - 1
    ws.merge_range(layout.SCORE_TITLE_ROW, 0, layout.SCORE_TITLE_ROW, last, rubric.name, fmts["title"])
    ws.set_row(layout.SCORE_TITLE_ROW, 32)
    _write_info_row(ws, fmts, rubric, last)
    ws.set_row(layout.SCORE_HEADER_ROW, 30)
    ws.write_row(layout.SCORE_HEADER_ROW, 0, [c.header for c in cols], fmts["header"])
    rows = layout.score_rows(rubric)
    spans = _part_spans(rows)
    row_of = {}
    for n, srow in enumerate(rows):
        r = layout.SCORE_FIRST_ROW + n
        row_of[srow.kind if srow.kind != "part" else ("part", srow.part.code)] = r
        if srow.kind == "item":
            _write_item_row(ws, fmts, rubric, cols, r, srow.item)
        elif srow.kind == "part":
            _write_part_row(ws, fmts, rubric, cols, r, srow.part, spans[srow.part.code])
        elif srow.kind == "assessor":
            _write_assessor_row(ws, fmts, rubric, cols, r)
        else:
            _write_closing_row(ws, fmts, rubric, cols, r, srow.kind, row_of, spans)
    ws.freeze_panes(layout.SCORE_FIRST_ROW, 3)
    ws.protect()
    setup_print(ws, layout.SCORE_HEADER_ROW)


def _write_info_row(ws, fmts, rubric: Rubric, last: int) -> None:
    form = layout.form_sheet(rubric)
    name_row = layout.form_field_rows(rubric)[rubric.name_field]
    who = kind_of(rubric).name_header
    ref = f"'{form}'!{cell_name(name_row, layout.FORM_VALUE_COL)}"
    text = f'="{who}："&{ref}&"    （只填黄色单元格；每部分标题行与表末合计自动计算，仅供参考）"'
    ws.merge_range(layout.SCORE_INFO_ROW, 0, layout.SCORE_INFO_ROW, last, "", fmts["info"])
    ws.write_formula(layout.SCORE_INFO_ROW, 0, text, fmts["info"], f"{who}：")
    ws.set_row(layout.SCORE_INFO_ROW, 22)


def _part_spans(rows) -> dict[str, tuple[int, int]]:
    """Part code -> first and last 0-based sheet row of its items."""
    spans: dict[str, tuple[int, int]] = {}
    for n, srow in enumerate(rows):
        if srow.kind == "item":
            r = layout.SCORE_FIRST_ROW + n
            first, _ = spans.get(srow.part.code, (r, r))
            spans[srow.part.code] = (first, r)
    return spans


def _write_item_row(ws, fmts, rubric: Rubric, cols, r: int, item) -> None:
    values = _item_cells(rubric, item)
    heights = []
    for c, col in enumerate(cols):
        if col.stage:
            ws.write_blank(r, c, None, fmts["input"])
        elif col.input:
            ws.write_blank(r, c, None, fmts["input_text"])
            ws.data_validation(r, c, r, c, note_validation(col.header))
        else:
            value = values.get(col.header, "")
            center = col.header in (layout.H_CODE, layout.H_POINTS, layout.H_CORE)
            ws.write(r, c, value, fmts["center" if center else "text"])
            if isinstance(value, str):
                heights.append((value, col.width))
    ws.set_row(r, row_height(heights))
    stage_cols = [c for c, col in enumerate(cols) if col.stage]
    first, last = stage_cols[0], stage_cols[-1]
    ws.data_validation(r, first, r, last, item_validation(rubric, item, cell_name(r, first)))


def _write_part_row(ws, fmts, rubric: Rubric, cols, r: int, part, span: tuple[int, int]) -> None:
    ws.set_row(r, 22)
    for c, col in enumerate(cols):
        if col.header == layout.H_CODE:
            ws.write_blank(r, c, None, fmts["part_center"])  # 编号 is for items only (city part "1" ≠ item "1")
        elif col.header == layout.H_PART:
            ws.write(r, c, part.name, fmts["part"])
        elif col.header == layout.H_TITLE:
            label = "（否决项，须全部符合）" if part.veto else f"（满分 {_number(part.total)} 分）"
            ws.write(r, c, label, fmts["part"])
        elif col.header == layout.H_POINTS:
            ws.write(r, c, "否决项" if part.veto else _number(part.total), fmts["part_center"])
        elif col.stage:
            rng = f"{cell_name(span[0], c)}:{cell_name(span[1], c)}"
            if part.veto:
                formula = f'=IF(COUNTIF({rng},"不符合")>0,"有不符合项",IF(COUNTBLANK({rng})>0,"未填完","全部符合"))'
                ws.write_formula(r, c, formula, fmts["part_center"], "未填完")
            else:
                ws.write_formula(r, c, f"=SUM({rng})", fmts["part_number"], 0)
        else:
            ws.write_blank(r, c, None, fmts["part"])


def _write_closing_row(ws, fmts, rubric: Rubric, cols, r: int, kind: str, row_of: dict, spans) -> None:
    labels = {"total": f"合计（满分 {_number(rubric.total)} 分）",
              "core": f"其中：核心指标得分（满分 {_number(rubric.core_total)} 分）",
              "core_rate": "核心指标得分率"}
    ws.set_row(r, 22)
    code_col = layout.column_index(rubric, layout.H_CODE)
    core_col = layout.column_index(rubric, layout.H_CORE)
    first_row = min(a for a, _ in spans.values())
    last_row = max(b for _, b in spans.values())
    ws.merge_range(r, code_col, r, code_col + 4, labels[kind], fmts["total_label"])
    for c, col in enumerate(cols):
        if c <= code_col + 4:
            continue
        if not col.stage:
            ws.write_blank(r, c, None, fmts["text"])
            continue
        if kind == "total":
            parts = [cell_name(row_of[("part", p.code)], c) for p in rubric.parts if not p.veto]
            ws.write_formula(r, c, f"=SUM({','.join(parts)})", fmts["total"], 0)
        elif kind == "core":
            crng = f"{cell_name(first_row, core_col)}:{cell_name(last_row, core_col)}"
            srng = f"{cell_name(first_row, c)}:{cell_name(last_row, c)}"
            ws.write_formula(r, c, f'=SUMIF({crng},"{layout.CORE_MARK}",{srng})', fmts["total"], 0)
        else:
            core_cell = cell_name(row_of["core"], c)
            ws.write_formula(r, c, f"={core_cell}/{_number(rubric.core_total)}", fmts["percent"], 0)


def _write_assessor_row(ws, fmts, rubric: Rubric, cols, r: int) -> None:
    """评分人: a name cell under each assessing stage's column (the 自评 column stays blank)."""
    ws.set_row(r, 22)
    code_col = layout.column_index(rubric, layout.H_CODE)
    ws.merge_range(r, code_col, r, code_col + 4, layout.ASSESSOR_LABEL, fmts["total_label"])
    assessing = layout.assessing_stages(rubric)
    for c, col in enumerate(cols):
        if c <= code_col + 4:
            continue
        if col.stage in assessing:
            ws.write_blank(r, c, None, fmts["input_text"])
            ws.data_validation(r, c, r, c, assessor_validation(rubric.stage(col.stage).label))
        else:
            ws.write_blank(r, c, None, fmts["text"])

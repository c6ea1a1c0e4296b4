"""Write the blank, fillable workbooks (star: 填表说明/申报表/评分表; city: 填表说明/基础数据/评分表).

Output is deterministic (fixed document timestamps; XlsxWriter fixes the zip
entry times), so the copies committed in ``templates/`` can be compared with
what the code generates.
"""

from __future__ import annotations

from pathlib import Path

from tuoyu_excel.layout import submission as layout
from tuoyu_excel.render import xlsx as xlsx_out
from tuoyu_excel.render.formats import make_formats, row_height, setup_print, write_guide
from tuoyu_excel.render.template.score_sheet import write_score_sheet
from tuoyu_excel.render.template.validation import field_validation, na_condition
from tuoyu_excel.spec.kinds import kind_of
from tuoyu_excel.spec.model import FAIL, NOT_APPLICABLE, PASS, Rubric


def write_template(rubric: Rubric, out_dir: Path, filename: str | None = None) -> Path:
    """Write the blank workbook for `rubric` into `out_dir` (replacing a file of the same name)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / (filename or layout.template_filename(rubric))
    with xlsx_out.writing_workbook(path, layout.title(rubric)) as wb:
        fmts = make_formats(wb)
        _write_guide(wb, fmts, rubric)
        _write_form(wb, fmts, rubric)
        write_score_sheet(wb, fmts, rubric)
        _write_meta(wb, rubric)
    return path


def _guide_lines(rubric: Rubric) -> list[str]:
    form = layout.form_sheet(rubric)
    stages = "；".join(f"“{s.header}”列由{s.label}填写" for s in rubric.stages)
    assessors = "、".join(rubric.stage(k).label for k in layout.assessing_stages(rubric))
    lines = [
        f"1. 本工作簿用于《{rubric.name}》，共三个工作表：{layout.GUIDE_SHEET}、{form}、{layout.SCORE_SHEET}。",
        "2. 只需填写黄色单元格。其他单元格已保护，防止误改表格结构；请勿插入、删除或移动行列，也不要修改“编号”列。",
        f"3. 先填写“{form}”：每一项在左侧标签右边的黄色单元格内填写，有下拉箭头的请从列表中选择，日期按 2024-03-15 格式填写。",
        f"4. 再填写“{layout.SCORE_SHEET}”：{stages}。每一阶段只填写本阶段的列，不要改动其他阶段的分数。",
        "5. 分数只填数字（如 8 或 8.5），不要带“分”字；只能得 0 分或满分的项目、按固定分数扣分的项目可从下拉列表选择。",
        "6. 扣分时请在“扣分说明”列写明扣分原因；确不适用的项目（表中注明可不适用的）选择“不适用”，总分按应得分折算。",
    ]
    conditional = [f"{i.code} {i.title}{na_condition(rubric, i)}" for i in rubric.scored_items if i.na_when]
    if conditional:  # 必备条件 with a condition are named in their own line (_kind_lines)
        lines.append(f"{len(lines) + 1}. 以下项目能否填“{NOT_APPLICABLE}”取决于“{form}”的填写：{'；'.join(conditional)}。")
    kind_lines = _kind_lines(rubric) + [
        f"每部分标题行和表末的合计{'、核心指标得分' if rubric.core_total else ''}会自动计算，仅供填表时参考；最终得分以工具核算为准。",
        f"“{layout.SCORE_SHEET}”最下面一行是“{layout.ASSESSOR_LABEL}”：{assessors}的评分人在本阶段那一列填写姓名。几位评分人"
        "分别评分时，每人各填一份本表（申报表和之前阶段的得分不要改动），工具按评分规则取平均分（多人评分）。",
        "填好后直接保存为 .xlsx（WPS 用户也可另存为 .xls），按原文件发回，不要另存为图片或 PDF。"]
    lines += [f"{n}. {line}" for n, line in enumerate(kind_lines, start=len(lines) + 1)]
    lines.append(f"规则版本：{rubric.id} {rubric.version}（校验码 {rubric.content_hash}）。工作表保护无密码。")
    return lines


def _kind_lines(rubric: Rubric) -> list[str]:
    """What this kind of workbook adds to the guide: 必备条件, or the items the tool computes."""
    kind = kind_of(rubric)
    lines = []
    if kind.has_veto_part:
        na_items = [i for i in rubric.veto_items if i.allow_na]
        always = "、".join(f"{i.code} {i.title}" for i in na_items if not i.na_when)
        texts = ([f"{always}可选“{NOT_APPLICABLE}”"] if always else []) + [
            f"{i.code} {i.title}：{na_condition(rubric, i)}" for i in na_items if i.na_when]
        na = f"（{'；'.join(texts)}）" if texts else ""
        lines.append(f"“必备条件”各项只能选择“{PASS}”或“{FAIL}”{na}，任一项不符合的不予评定星级。")
    if kind.computes_items:
        lines.append("与全区平均水平比较的项目和联席会议制度项目，由工具根据“基础数据”核算，评分表中的填写仅供核对。")
    return lines


def _write_guide(wb, fmts, rubric: Rubric) -> None:
    ws = wb.add_worksheet(layout.GUIDE_SHEET)
    ws.set_row(0, 30)
    write_guide(ws, fmts, f"{rubric.name} 填表说明", _guide_lines(rubric))
    ws.protect()
    ws.set_portrait()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.activate()


def _write_form(wb, fmts, rubric: Rubric) -> None:
    ws = wb.add_worksheet(layout.form_sheet(rubric))
    widths = (34, 30, 36)
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    ws.merge_range(layout.FORM_TITLE_ROW, 0, layout.FORM_TITLE_ROW, 2, f"{rubric.name}——{ws.name}", fmts["title"])
    ws.set_row(layout.FORM_TITLE_ROW, 32)
    ws.merge_range(layout.FORM_INFO_ROW, 0, layout.FORM_INFO_ROW, 2,
                   "请在黄色单元格内填写；有下拉箭头的从列表中选择。", fmts["info"])
    ws.write_row(layout.FORM_FIRST_ROW - 1, 0, ["项目", "填写内容", "说明"], fmts["header"])
    for n, row in enumerate(layout.form_rows(rubric)):
        r = layout.FORM_FIRST_ROW + n
        if row.kind == "section":
            ws.merge_range(r, 0, r, 2, row.text, fmts["section"])
            continue
        f = row.field
        label = layout.field_label(f)
        ws.set_row(r, row_height([(label, widths[0]), (f.hint, widths[2])], minimum=20))
        ws.write(r, layout.FORM_LABEL_COL, label, fmts["label"])
        ws.write_blank(r, layout.FORM_VALUE_COL, None, fmts["input_date" if f.type == "date" else "input_text"])
        ws.write(r, layout.FORM_HINT_COL, f.hint, fmts["hint"])
        ws.data_validation(r, layout.FORM_VALUE_COL, r, layout.FORM_VALUE_COL, field_validation(f, rubric))
    ws.freeze_panes(layout.FORM_FIRST_ROW, 0)
    ws.protect()
    setup_print(ws, layout.FORM_FIRST_ROW - 1)
    ws.set_portrait()


def _write_meta(wb, rubric: Rubric) -> None:
    ws = wb.add_worksheet(layout.META_SHEET)
    for n, (key, value) in enumerate(layout.metadata(rubric).items()):
        ws.write_string(n, 0, key)
        ws.write_string(n, 1, value)
    ws.protect()
    ws.very_hidden()

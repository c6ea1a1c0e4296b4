"""The 待裁定 sheet of the star results workbook: the ties for the commission to decide, as a form.

One row per institution the ranking left 待裁定 (ruled ones show the ruling this run applied, so the
workbook stays a complete rulings file). Only 裁定星级 (a dropdown of the tie's stars and 未获评) and
裁定依据 are unlocked and pale yellow, like a template's input cells; the sheet is protected without
a password. Read back by ``intake/rulings.py`` (``--rulings``); where things sit: ``layout/results.py``.
Written row by row (the workbook streams in constant-memory mode).
"""

from __future__ import annotations

from tuoyu_excel.core.star.ranking import PENDING
from tuoyu_excel.core.star.rulings import Tie
from tuoyu_excel.layout.results import (
    HEADERS,
    R_BASIS,
    R_CORE,
    R_STAR,
    R_TOTAL,
    RULINGS_SHEET,
    SPAN_SEP,
    WIDTHS,
)
from tuoyu_excel.render.cells import put
from tuoyu_excel.render.formats import row_height
from tuoyu_excel.render.print_page import heading_for, setup_page, write_heading, write_signature
from tuoyu_excel.render.star.data import StarReport

TITLE = "待裁定机构名单"
INPUT_COLS = {R_STAR: "input", R_BASIS: "input_text"}
SCORE_COLS = (R_TOTAL, R_CORE)


def write_rulings(wb, fmts: dict, rep: StarReport) -> None:
    """The sheet, when the ranking left any institution 待裁定 (before rulings)."""
    ties = sorted(rep.result.ties, key=lambda t: (rep.zone_order(t.placement.zone), t.placement.rank,
                                                  t.placement.candidate.key))
    if not ties:
        return
    ws = wb.add_worksheet(RULINGS_SHEET)
    notes = (rep.stage_label, *guide_lines(rep))
    header_row = write_heading(ws, fmts, heading_for(rep.rubric, TITLE, rep.result.run.eval_date, notes),
                               [WIDTHS[h] for h in HEADERS])
    for c, header in enumerate(HEADERS):
        ws.write_string(header_row, c, header, fmts["header"])
    for n, tie in enumerate(ties, start=header_row + 1):
        _write_tie(ws, fmts, n, tie)
    first, end = header_row + 1, header_row + len(ties)
    star_col, basis_col = HEADERS.index(R_STAR), HEADERS.index(R_BASIS)
    for n, tie in enumerate(ties, start=first):
        ws.data_validation(n, star_col, n, star_col, _star_rule(tie))
    ws.data_validation(first, basis_col, end, basis_col, {
        "validate": "length", "criteria": "<=", "value": 500, "input_title": R_BASIS,
        "input_message": "写明裁定依据，如会议纪要文号、核查结论。选择了裁定星级的必须填写。",
        "error_title": "输入有误", "error_message": "裁定依据不超过 500 个字。", "error_type": "stop"})
    write_signature(ws, fmts, end + 1, len(HEADERS))
    ws.freeze_panes(header_row + 1, 0)
    setup_page(ws, header_row)  # pages after the first repeat the table's own header only
    ws.protect("", {"format_columns": True, "format_rows": True})  # no password: officials may unprotect


def _write_tie(ws, fmts: dict, n: int, tie: Tie) -> None:
    p, ruling = tie.placement, tie.ruling
    c = p.candidate
    values = (p.zone, p.rank, c.key, c.name, c.total, c.core, SPAN_SEP.join(tie.span),
              ruling.star if ruling else "", ruling.basis if ruling else "")
    for col, (header, value) in enumerate(zip(HEADERS, values, strict=True)):
        kind = INPUT_COLS.get(header) or ("score" if header in SCORE_COLS else "text")
        put(ws, n, col, value, fmts[kind])  # the basis is text typed by an official: never a formula
    ws.set_row(n, row_height([(c.name, WIDTHS[HEADERS[3]]), (values[-1], WIDTHS[R_BASIS])]))


def _star_rule(tie: Tie) -> dict:
    choices = list(tie.choices)
    return {"validate": "list", "source": choices, "input_title": R_STAR,
            "input_message": f"从下拉列表选择：{'/'.join(choices)}。暂不裁定的留空。",
            "error_title": "输入有误", "error_message": f"裁定星级只能为：{'、'.join(choices)}。", "error_type": "stop"}


def guide_lines(rep: StarReport) -> list[str]:
    """How to fill the sheet and hand it back (the lines above the table)."""
    body = rep.rubric.report.ruling_body or "评定单位"
    pending = len(rep.pending)
    state = (f"现有 {pending} 家仍为{PENDING}。" if pending else "本次已全部按裁定处理，下表记录了采用的裁定。")
    return [
        f"下列机构综合得分与核心指标得分完全相同，并列的名次跨越星级分界或名额界限，须由{body}裁定。{state}",
        f"1. 在黄色的“{R_STAR}”列从下拉列表选择（只能选该行“可裁定星级”中的星级或“未获评”），在“{R_BASIS}”列写明依据"
        "（如会议纪要文号、核查结论）；其他单元格已锁定。暂不裁定的行留空，这些机构仍为待裁定。",
        "2. 同一组并列的机构，裁定为某一星级的家数不得超过该组占有的这一星级名次数：例如两家并列占第 6、7 名，"
        "分属二星级和一星级，则至多一家为二星级、至多一家为一星级。",
        "3. 保存本工作簿，然后用相同的输入文件夹、评定日期和历史评定记录重新运行星级评定，并指定本工作簿为裁定文件："
        "命令行 tuoyu star <输入文件夹> --rulings <本工作簿>；窗口中在“裁定文件（可选）”选择本工作簿。"
        "工具核对后生成最终结果和公示名单；裁定与本次评定不符的，会指出所在单元格，不生成结果。",
    ]


def pending_warning(rep: StarReport) -> str:
    """The 汇总 line nobody should miss while institutions are 待裁定 (none when nothing is)."""
    if not rep.pending:
        return ""
    body = rep.rubric.report.ruling_body or "评定单位"
    names = "、".join(f"{p.candidate.name}（{p.zone}第 {p.rank} 名）" for p in rep.pending)
    done = (f"已按裁定文件 {rep.result.rulings.file} 裁定 {len(rep.result.ruled)} 家，仍" if rep.result.rulings else "")
    return (f"注意：{done}有 {len(rep.pending)} 家机构{PENDING}——综合得分与核心指标得分完全相同且跨越星级分界，"
            f"须由{body}裁定后再公示：{names}。公示名单中暂未列入这些机构。请在“{RULINGS_SHEET}”工作表中填写"
            f"{R_STAR}和{R_BASIS}，保存后用 --rulings 指定本工作簿重新运行（窗口中选择“裁定文件”）。")


def rulings_used(rep: StarReport) -> str:
    """What the 汇总 parameters say about the rulings file."""
    rulings = rep.result.rulings
    if rulings is None:
        return "未使用"
    return f"{rulings.file}（已裁定 {len(rep.result.ruled)} 家，仍{PENDING} {len(rep.pending)} 家）"

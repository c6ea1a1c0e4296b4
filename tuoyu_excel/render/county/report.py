"""Write a county's 初评报告 workbook: 初评报告 / 机构明细 / 上报名单 / 校验问题 / 运行信息.

A printable report an official signs and forwards with the institutions' forms (A4, header
rows repeated, one page wide). Sheets are protected without a password; only the cells to
fill in (评估组成员, 核实情况, 整改意见) are unlocked. Every piece of text that came from a
submitted workbook is written with ``write_string``: ``=HYPERLINK(...)`` stays literal text.
"""

from __future__ import annotations

import datetime as dt

from tuoyu_excel.core.pipeline import FileResult, RunResult
from tuoyu_excel.core.star.county import CountyReport, Institution, UnscoredFile
from tuoyu_excel.issues import ERROR, Issue
from tuoyu_excel.render.cells import put, span
from tuoyu_excel.render.county.detail import write_detail_sheet
from tuoyu_excel.render.county.style import FORWARD_SHEET, ISSUES_SHEET, REPORT_SHEET, protect, setup_page, text_height
from tuoyu_excel.render.formats import make_formats
from tuoyu_excel.render.issues_sheet import write_issues_sheet
from tuoyu_excel.render.output import OutputPath, prepare_output
from tuoyu_excel.render.print_page import heading_for
from tuoyu_excel.render.run_info import InputFile, RunInfo, write_run_info
from tuoyu_excel.render.xlsx import writing_workbook
from tuoyu_excel.spec.model import YES
from tuoyu_excel.text import chinese_date

# 初评报告 table: (header, width, kind)
# widths: 14 columns on an A4 landscape page, printed at 8.5 pt or more (print_page's widest reckoning)
MAIN_COLUMNS = (("序号", 4, "center"), ("机构名称", 14, "text"), ("统一社会信用代码", 19, "center"),
                ("备案托位数", 5, "num"), ("实际收托人数", 5, "num"), ("是否普惠", 5, "center"),
                ("自评总分", 7, "num"), ("初评总分", 7, "num"), ("差值（初评−自评）", 7, "num"),
                ("核心指标得分率", 7, "pct"), ("必备条件", 8, "text"), ("结论", 7, "center"),
                ("原因", 16, "text"), ("是否推荐市级核验", 5, "center"))
LAST_COL = len(MAIN_COLUMNS) - 1
PANEL_LINES = 5
FORWARD_COLUMNS = (("序号", 5, "center"), ("机构名称", 26, "text"), ("统一社会信用代码", 19, "center"),
                   ("所在县区", 8, "center"), ("初评总分", 7, "num"), ("核心指标得分率", 7, "pct"))
SHOWN_PROBLEMS = 3  # errors quoted per unscored file; the rest are in 校验问题


def report_filename(county: str, eval_date: dt.date) -> str:
    return f"{county}初评报告_{eval_date:%Y%m%d}.xlsx"


def write_county_report(report: CountyReport, wanted, run: RunResult | None = None) -> OutputPath:
    """Write the report to `wanted`, or to the next free name if it is taken; never overwrites.
    `run`: the run the report was built from, for the files' SHA-256 and the run time in 运行信息."""
    out = prepare_output(wanted)
    with writing_workbook(out.path, f"{report.county}托育机构星级评定初评报告") as wb:
        fmts = make_formats(wb)
        _write_report_sheet(wb, fmts, report)
        write_detail_sheet(wb, fmts, report)
        _write_forward_sheet(wb, fmts, report)
        _write_issues_sheet(wb, fmts, report)
        write_run_info(wb, fmts, county_run_info(report, run))
    return out


# ---- 初评报告 ----------------------------------------------------------------------------------

def _write_report_sheet(wb, fmts, report: CountyReport) -> None:
    ws = wb.add_worksheet(REPORT_SHEET)
    for c, (_, width, _) in enumerate(MAIN_COLUMNS):
        ws.set_column(c, c, width)
    r = _write_head(ws, fmts, report)
    r = _write_panel(ws, fmts, r + 1)
    r = _write_summary(ws, fmts, report, r + 1)
    header_row = r + 1
    r = _write_table(ws, fmts, report, header_row)
    r = _write_unscored(ws, fmts, report.unscored, r + 1)
    _write_signature(ws, fmts, report, r + 1)
    protect(ws)
    setup_page(ws, landscape=True, repeat=header_row)
    ws.activate()


def _write_head(ws, fmts, report: CountyReport) -> int:
    ws.set_row(0, 36)
    span(ws, 0, 0, LAST_COL, f"{report.county}托育机构星级评定初评报告", fmts["title"])
    rubric = report.rubric
    rows = (("县区", report.county), ("报告日期", report.eval_date),
            ("评分依据", f"《{rubric.name}》（版本 {rubric.version}）"))
    for n, (label, value) in enumerate(rows, start=1):
        ws.set_row(n, 20)
        span(ws, n, 0, 1, label, fmts["label"])
        span(ws, n, 2, 4 if n < 3 else LAST_COL, value, fmts["date_left" if isinstance(value, dt.date) else "text"])
    return len(rows)


def _write_panel(ws, fmts, r: int) -> int:
    """评估组成员: blank, unlocked lines for 姓名, 单位, 职务 (签字 by hand on paper)."""
    span(ws, r, 0, LAST_COL, "评估组成员（请填写姓名、单位、职务，打印后签字）", fmts["section"])
    cols = ((0, 0, "序号"), (1, 1, "姓名"), (2, 5, "单位"), (6, 8, "职务"), (9, LAST_COL, "签字"))
    for first, last, header in cols:
        span(ws, r + 1, first, last, header, fmts["header"])
    for n in range(1, PANEL_LINES + 1):
        row = r + 1 + n
        ws.set_row(row, 24)
        put(ws, row, 0, n, fmts["center"])
        for first, last, header in cols[1:]:
            span(ws, row, first, last, None, fmts["text" if header == "签字" else "input_text"])
    return r + 1 + PANEL_LINES


def summary_text(report: CountyReport) -> str:
    words = report.rubric.report
    text = (f"按照《{words.plan}》，{county_unit(report)}对申报机构进行了初评，"
            f"通过查阅资料、查看台账、实地核验等方式审核申报材料，对照《{report.rubric.name}》进行综合评分。"
            f"本次共申报 {report.applied} 家，其中符合申报条件 {len(report.eligible)} 家，"
            f"不符合申报条件 {len(report.ineligible)} 家")
    if report.unscored:
        text += f"，表格有错误未能评分 {len(report.unscored)} 份（见下表及“{ISSUES_SHEET}”工作表，须改正后重新初评）"
    text += "。"
    text += panel_text(report)
    if report.eligible:
        text += f"符合申报条件的机构见“{FORWARD_SHEET}”工作表，拟上报{words.issuer}参加市级核验。"
    return text


def panel_text(report: CountyReport) -> str:
    """Who scored each institution, where several assessors did (their scores averaged); "" when none did."""
    scored = [i for i in report.institutions if i.assessors]
    if not scored:
        return ""
    each = "；".join(f"{i.name} {len(i.assessors)} 人（{'、'.join(i.assessors)}）" for i in scored)
    return f"多人评分的机构按各评分人得分的平均分计（{each}）。"


def summary_line(report: CountyReport) -> str:
    line = (f"申报 {report.applied} 家：符合申报条件 {len(report.eligible)} 家，"
            f"不符合申报条件 {len(report.ineligible)} 家")
    return line + (f"，表格有错误未能评分 {len(report.unscored)} 份" if report.unscored else "")


def other_county_note(report: CountyReport) -> str:
    """For the official's summary (not the printed report: other counties' workbooks are not its business)."""
    return f"注：另有 {report.other_county} 份其他县区的表格未纳入本报告。" if report.other_county else ""


def _write_summary(ws, fmts, report: CountyReport, r: int) -> int:
    text = summary_text(report)
    ws.set_row(r, text_height(text, _width(0, LAST_COL), minimum=36))
    span(ws, r, 0, LAST_COL, text, fmts["paragraph"])
    return r


def _width(first: int, last: int) -> float:
    return sum(w for _, w, _ in MAIN_COLUMNS[first:last + 1])


def main_row(n: int, inst: Institution) -> list[object]:
    """One 初评报告 table row, in the order of MAIN_COLUMNS."""
    return [n, inst.name, inst.credit_code, inst.capacity, inst.enrolled, inst.puhui, inst.self_total,
            inst.county.total, inst.diff, inst.county.core_rate, inst.veto_text, inst.conclusion,
            "；".join(inst.reasons), YES if inst.eligible else "否"]


def _write_table(ws, fmts, report: CountyReport, r: int) -> int:
    ws.set_row(r, 42)
    for c, (header, _, _) in enumerate(MAIN_COLUMNS):
        put(ws, r, c, header, fmts["header"])
    if not report.institutions:
        span(ws, r + 1, 0, LAST_COL, "（没有可评分的申报机构）", fmts["text"])
        return r + 1
    for n, inst in enumerate(report.institutions, start=1):
        row = main_row(n, inst)
        cells = [(str(v), w) for v, (_, w, kind) in zip(row, MAIN_COLUMNS, strict=True) if kind == "text" and v]
        ws.set_row(r + n, text_height(cells, minimum=24))
        for c, value in enumerate(row):
            put(ws, r + n, c, value, fmts[MAIN_COLUMNS[c][2]])
    return r + len(report.institutions)


def _write_unscored(ws, fmts, unscored: list[UnscoredFile], r: int) -> int:
    if not unscored:
        return r - 1
    title = f"以下 {{n}} 份表格有错误，未能评分，请退回机构改正后重新初评（全部问题见“{ISSUES_SHEET}”工作表）："
    span(ws, r, 0, LAST_COL, title.format(n=len(unscored)), fmts["section"])
    cols = ((0, 0, "序号"), (1, 1, "文件"), (2, 2, "机构名称"), (3, 5, "状态"), (6, 8, "问题数"), (9, LAST_COL, "主要问题"))
    for first, last, header in cols:
        span(ws, r + 1, first, last, header, fmts["header"])
    for n, f in enumerate(unscored, start=1):
        row = r + 1 + n
        problems = _main_problems(f.issues)
        ws.set_row(row, text_height([(problems, _width(9, LAST_COL)), (f.file, _width(1, 1))], minimum=24))
        values = (n, f.file, f.name, f.status, f"错误 {f.errors} 条，警告 {f.warnings} 条", problems)
        for (first, last, _), value in zip(cols, values, strict=True):
            span(ws, row, first, last, value, fmts["center" if first in (0, 3, 6) else "text"])
    return r + 1 + len(unscored)


def _main_problems(issues: list[Issue]) -> str:
    errors = [i for i in issues if i.severity == ERROR] or issues
    shown = [f"{i.sheet} {i.cell} 单元格：{i.message}" if i.cell else i.message for i in errors[:SHOWN_PROBLEMS]]
    more = f"……共 {len(errors)} 条" if len(errors) > SHOWN_PROBLEMS else ""
    return "；".join(shown) + more


def county_unit(report: CountyReport) -> str:
    """The county's own unit: the rubric's county_body, “县区” in it standing for the county's name
    (县区卫生健康局 → 柳北区卫生健康局)."""
    return report.rubric.report.county_body.replace("县区", report.county, 1)


def _write_signature(ws, fmts, report: CountyReport, r: int) -> None:
    lines = ("评估组组长（签字）：____________________        日期：________年____月____日",
             f"{report.rubric.report.county_body}（盖章）：____________________        日期：________年____月____日")
    for n, line in enumerate(lines):
        ws.set_row(r + 1 + 2 * n, 30)
        span(ws, r + 1 + 2 * n, 0, LAST_COL, line, fmts["sign"])


# ---- 上报名单 ----------------------------------------------------------------------------------

def forward_row(n: int, inst: Institution) -> list[object]:
    return [n, inst.name, inst.credit_code, inst.district, inst.county.total, inst.county.core_rate]


def _write_forward_sheet(wb, fmts, report: CountyReport) -> None:
    ws = wb.add_worksheet(FORWARD_SHEET)
    last = len(FORWARD_COLUMNS) - 1
    for c, (_, width, _) in enumerate(FORWARD_COLUMNS):
        ws.set_column(c, c, width)
    ws.set_row(0, 36)
    span(ws, 0, 0, last, f"{report.county}托育机构星级评定上报名单", fmts["title"])
    info = (f"报告日期：{chinese_date(report.eval_date)}。以下为初评符合申报条件的机构，"
            "按初评总分从高到低排列，总分相同的核心指标得分高的在前。")
    ws.set_row(1, text_height(info, sum(w for _, w, _ in FORWARD_COLUMNS), minimum=20))
    span(ws, 1, 0, last, info, fmts["paragraph"])
    for c, (header, _, _) in enumerate(FORWARD_COLUMNS):
        put(ws, 2, c, header, fmts["header"])
    forward = report.forward
    for n, inst in enumerate(forward, start=1):
        ws.set_row(2 + n, text_height([(inst.name, FORWARD_COLUMNS[1][1])], minimum=22))
        for c, value in enumerate(forward_row(n, inst)):
            put(ws, 2 + n, c, value, fmts[FORWARD_COLUMNS[c][2]])
    r = 2 + len(forward)
    if not forward:
        r += 1
        span(ws, r, 0, last, "（没有符合申报条件的机构）", fmts["text"])
    ws.set_row(r + 2, 30)
    span(ws, r + 2, 0, last, f"{report.rubric.report.county_body}（盖章）：____________        日期：______年___月___日",
         fmts["sign"])
    protect(ws)
    setup_page(ws, landscape=False, repeat=2)


# ---- 校验问题 and 运行信息 -----------------------------------------------------------------------

def _write_issues_sheet(wb, fmts, report: CountyReport) -> None:
    ws = write_issues_sheet(wb, fmts, ISSUES_SHEET, report.issues,
                            heading_for(report.rubric, ISSUES_SHEET, report.eval_date, title=f"{report.county}初评校验问题"))
    protect(ws, autofilter=True)


def county_run_info(report: CountyReport, run: RunResult | None = None) -> RunInfo:
    """This county's files (hashed when the run they came from is given) and the report's counts."""
    by_file = {f.file: f for f in run.files} if run else {}
    files = []
    for i in report.institutions:
        panel = by_file[i.file].panel if i.file in by_file else None
        if panel is None:
            files.append(InputFile(i.file, _sha(by_file, i.file), i.conclusion, i.name))
        else:  # each assessor's copy, with its own hash
            files += [InputFile(a.file, a.sha256, f"{i.conclusion}（评分人 {a.assessor}）", i.name) for a in panel.copies]
    files += [InputFile(u.file, _sha(by_file, u.file), u.status, u.name) for u in report.unscored]
    files += [InputFile(u.file, _sha(by_file, u.file), f"{u.status}，无法确定县区，未纳入本报告", u.name)
              for u in report.unattributed]
    settings: list[tuple[str, object]] = [
        ("县区", report.county),
        ("申报机构数", report.applied), ("符合申报条件", len(report.eligible)),
        ("不符合申报条件", len(report.ineligible)), ("表格有错误未能评分", len(report.unscored)),
        ("其他县区的表格（未纳入）", report.other_county),
        ("无法确定县区的文件（未纳入，见下方文件列表）", len(report.unattributed))]
    return RunInfo(report.rubric, report.stage, report.eval_date, files, report.issues,
                   run.started if run else None, run.seconds if run else None, settings)


def _sha(by_file: dict[str, FileResult], file: str) -> str:
    return by_file[file].sha256 if file in by_file else ""

"""Write the star-rating results workbook from a StarResult (XlsxWriter, never overwriting a file).

Sheets (names and headers are a contract officials' spreadsheets refer to): 汇总, 星级评定结果,
待裁定 (only when the ranking left ties to decide; read back with --rulings), 未达条件名单, 得分明细,
自评与核验差异, 校验问题, 公示名单, 图表, 运行信息.
No cell holds a formula: every value is computed by the tool and written as a value, and every
text (names typed by institutions included) is written as text.
"""

from __future__ import annotations

from pathlib import Path

from tuoyu_excel.core.star.ranking import NO_STAR, PENDING
from tuoyu_excel.core.star.rating import StarResult
from tuoyu_excel.intake.history import HistoryRead
from tuoyu_excel.render.cells import put
from tuoyu_excel.render.check_report import run_info
from tuoyu_excel.render.formats import make_formats, row_height, setup_print
from tuoyu_excel.render.output import OutputPath, prepare_output
from tuoyu_excel.render.run_info import NOT_USED
from tuoyu_excel.render.run_info import write_run_info as write_run
from tuoyu_excel.render.star.chart import write_charts
from tuoyu_excel.render.star.data import OUTCOMES, StarReport
from tuoyu_excel.render.star.rulings_sheet import pending_warning, rulings_used, write_rulings
from tuoyu_excel.render.star.sheets import (
    write_details,
    write_gaps,
    write_ineligible,
    write_issues,
    write_public,
    write_results,
)
from tuoyu_excel.render.tables import INT, TEXT, Col, write_table
from tuoyu_excel.render.xlsx import writing_workbook

SUMMARY_SHEET = "汇总"
TOTAL = "合计"
SUMMARY_WIDTHS = (34, 10, 10, 10, 10, 10, 10)  # column A holds zone names and parameter labels


def write_star_results(result: StarResult, wanted: Path, *, history: HistoryRead | None = None) -> OutputPath:
    """Write the results workbook at `wanted`, or beside it under a free name (see OutputPath.notice).
    `history`: the history workbook the run used (its name, hash and issues are shown)."""
    out = prepare_output(Path(wanted))
    rep = StarReport(result, history=history)
    # constant memory: rows stream to disk as written (10 000 institutions stay small); every sheet
    # writer here writes strictly row by row, and the tests read every sheet back
    with writing_workbook(out.path, f"星级评定结果（{rep.stage_label}）", constant_memory=True) as wb:
        fmts = make_formats(wb)
        for write in (write_summary, write_results, write_rulings, write_ineligible, write_details, write_gaps,
                      write_issues, write_public, write_charts, write_run_info):
            write(wb, fmts, rep)
    return out


# ---------------------------------------------------------------- 汇总


def write_summary(wb, fmts: dict, rep: StarReport) -> None:
    ws = wb.add_worksheet(SUMMARY_SHEET)
    row = _count_table(ws, fmts, rep)
    row = _warnings(ws, fmts, rep, row + 1)
    row = _pairs(ws, fmts, ("项目", "数量"), _totals(rep), row + 1)
    _pairs(ws, fmts, ("评定参数", "内容"), _parameters(rep), row + 1)
    for c, width in enumerate(SUMMARY_WIDTHS):
        ws.set_column(c, c, width)
    ws.freeze_panes(1, 0)
    setup_print(ws, 0)
    ws.activate()


def _count_table(ws, fmts: dict, rep: StarReport) -> int:
    """Rows = zones (+ 合计), columns = each star from highest, 未获评, 待裁定, 合计."""
    columns = [*rep.stars_high_first, *OUTCOMES]
    rows = []
    for zone in rep.rubric.star.zones:
        counts = rep.counts(zone.name)
        rows.append([zone.name, *(counts[c] for c in columns), sum(counts.values())])
    rows.append([TOTAL, *(sum(r[n] for r in rows) for n in range(1, len(columns) + 2))])
    cols = [Col("片区", TEXT)] + [Col(c, INT) for c in columns] + [Col(TOTAL, INT)]
    return write_table(ws, fmts, cols, rows)


def _warn(ws, fmts: dict, row: int, text: str) -> int:
    ws.merge_range(row, 0, row, len(SUMMARY_WIDTHS) - 1, "", fmts["warn"])
    ws.write_string(row, 0, text, fmts["warn"])
    ws.set_row(row, row_height([(text, sum(SUMMARY_WIDTHS))], minimum=22))
    return row + 1


def _warnings(ws, fmts: dict, rep: StarReport, row: int) -> int:
    """Lines nobody should miss: provisional results, 待裁定 ties, excluded workbooks, capped stars."""
    if rep.provisional:
        row = _warn(ws, fmts, row, f"注意：本结果依据“{rep.rubric.stage(rep.stage_key).header}”计算，是{rep.stage_label}的"
                                   f"初步结果，仅供核对；最终星级以{rep.rubric.stages[-1].label}为准，不得据此公示。")
    if rep.pending:
        row = _warn(ws, fmts, row, pending_warning(rep))
    if rep.result.excluded:
        row = _warn(ws, fmts, row, f"注意：有 {len(rep.result.excluded)} 份表格有错误，未参加评定，"
                                   "见“校验问题”和“未达条件名单”。改正后请重新运行。")
    if rep.history is not None and not rep.history.usable:
        row = _warn(ws, fmts, row, f"注意：历史评定记录表 {rep.history.file} 无法读取（见“校验问题”），"
                                   f"“已定级的机构{rep.rubric.star.rerate_wait_years}年后方可申报高一等级”和"
                                   f"“每{rep.rubric.star.review_years}年复审1次”两条规则本次未执行，结果不得据此公示。"
                                   "请改正该文件后重新运行。")
    elif rep.history is None:
        settings = rep.rubric.star
        row = _warn(ws, fmts, row, f"注意：未使用历史评定记录，“已定级的机构{settings.rerate_wait_years}年后方可申报高一等级”"
                                   f"和“每{settings.review_years}年复审1次”两条规则本次未执行。如有历史评定记录表，"
                                   "请指定后重新运行。")
    elif rep.review_due:
        row = _warn(ws, fmts, row, f"注意：有 {len(rep.review_due)} 家机构评定已满 {rep.rubric.star.review_years} 年，"
                                   "复审到期，见“运行信息”中的复审到期名单和“星级评定结果”备注。")
    if rep.capped:
        row = _warn(ws, fmts, row, f"注意：有 {len(rep.capped)} 家机构定级未满 {rep.rubric.star.rerate_wait_years} 年，"
                                   "本次保持原星级，见“星级评定结果”备注。")
    return row


def _pairs(ws, fmts: dict, header: tuple[str, str], pairs: list[tuple[str, object]], row: int) -> int:
    """A two-column block (label | value merged across the other columns); returns the next free row."""
    last = len(SUMMARY_WIDTHS) - 1
    ws.write_string(row, 0, header[0], fmts["header"])
    ws.merge_range(row, 1, row, last, "", fmts["header"])
    ws.write_string(row, 1, header[1], fmts["header"])
    for n, (label, value) in enumerate(pairs, start=row + 1):
        ws.write_string(n, 0, label, fmts["label"])
        fmt = fmts[INT] if isinstance(value, int) else fmts[TEXT]
        ws.merge_range(n, 1, n, last, "", fmt)
        put(ws, n, 1, value, fmt)
        ws.set_row(n, row_height([(label, SUMMARY_WIDTHS[0]), (str(value), sum(SUMMARY_WIDTHS[1:]))]))
    return row + 1 + len(pairs)


def _totals(rep: StarReport) -> list[tuple[str, object]]:
    starred = len(rep.starred())
    return [
        ("读取的表格（份）", len(rep.files)),
        ("表格有错误、未参加评定（份）", len(rep.result.excluded)),
        ("未达评定条件（家）", len(rep.result.ineligible) + len(rep.unplaced)),
        ("参加排名（家）", len(rep.placements)),
        ("拟评定星级（家）", starred),
        (f"{NO_STAR}（家）", sum(1 for p in rep.placements if p.star == NO_STAR)),
        (f"{PENDING}（家）", len(rep.pending)),
        ("经裁定（家）", len(rep.result.ruled)),
        ("因定级未满期限保持原星级（家）", len(rep.capped)),
        ("复审到期（家）", len(rep.review_due)),
    ]


def _parameters(rep: StarReport) -> list[tuple[str, object]]:
    r, s = rep.rubric, rep.rubric.star
    pairs: list[tuple[str, object]] = [
        ("规则", f"{r.name}（{r.id}，版本 {r.version}，校验码 {r.content_hash}）"),
        ("评分阶段", f"{rep.stage_label}（按“{r.stage(rep.stage_key).header}”列）"
                     + ("——初步结果" if rep.provisional else "")),
        ("评定日期", rep.result.run.eval_date.isoformat()),
        ("合格分", f"综合得分不低于 {s.pass_mark.normalize():f} 分（含）"),
        ("核心指标得分率", rep.core_rate_reading()),
        ("排名规则", "同一片区内按综合得分从高到低；综合得分相同的，核心指标得分高的在前；"
                     f"两项均相同且跨越星级分界或名额界限的为“{PENDING}”，由{r.report.ruling_body}裁定"),
    ]
    pairs += [(f"片区：{z.name}", rep.zone_rule(z)) for z in s.zones]
    pairs.append(("历史评定记录", rep.history.file if rep.history and rep.history.usable else _history_shown(rep)))
    pairs.append(("裁定文件", rulings_used(rep)))
    return pairs


# ---------------------------------------------------------------- 运行信息


def write_run_info(wb, fmts: dict, rep: StarReport) -> None:
    """The shared 运行信息, then the institutions whose rating is due for review."""
    ws, row = write_run(wb, fmts, run_info(rep.result.run, _run_settings(rep), rep.issues))
    due = [[h.name, h.key, h.star, h.date] for h in rep.review_due]
    cols = [Col(f"复审到期（评定满 {rep.rubric.star.review_years} 年）"), Col("统一社会信用代码"), Col("星级"),
            Col("评定日期", "date")]
    write_table(ws, fmts, cols, due or [["无", "", "", None]], row + 1)
    for c, width in enumerate((40, 70, 12, 30)):
        ws.set_column(c, c, width)


def _run_settings(rep: StarReport) -> list[tuple[str, object]]:
    history, sha = "未使用", NOT_USED
    if rep.history is not None:
        history = _history_shown(rep)
        sha = rep.history.sha256 or NOT_USED
    rulings = rep.result.rulings
    return [
        ("历史评定记录文件", history),
        ("历史评定记录文件 SHA-256", sha),
        ("裁定文件", rulings_used(rep)),
        ("裁定文件 SHA-256", rulings.sha256 if rulings else NOT_USED),
        ("复审到期机构数", len(rep.review_due)),
        ("因定级未满期限保持原星级的机构数", len(rep.capped)),
    ]


def _history_shown(rep: StarReport) -> str:
    if rep.history is None:
        return "未使用"
    if not rep.history.usable:
        return f"{rep.history.file}（无法读取，未使用）"
    return f"{rep.history.file}（{len(rep.result.history)} 条有效记录，{len(rep.history_issues)} 个问题）"

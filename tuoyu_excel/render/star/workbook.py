"""Write the star-rating results workbook from a StarResult (XlsxWriter, never overwriting a file).

Sheets (names and headers are a contract officials' spreadsheets refer to): 汇总, 星级评定结果,
待裁定 (only when the ranking left ties to decide; read back from the decisions workbook), 未达条件名单,
得分明细, 自评与核验差异, 校验问题, then by the state of the rating — a draft (待裁定 open) or an
earlier stage's results: nothing that could be posted; final results: 公示 (the notice) and 公示核查
(read back at naming); named results: 命名名单 and 公示核查 (the decisions used) — then 图表, 运行信息. The sheets an official prints or forwards carry a heading (title, issuing unit, date) above their table, so a table's header
is not in row 1 there: readers find it under the heading (its autofilter row).

Formulas come only from the tool, never from user text: the counts of 汇总 are COUNTIFS over
星级评定结果 and 未达条件名单 (see render/star/summary.py), written with their computed values cached.
Every other value is computed by the tool and written as a value, and every text (names typed by
institutions included) is written as text.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from tuoyu_excel.core.star.ranking import NO_STAR, PENDING
from tuoyu_excel.core.star.rating import StarResult
from tuoyu_excel.core.star.standing import standing_of
from tuoyu_excel.intake.history import HistoryRead
from tuoyu_excel.render.check_report import run_info
from tuoyu_excel.render.formats import make_formats
from tuoyu_excel.render.output import OutputPath, prepare_output
from tuoyu_excel.render.run_info import NOT_USED, run_widths
from tuoyu_excel.render.run_info import write_run_info as write_run
from tuoyu_excel.render.star.chart import write_charts
from tuoyu_excel.render.star.checks_sheet import write_checks
from tuoyu_excel.render.star.data import StarReport
from tuoyu_excel.render.star.naming import naming_filename as naming_book_name
from tuoyu_excel.render.star.naming import write_naming, write_naming_book
from tuoyu_excel.render.star.notice import write_notice
from tuoyu_excel.render.star.panel_sheet import panel_line, panel_settings, write_panel
from tuoyu_excel.render.star.rulings_sheet import rulings_used, write_rulings
from tuoyu_excel.render.star.sheets import (
    ineligible_rows,
    results_rows,
    write_details,
    write_gaps,
    write_ineligible,
    write_issues,
    write_results,
)
from tuoyu_excel.render.star.summary import history_shown, write_summary
from tuoyu_excel.render.tables import Col, write_table
from tuoyu_excel.render.xlsx import writing_workbook


def write_star_results(result: StarResult, wanted: Path, *, history: HistoryRead | None = None) -> OutputPath:
    """Write the results workbook at `wanted`, or beside it under a free name (see OutputPath.notice).
    `history`: the history workbook the run used (its name, hash and issues are shown)."""
    out = prepare_output(Path(wanted))
    rep = StarReport(result, history=history)
    # constant memory: rows stream to disk as written (10 000 institutions stay small); every sheet
    # writer here writes strictly row by row, and the tests read every sheet back
    with writing_workbook(out.path, f"星级评定结果（{rep.stage_label}）", constant_memory=True) as wb:
        fmts = make_formats(wb)
        results, ineligible = results_rows(rep), ineligible_rows(rep)
        write_summary(wb, fmts, rep, results, ineligible)
        write_results(wb, fmts, rep, results)
        write_rulings(wb, fmts, rep)
        write_ineligible(wb, fmts, rep, ineligible)
        panel = (write_panel,) if result.run.panel else ()  # 评分人明细: panel mode only
        for write in (write_details, *panel, write_gaps, write_issues, *publication_sheets(result), write_charts,
                      write_run_info):
            write(wb, fmts, rep)
    return out


def star_results_name(result: StarResult) -> str:
    """The default file name, by the state of the rating: a draft, final results (to publish) and named
    results never share a name, so one never lands as “…(2).xlsx” beside another."""
    stage = result.rubric.stage(result.run.stage).label
    day = f"{result.run.eval_date:%Y%m%d}"
    if result.named:
        return f"星级评定结果_命名_{result.naming.date:%Y%m%d}.xlsx"
    if result.draft:
        return f"星级评定结果_待裁定稿_{stage}_{day}.xlsx"
    return f"星级评定结果_{stage}_{day}.xlsx"


def naming_filename(result: StarResult, day) -> str:
    return naming_book_name(StarReport(result), day)


def write_naming_list(result: StarResult, path: Path) -> OutputPath:
    """The 命名名单 as a workbook of its own (the 附件 of the 命名 document)."""
    return write_naming_book(StarReport(result), path)


def publication_sheets(result: StarResult) -> tuple:
    """What the workbook carries of the 公示 → 命名 steps: nothing publishable in a draft or an earlier
    stage's results; the notice and its 公示核查 form in final results; the named list after naming."""
    if result.named:
        return (write_naming, write_checks)
    if result.final:
        return (write_notice, write_checks)
    return ()


# ---------------------------------------------------------------- 运行信息


def write_run_info(wb, fmts: dict, rep: StarReport) -> None:
    """The shared 运行信息, then the institutions whose rating is due for review."""
    info = dataclasses.replace(run_info(rep.result.run, _run_settings(rep), rep.issues), summary=_summary(rep))
    ws, row = write_run(wb, fmts, info)
    day, history = rep.result.run.eval_date, rep.result.history
    due = [[h.name, h.key, h.star, h.date, standing_of(history, h.key).review_state(rep.rubric, day)]
           for h in rep.review_due]  # 复审到期, 限期整改中 or 整改到期
    cols = [Col(f"复审到期（评定满 {rep.rubric.star.review_years} 年）"), Col("统一社会信用代码"), Col("星级"),
            Col("评定日期", "date"), Col("复审状态")]
    write_table(ws, fmts, cols, due or [["无", "", "", None, ""]], row + 1, run_widths(len(cols)))


def _summary(rep: StarReport) -> tuple[str, ...]:
    """What came out, in a sentence or two (the counts as the tool computed them)."""
    stars = "，".join(f"{s} {sum(1 for p in rep.placements if p.star == s)} 家" for s in rep.stars_high_first)
    no_star = sum(1 for p in rep.placements if p.star == NO_STAR)
    lines = [f"参加排名 {len(rep.placements)} 家：{stars}，{NO_STAR} {no_star} 家，{PENDING} {len(rep.pending)} 家；"
             f"未达评定条件 {len(rep.result.ineligible) + len(rep.unplaced)} 家，"
             f"表格有错误、未参加评定 {len(rep.result.excluded)} 份。结果见“汇总”和“星级评定结果”工作表。"]
    if rep.result.run.panel:
        lines.append(panel_line(rep.files))
    if rep.provisional:
        lines.append(f"这是{rep.stage_label}的初步结果，仅供核对，不得据此公示。")
    return tuple(lines)


def _run_settings(rep: StarReport) -> list[tuple[str, object]]:
    history, sha = "未使用", NOT_USED
    if rep.history is not None:
        history = history_shown(rep)
        sha = rep.history.sha256 or NOT_USED
    rulings = rep.result.rulings
    return [
        ("历史评定记录文件", history),
        ("历史评定记录文件校验值（SHA-256）", sha),
        ("裁定文件", rulings_used(rep)),
        ("裁定文件校验值（SHA-256）", rulings.sha256 if rulings else NOT_USED),
        ("复审到期机构数", len(rep.review_due)),
        ("因定级未满期限保持原星级的机构数", len(rep.capped)),
        *panel_settings(rep.rubric, rep.files, rep.result.run.panel),
    ]


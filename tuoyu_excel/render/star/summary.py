"""The 汇总 sheet of the star results: the counts per zone and per 县区, the warnings nobody should miss,
the totals and the rules applied, under the printable heading and above the signature line.

The counts are formulas over the lists of the same workbook, so they follow an official's edits (a star
changed by hand in 星级评定结果 changes the counts here once the spreadsheet recalculates), each written
with the value the tool computed, for viewers that do not recalculate:
- per zone and star: COUNTIFS over 星级评定结果 (片区, 评定星级); 合计 sums the row and the column;
- per 县区: 参加排名 and each star COUNTIFS over 星级评定结果 (所在县区, 评定星级); over 未达条件名单, 表格有错误
  counts the rows without a 综合得分 (workbooks with errors are not scored) and 未达评定条件 the others
  (the district's rows less those), the same split as the totals below; 申报 = 参加排名 + both. Workbooks
  naming no 县区 of the rubric (a blank or unreadable 所在县区, in 未达条件名单) are one more row of plain
  values, 其他, when there are any;
- the totals 参加排名, 拟评定星级, 未获评, 待裁定 refer to the zone table's 合计 row.
Everything else (files read, errors, parameters) is a value: no list of the workbook holds it.
"""

from __future__ import annotations

from tuoyu_excel.core.star.ranking import NO_STAR, PENDING
from tuoyu_excel.layout.results import R_BASIS, R_STAR, RULINGS_SHEET
from tuoyu_excel.render.cells import put, span
from tuoyu_excel.render.formats import row_height
from tuoyu_excel.render.formulas import Formula, Tally, cell, plus, total, write_formula
from tuoyu_excel.render.print_page import setup_page, sheet_title, write_heading, write_signature
from tuoyu_excel.render.star.data import OUTCOMES, StarReport
from tuoyu_excel.render.star.rulings_sheet import rulings_used
from tuoyu_excel.render.star.sheets import (
    INELIGIBLE_HEADERS,
    INELIGIBLE_SHEET,
    RESULTS_HEADERS,
    RESULTS_SHEET,
    star_heading,
)
from tuoyu_excel.render.tables import INT, TEXT
from tuoyu_excel.text import chinese_date

SUMMARY_SHEET = "汇总"
TOTAL = "合计"
OTHER = "其他（县区未填写或不在规则中）"
ZONE_TITLE = "一、各片区评定结果"
COUNTY_TITLE = "二、各县区评定情况"
APPLIED, RANKED, UNMET, ERRORS = "申报", "参加排名", "未达评定条件", "表格有错误"
SUMMARY_WIDTHS = (30, 8, 8, 8, 8, 8, 8, 8, 8, 8)  # column A holds zone names and parameter labels; headers wrap
LAST = len(SUMMARY_WIDTHS) - 1


def write_summary(wb, fmts: dict, rep: StarReport, results: list[list[object]], ineligible: list[list[object]]) -> None:
    """`results`, `ineligible`: the rows of 星级评定结果 and 未达条件名单 as written (the formulas' cached values
    are counted on them)."""
    ws = wb.add_worksheet(SUMMARY_SHEET)
    ranked = Tally(RESULTS_SHEET, results)
    unmet = Tally(INELIGIBLE_SHEET, ineligible)
    row = write_heading(ws, fmts, star_heading(rep, SUMMARY_SHEET, _summary_title(rep)), SUMMARY_WIDTHS)
    row, zone_total = _zone_table(ws, fmts, rep, ranked, row)
    row = _county_table(ws, fmts, rep, ranked, unmet, row + 1)
    row = _warnings(ws, fmts, rep, row + 1)
    row = _pairs(ws, fmts, ("项目", "数量"), _totals(rep, zone_total), row + 1)
    row = _pairs(ws, fmts, ("评定参数", "内容"), _parameters(rep), row + 1)
    write_signature(ws, fmts, row, len(SUMMARY_WIDTHS))
    setup_page(ws, None)
    ws.activate()


def _summary_title(rep: StarReport) -> str:
    return sheet_title(rep.rubric, "结果汇总")


def _section(ws, fmts: dict, row: int, title: str) -> int:
    ws.set_row(row, 22)
    span(ws, row, 0, LAST, title, fmts["section"])
    return row + 1


def _header(ws, fmts: dict, row: int, headers: list[str]) -> int:
    ws.set_row(row, row_height(list(zip(headers, SUMMARY_WIDTHS, strict=False)), minimum=20))
    for c, text in enumerate(headers):
        ws.write_string(row, c, text, fmts["header"])
    return row + 1


def _zone_table(ws, fmts: dict, rep: StarReport, ranked: Tally, row: int) -> tuple[int, dict[str, Formula]]:
    """Rows = zones (+ 合计), columns = each star from highest, 未获评, 待裁定, 合计; returns the next row
    and the 合计 row's cells by column header (for the totals below)."""
    columns = [*rep.stars_high_first, *OUTCOMES]
    zone_col, star_col = RESULTS_HEADERS.index("片区"), RESULTS_HEADERS.index("评定星级")
    row = _section(ws, fmts, row, ZONE_TITLE)
    row = _header(ws, fmts, row, ["片区", *columns, TOTAL])
    first = row
    sums: list[list[Formula]] = []
    for zone in rep.rubric.star.zones:
        ws.write_string(row, 0, zone.name, fmts[TEXT])
        counts = [ranked.countifs((zone_col, zone.name), (star_col, s)) for s in columns]
        counts.append(total([(row, 1), (row, len(columns))], [f.value for f in counts]))
        for c, f in enumerate(counts, start=1):
            write_formula(ws, row, c, f, fmts[INT])
        sums.append(counts)
        row += 1
    ws.write_string(row, 0, TOTAL, fmts["total_label"])
    grand: dict[str, Formula] = {}
    for c, header in enumerate([*columns, TOTAL], start=1):
        f = total([(first, c), (row - 1, c)], [s[c - 1].value for s in sums]) if sums else Formula("=0", 0)
        write_formula(ws, row, c, f, fmts[INT])
        grand[header] = Formula(f"={cell(row, c)}", f.value)
    return row + 1, grand


def _county_table(ws, fmts: dict, rep: StarReport, ranked: Tally, unmet: Tally, row: int) -> int:
    """Rows = the rubric's 县区 (+ 其他 when needed, + 合计); columns 申报, 参加排名, each star, 未获评,
    待裁定, 未达评定条件, 表格有错误."""
    stars = [*rep.stars_high_first, NO_STAR, PENDING]
    headers = ["县区", APPLIED, RANKED, *stars, UNMET, ERRORS]
    district_col, star_col = RESULTS_HEADERS.index("所在县区"), RESULTS_HEADERS.index("评定星级")
    unmet_col, score_col = INELIGIBLE_HEADERS.index("所在县区"), INELIGIBLE_HEADERS.index("综合得分")
    row = _section(ws, fmts, row, COUNTY_TITLE)
    row = _header(ws, fmts, row, headers)
    first = row
    columns: list[list[float]] = []
    errors_at, unmet_at = len(headers) - 1, len(headers) - 2
    for district in rep.rubric.star.districts:
        ws.write_string(row, 0, district, fmts[TEXT])
        counts = [ranked.countifs((district_col, district))]
        counts += [ranked.countifs((district_col, district), (star_col, s)) for s in stars]
        listed = unmet.countifs((unmet_col, district))
        errors = unmet.countifs((unmet_col, district), (score_col, ""))
        counts.append(Formula(f"{listed.text}-{cell(row, errors_at)}", listed.value - errors.value))
        counts.append(errors)
        applied = plus([(row, 2), (row, unmet_at), (row, errors_at)],
                       [counts[0].value, counts[-2].value, counts[-1].value])
        for c, f in enumerate([applied, *counts], start=1):
            write_formula(ws, row, c, f, fmts[INT])
        columns.append([f.value for f in (applied, *counts)])
        row += 1
    other = _other_row(rep, ineligible=unmet, stars=len(stars))
    if other:
        ws.write_string(row, 0, OTHER, fmts[TEXT])
        for c, value in enumerate(other, start=1):
            put(ws, row, c, value, fmts[INT])
        columns.append(other)
        row += 1
    ws.write_string(row, 0, TOTAL, fmts["total_label"])
    for c in range(1, len(headers)):
        f = total([(first, c), (row - 1, c)], [col[c - 1] for col in columns])
        write_formula(ws, row, c, f, fmts[INT])
    return row + 1


def _other_row(rep: StarReport, ineligible: Tally, stars: int) -> list[int]:
    """申报 … 表格有错误 of the listed workbooks whose 所在县区 is none of the rubric's ([] when none is)."""
    known = {d.casefold() for d in rep.rubric.star.districts}
    col, score = INELIGIBLE_HEADERS.index("所在县区"), INELIGIBLE_HEADERS.index("综合得分")
    listed = [r for r in ineligible.rows if str(r[col] or "").casefold() not in known]
    errors = sum(1 for r in listed if r[score] is None)
    return [len(listed), 0, *([0] * stars), len(listed) - errors, errors] if listed else []


def _warn(ws, fmts: dict, row: int, text: str) -> int:
    ws.set_row(row, row_height([(text, sum(SUMMARY_WIDTHS))], minimum=22))
    span(ws, row, 0, LAST, text, fmts["warn"])
    return row + 1


def _warnings(ws, fmts: dict, rep: StarReport, row: int) -> int:
    """Lines nobody should miss: provisional results, 待裁定 ties, excluded workbooks, capped stars."""
    if rep.provisional:
        row = _warn(ws, fmts, row, f"注意：本结果依据“{rep.rubric.stage(rep.stage_key).header}”计算，是{rep.stage_label}的"
                                   f"初步结果，仅供核对；最终星级以{rep.rubric.stages[-1].label}为准，不得据此公示。")
    if rep.pending:
        row = _warn(ws, fmts, row, _pending_warning(rep))
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


def _pending_warning(rep: StarReport) -> str:
    """The line nobody should miss while institutions are 待裁定, in the window's words (no command line)."""
    body = rep.rubric.report.ruling_body or "评定单位"
    names = "、".join(f"{p.candidate.name}（{p.zone}第 {p.rank} 名）" for p in rep.pending)
    done = (f"已按裁定文件 {rep.result.rulings.file} 裁定 {len(rep.result.ruled)} 家，仍" if rep.result.rulings else "")
    return (f"注意：{done}有 {len(rep.pending)} 家机构{PENDING}——综合得分与核心指标得分完全相同且跨越星级分界，"
            f"须由{body}裁定后再公示：{names}。公示名单中暂未列入这些机构。请在“{RULINGS_SHEET}”工作表中填写"
            f"{R_STAR}和{R_BASIS}并保存，再在“星级评定”的“裁定文件（可选）”中选择本工作簿，重新评定。")


def _pairs(ws, fmts: dict, header: tuple[str, str], pairs: list[tuple[str, object]], row: int) -> int:
    """A two-column block (label | value merged across the other columns); returns the next free row."""
    ws.write_string(row, 0, header[0], fmts["header"])
    span(ws, row, 1, LAST, header[1], fmts["header"])
    for n, (label, value) in enumerate(pairs, start=row + 1):
        ws.set_row(n, row_height([(label, SUMMARY_WIDTHS[0]), (str(value), sum(SUMMARY_WIDTHS[1:]))]))
        ws.write_string(n, 0, label, fmts["label"])
        fmt = fmts[INT] if isinstance(value, (int, Formula)) else fmts[TEXT]
        ws.merge_range(n, 1, n, LAST, None, fmt)
        if isinstance(value, Formula):
            write_formula(ws, n, 1, value, fmt)
        else:
            put(ws, n, 1, value, fmt)
    return row + 1 + len(pairs)


def _totals(rep: StarReport, grand: dict[str, Formula]) -> list[tuple[str, object]]:
    stars = [grand[s] for s in rep.stars_high_first]
    starred = Formula("=" + "+".join(f.text.lstrip("=") for f in stars), sum(f.value for f in stars))
    return [
        ("读取的表格（份）", len(rep.files)),
        ("表格有错误、未参加评定（份）", len(rep.result.excluded)),
        ("未达评定条件（家）", len(rep.result.ineligible) + len(rep.unplaced)),
        ("参加排名（家）", grand[TOTAL]),
        ("拟评定星级（家）", starred),
        (f"{NO_STAR}（家）", grand[NO_STAR]),
        (f"{PENDING}（家）", grand[PENDING]),
        ("经裁定（家）", len(rep.result.ruled)),
        ("因定级未满期限保持原星级（家）", len(rep.capped)),
        ("复审到期（家）", len(rep.review_due)),
    ]


def _parameters(rep: StarReport) -> list[tuple[str, object]]:
    r, s = rep.rubric, rep.rubric.star
    pairs: list[tuple[str, object]] = [
        ("规则", f"{r.name}（版本 {r.version}；规则编号和校验码见“运行信息”）"),
        ("评分阶段", f"{rep.stage_label}（按“{r.stage(rep.stage_key).header}”列）"
                     + ("——初步结果" if rep.provisional else "")),
        ("评定日期", chinese_date(rep.result.run.eval_date)),
        ("合格分", f"综合得分不低于 {s.pass_mark.normalize():f} 分（含）"),
        ("核心指标得分率", rep.core_rate_reading()),
        ("排名规则", "同一片区内按综合得分从高到低；综合得分相同的，核心指标得分高的在前；"
                     f"两项均相同且跨越星级分界或名额界限的为“{PENDING}”，由{r.report.ruling_body}裁定"),
    ]
    pairs += [(f"片区：{z.name}", rep.zone_rule(z)) for z in s.zones]
    pairs.append(("历史评定记录", rep.history.file if rep.history and rep.history.usable else history_shown(rep)))
    pairs.append(("裁定文件", rulings_used(rep)))
    return pairs


def history_shown(rep: StarReport) -> str:
    """The history file as the results name it: its name and what was used of it, or why not."""
    if rep.history is None:
        return "未使用"
    if not rep.history.usable:
        return f"{rep.history.file}（无法读取，未使用）"
    return f"{rep.history.file}（{len(rep.result.history)} 条有效记录，{len(rep.history_issues)} 个问题）"

"""The list sheets of the star-results workbook. Sheet names and column headers are a contract:
officials' own spreadsheets refer to them, so they change only with a new results version.
"""

from __future__ import annotations

from decimal import Decimal

from xlsxwriter.utility import xl_col_to_name

from tuoyu_excel.core.pipeline import FileResult
from tuoyu_excel.core.star.ranking import PENDING
from tuoyu_excel.render.issues_sheet import write_issues_sheet
from tuoyu_excel.render.print_page import Heading, heading_for
from tuoyu_excel.render.star.data import StarReport
from tuoyu_excel.render.star.details import DETAILS_SHEET
from tuoyu_excel.render.star.details import write_details as write_detail_sheet
from tuoyu_excel.render.tables import INT, RATE, SCORE, Col, table_sheet
from tuoyu_excel.spec.model import Stage

RESULTS_SHEET = "星级评定结果"
INELIGIBLE_SHEET = "未达条件名单"
GAPS_SHEET = "自评与核验差异"
ISSUES_SHEET = "校验问题"

RESULTS_COLS = (Col("片区"), Col("片区排名", INT), Col("机构名称", max_width=40), Col("统一社会信用代码"),
                Col("所在县区"), Col("综合得分", SCORE), Col("核心指标得分", SCORE), Col("核心指标得分率", RATE),
                Col("评定星级"), Col("备注", max_width=30))
INELIGIBLE_COLS = (Col("机构名称", max_width=40), Col("统一社会信用代码"), Col("所在县区"), Col("综合得分", SCORE),
                   Col("原因", max_width=80))
RESULTS_HEADERS = tuple(c.header for c in RESULTS_COLS)
INELIGIBLE_HEADERS = tuple(c.header for c in INELIGIBLE_COLS)
GAP_FLAG = "差异较大"
REASON_SEP = "；"


def star_heading(rep: StarReport, name: str, title: str = "") -> Heading:
    """The heading of a printable sheet `name`: the rubric's title, issuer and the evaluation date, and
    for an earlier stage's results the warning that they are provisional."""
    notes = [f"注意：本表为{rep.stage_label}的初步结果，仅供核对，不得据此公示。"] if rep.provisional else []
    return heading_for(rep.rubric, name, rep.result.run.eval_date, notes, title)


def results_rows(rep: StarReport) -> list[list[object]]:
    """The rows of 星级评定结果, in the order of RESULTS_COLS."""
    rows = []
    for p in rep.placements:
        card = rep.by_file[p.candidate.file].card
        c = p.candidate
        rows.append([p.zone, p.rank, c.name, c.key, c.district, c.total, c.core, card.core_rate if card else None,
                     p.star, p.note])
    return rows


def ineligible_rows(rep: StarReport) -> list[list[object]]:
    """Everyone not ranked: failed conditions (all of them), unranked districts, and workbooks with errors."""
    rows = []
    for f in rep.result.ineligible:
        rows.append(_person(rep, f) + [f.card.total, REASON_SEP.join(r.text for r in f.reasons)])
    for f in rep.unplaced:
        rows.append(_person(rep, f) + [f.card.total, "所在县区不属于任何片区，未参加排名。请核对规则文件的片区设置"])
    for f in rep.result.excluded:
        rows.append(_person(rep, f) + [None, rep.excluded_reason(f)])
    return rows


def write_results(wb, fmts: dict, rep: StarReport, rows: list[list[object]]) -> None:
    heading = star_heading(rep, RESULTS_SHEET)
    ws = table_sheet(wb, fmts, RESULTS_SHEET, RESULTS_COLS, rows, heading, signature=True)
    if rows:  # 待裁定 rows stand out
        first = heading.rows + 1
        star_col = xl_col_to_name(RESULTS_HEADERS.index("评定星级"))
        ws.conditional_format(first, 0, first + len(rows) - 1, len(RESULTS_COLS) - 1, {
            "type": "formula", "criteria": f'=${star_col}{first + 1}="{PENDING}"', "format": fmts["pending"]})


def write_ineligible(wb, fmts: dict, rep: StarReport, rows: list[list[object]]) -> None:
    table_sheet(wb, fmts, INELIGIBLE_SHEET, INELIGIBLE_COLS, rows, star_heading(rep, INELIGIBLE_SHEET),
                signature=True)


def _person(rep: StarReport, f: FileResult) -> list[object]:
    return [rep.text_of(f, "name"), rep.text_of(f, "credit_code"), rep.text_of(f, "district")]


def write_details(wb, fmts: dict, rep: StarReport) -> None:
    write_detail_sheet(wb, fmts, rep, star_heading(rep, DETAILS_SHEET))


def short_stage(stage: Stage) -> str:
    """自评得分 → 自评, 县级初评得分 → 初评, 市级核验得分 → 核验."""
    name = stage.header.removesuffix("得分")
    for prefix in ("机构", "县级", "市级"):
        if name.startswith(prefix) and len(name) > len(prefix):
            return name[len(prefix):]
    return name


def stage_pairs(stages: tuple[Stage, ...]) -> list[tuple[Stage, Stage]]:
    """(later, earlier) pairs compared: each stage with the one before, and the last with the first."""
    pairs = [(stages[n], stages[n - 1]) for n in range(1, len(stages))]
    if len(stages) >= 3:
        pairs.append((stages[-1], stages[0]))
    return pairs


def write_gaps(wb, fmts: dict, rep: StarReport) -> None:
    """Per institution and part: each stage's subtotal, the differences, and a flag on large ones."""
    r = rep.rubric
    pairs = stage_pairs(r.stages)
    cols = [Col("机构名称", max_width=40), Col("部分")] + [Col(s.header, SCORE) for s in r.stages]
    cols += [Col(f"{short_stage(a)}−{short_stage(b)}", SCORE) for a, b in pairs] + [Col("标注")]
    parts = [p for p in r.parts if not p.veto]
    keys = [s.key for s in r.stages]
    pair_keys = [(a.key, b.key) for a, b in pairs]
    threshold = r.star.gap_threshold
    rows = []
    for f in rep.ranked_files:
        cards = rep.result.stage_cards.get(f.file)
        if cards is None:
            continue
        name = rep.text_of(f, "name")
        stage_parts = {key: card.parts if (card := cards.get(key)) else None for key in keys}
        for part in parts:
            values = {key: got[part.code] if (got := stage_parts[key]) is not None else None for key in keys}
            diffs = [_diff(values[a], values[b]) for a, b in pair_keys]
            large = any(d is not None and abs(d) > threshold for d in diffs)
            rows.append([name, part.name, *values.values(), *diffs, GAP_FLAG if large else ""])
    table_sheet(wb, fmts, GAPS_SHEET, cols, rows, star_heading(rep, GAPS_SHEET))


def _diff(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return None if a is None or b is None else a - b


def write_issues(wb, fmts: dict, rep: StarReport) -> None:
    write_issues_sheet(wb, fmts, ISSUES_SHEET, rep.issues, star_heading(rep, ISSUES_SHEET))

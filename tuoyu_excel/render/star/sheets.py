"""The list sheets of the star-results workbook. Sheet names and column headers are a contract:
officials' own spreadsheets refer to them, so they change only with a new results version.
"""

from __future__ import annotations

from decimal import Decimal

from tuoyu_excel.core.pipeline import FileResult
from tuoyu_excel.core.scoring import ScoreCard
from tuoyu_excel.core.star.ranking import PENDING
from tuoyu_excel.render.issues_sheet import write_issues_sheet
from tuoyu_excel.render.star.data import StarReport
from tuoyu_excel.render.tables import INT, RATE, SCORE, TEXT, Col, table_sheet
from tuoyu_excel.spec.model import NOT_APPLICABLE, Stage

RESULTS_SHEET = "星级评定结果"
INELIGIBLE_SHEET = "未达条件名单"
DETAILS_SHEET = "得分明细"
GAPS_SHEET = "自评与核验差异"
ISSUES_SHEET = "校验问题"
PUBLIC_SHEET = "公示名单"

RESULTS_COLS = (Col("片区"), Col("片区排名", INT), Col("机构名称", max_width=40), Col("统一社会信用代码"),
                Col("所在县区"), Col("综合得分", SCORE), Col("核心指标得分", SCORE), Col("核心指标得分率", RATE),
                Col("评定星级"), Col("备注", max_width=60))
INELIGIBLE_COLS = (Col("机构名称", max_width=40), Col("统一社会信用代码"), Col("所在县区"), Col("综合得分", SCORE),
                   Col("原因", max_width=80))
PUBLIC_COLS = (Col("序号", INT), Col("星级"), Col("机构名称", max_width=50), Col("所在县区"))
GAP_FLAG = "差异较大"
REASON_SEP = "；"


def write_results(wb, fmts: dict, rep: StarReport) -> None:
    rows = []
    for p in rep.placements:
        card = rep.by_file[p.candidate.file].card
        c = p.candidate
        rows.append([p.zone, p.rank, c.name, c.key, c.district, c.total, c.core, card.core_rate if card else None,
                     p.star, p.note])
    ws = table_sheet(wb, fmts, RESULTS_SHEET, RESULTS_COLS, rows)
    if rows:  # 待裁定 rows stand out
        star_col = chr(ord("A") + [c.header for c in RESULTS_COLS].index("评定星级"))
        ws.conditional_format(1, 0, len(rows), len(RESULTS_COLS) - 1,
                              {"type": "formula", "criteria": f'=${star_col}2="{PENDING}"', "format": fmts["pending"]})


def write_ineligible(wb, fmts: dict, rep: StarReport) -> None:
    """Everyone not ranked: failed conditions (all of them), unranked districts, and workbooks with errors."""
    rows = []
    for f in rep.result.ineligible:
        rows.append(_person(rep, f) + [f.card.total, REASON_SEP.join(r.text for r in f.reasons)])
    for f in rep.unplaced:
        rows.append(_person(rep, f) + [f.card.total, "所在县区不属于任何片区，未参加排名。请核对规则文件的片区设置"])
    for f in rep.result.excluded:
        rows.append(_person(rep, f) + [None, rep.excluded_reason(f)])
    table_sheet(wb, fmts, INELIGIBLE_SHEET, INELIGIBLE_COLS, rows)


def _person(rep: StarReport, f: FileResult) -> list[object]:
    return [rep.text_of(f, "name"), rep.text_of(f, "credit_code"), rep.text_of(f, "district")]


def write_details(wb, fmts: dict, rep: StarReport) -> None:
    """Institution × part subtotals and item scores of the evaluated stage."""
    r = rep.rubric
    parts = [p for p in r.parts if not p.veto]
    cols = [Col("机构名称", max_width=40), Col("统一社会信用代码"), Col("综合得分", SCORE)]
    cols += [Col(p.name, SCORE) for p in parts]
    cols += [Col(i.code, TEXT if i.veto else SCORE) for i in r.items]
    rows = []
    for f in rep.files:
        if f.card is None:
            continue
        row = [rep.text_of(f, "name"), rep.text_of(f, "credit_code"), f.card.total]
        row += [f.card.parts[p.code] for p in parts]
        row += [_item_value(f.card, i.code, i.veto) for i in r.items]
        rows.append(row)
    ws = table_sheet(wb, fmts, DETAILS_SHEET, cols, rows)
    ws.freeze_panes(1, 1)


def _item_value(card: ScoreCard, code: str, veto: bool) -> object:
    if veto:
        return card.veto.get(code) or ""
    value = card.items.get(code)
    return NOT_APPLICABLE if value is None else value


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
    for f in rep.files:
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
    table_sheet(wb, fmts, GAPS_SHEET, cols, rows)


def _diff(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return None if a is None or b is None else a - b


def write_issues(wb, fmts: dict, rep: StarReport) -> None:
    write_issues_sheet(wb, fmts, ISSUES_SHEET, rep.issues)


def public_title(rep: StarReport) -> str:
    city = rep.rubric.name.split("托育")[0] if "托育" in rep.rubric.name else ""
    title = f"{city}星级托育机构拟命名名单（公示）"
    if rep.provisional:
        title += f"——{rep.stage_label}初步结果，仅供核对，不得公示"
    return title


def write_public(wb, fmts: dict, rep: StarReport) -> None:
    """The list as published: row 1 is the header (pastes cleanly); the title is the print header."""
    rows = [[n, p.star, p.candidate.name, p.candidate.district] for n, p in enumerate(rep.starred(), start=1)]
    table_sheet(wb, fmts, PUBLIC_SHEET, PUBLIC_COLS, rows, print_title=public_title(rep))

"""Folders of filled star workbooks with chosen scores, for the star-results, history and ranking tests.

    inst = Inst("阳光托育", "城中区", total=Decimal(900), core=Decimal(400))
    make_folder(folder, template, rubric, [inst, ...])

Scores are filled as an assessor would: full marks, then points taken off graded items (core items
for the core loss, the others for the rest), each loss with a 扣分说明. Every stage is filled: 自评
full marks by default, 县级初评 and 市级核验 at the target, so the stage comparison has data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import openpyxl

from support import EVAL_DATE  # noqa: F401 - the shared date, importable from here too
from support.star import field_cell, full_scores, store_text, valid_form
from tuoyu_excel.intake.credit_code import random_credit_code
from tuoyu_excel.layout import submission as layout
from tuoyu_excel.render.template.fill import fill_workbook
from tuoyu_excel.spec.model import FAIL, GRADED, NOT_APPLICABLE, PASS, Rubric


@dataclass
class Inst:
    name: str
    district: str
    total: Decimal = Decimal(900)
    core: Decimal | None = None  # None: 30 points below full on core items (less when the total is higher)
    form: dict[str, object] = field(default_factory=dict)  # overrides of valid_form
    veto_fail: str = ""  # a 必备条件 code filled 不符合
    na: tuple[str, ...] = ()  # items filled 不适用 in every stage (the total is then re-based)
    self_total: Decimal | None = None  # 自评; None = full marks
    seed: int = 0  # picks the credit code
    file: str = ""  # file name without .xlsx; default from the seed

    @property
    def code(self) -> str:
        return self.form.get("credit_code") or code_for(self.seed)


def code_for(seed: int) -> str:
    return random_credit_code(random.Random(f"inst-{seed}"))


def stage_scores(rubric: Rubric, total: Decimal, core: Decimal) -> tuple[dict[str, object], dict[str, str]]:
    """(item code -> score, item code -> 扣分说明) reaching exactly `total` with `core` on the core items."""
    core_loss = rubric.core_total - Decimal(core)
    other_loss = rubric.total - Decimal(total) - core_loss
    if core_loss < 0 or other_loss < 0:
        raise ValueError(f"cannot reach total {total} with core {core}")
    scores: dict[str, object] = {i.code: (PASS if i.veto else i.points) for i in rubric.items}
    notes: dict[str, str] = {}
    remaining = {True: core_loss, False: other_loss}
    for item in rubric.scored_items:
        if item.rule != GRADED or not remaining[item.core]:
            continue
        take = min(remaining[item.core], item.points)
        remaining[item.core] -= take
        scores[item.code] = item.points - take
        notes[item.code] = f"扣 {take} 分：资料不全"
    if any(remaining.values()):
        raise ValueError(f"cannot reach total {total} with core {core} on graded items")
    return scores, notes


def fill_inst(template: Path, folder: Path, rubric: Rubric, inst: Inst) -> Path:
    form = {**valid_form(inst.seed), "name": inst.name, "district": inst.district, "credit_code": inst.code,
            **inst.form}
    core = inst.core if inst.core is not None else rubric.core_total - min(Decimal(30), rubric.total - inst.total)
    city, notes = stage_scores(rubric, inst.total, core)
    if inst.veto_fail:
        city[inst.veto_fail] = FAIL
        notes[inst.veto_fail] = "现场核验不符合"
    scores = full_scores(rubric)
    scores["city"], scores["county"] = city, dict(city)
    if inst.self_total is not None:
        scores["self"] = stage_scores(rubric, inst.self_total, rubric.core_total)[0]
    for stage in scores.values():
        stage.update({code: NOT_APPLICABLE for code in inst.na})
    path = folder / f"{inst.file or f'inst{inst.seed:03d}'}.xlsx"
    fill_workbook(template, path, rubric, {k: v for k, v in form.items() if not _is_formula(v)}, scores, notes)
    literal = {field_cell(rubric, k): v for k, v in form.items() if _is_formula(v)}
    if literal:  # text that Excel would take for a formula is stored as typed text ('=...)
        store_text(path, layout.form_sheet(rubric), literal)
    return path


def _is_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith("=")


def make_folder(folder: Path, template: Path, rubric: Rubric, insts: list[Inst]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for inst in insts:
        fill_inst(template, folder, rubric, inst)
    return folder


def clear_field(path: Path, rubric: Rubric, key: str) -> None:
    """Empty one 申报表 field of a filled workbook (as if the institution left it blank)."""
    wb = openpyxl.load_workbook(path)
    wb[layout.form_sheet(rubric)][field_cell(rubric, key)].value = None
    wb.save(path)


def sheet_rows(wb, name: str, first: str = "") -> list[dict[str, object]]:
    """A results sheet's table as dicts keyed by its header row. The header is found, not assumed in
    row 1 (printable sheets have a title, issuer and date above it): by default the autofilter's first
    row, the table ending at the autofilter's last row (a signature line may follow); with `first`, the
    first row whose column A holds `first`, the table ending at the first row with column A empty."""
    ws = wb[name]
    if first:
        rows = list(ws.iter_rows(values_only=True))
        start = next(n for n, r in enumerate(rows) if r and r[0] == first)
        end = next((n for n in range(start + 1, len(rows)) if rows[n][0] in (None, "")), len(rows))
        header, body = rows[start], rows[start + 1:end]
    else:
        low, high = header_span(ws)
        rows = list(ws.iter_rows(min_row=low, max_row=high, values_only=True))
        header, body = rows[0], [r for r in rows[1:] if any(v is not None for v in r)]  # an empty list: one blank row
    return [dict(zip(header, r, strict=False)) for r in body]


def header_span(ws) -> tuple[int, int]:
    """(header row, last row) of a list sheet, 1-based, from its autofilter range (e.g. A3:J36 -> (3, 36))."""
    ref = ws.auto_filter.ref
    assert ref, f"{ws.title} has no autofilter"
    top, bottom = ref.split(":")
    return int("".join(ch for ch in top if ch.isdigit())), int("".join(ch for ch in bottom if ch.isdigit()))


def header_of(ws) -> list[object]:
    """The header row of a list sheet (under its printable heading, if any)."""
    row, _ = header_span(ws)
    return [c.value for c in ws[row]]

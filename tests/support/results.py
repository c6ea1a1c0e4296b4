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


def sheet_rows(wb, name: str) -> list[dict[str, object]]:
    """A results sheet's rows as dicts keyed by the header in row 1."""
    rows = list(wb[name].iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, r, strict=True)) for r in rows[1:]]

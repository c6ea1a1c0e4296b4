"""Validation: raw cells → a typed ``Submission`` plus located issues.

For the chosen stage every 必备条件 and scored item must have an allowed value, and 不适用
only where the item's condition on the form allows it (na_when); earlier stages are parsed
for comparison only (a bad value there is a warning).
Form fields are checked whatever the stage. Nothing after this module sees
strings, cells or a spreadsheet library.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from tuoyu_excel.intake.credit_code import credit_code_problem
from tuoyu_excel.intake.normalize import (
    Parsed,
    decimal_of_number,
    parse_choice,
    parse_code,
    parse_count,
    parse_date,
    parse_pass_fail,
    parse_phone,
    parse_score,
    parse_text,
    parse_yes_no,
    snap,
)
from tuoyu_excel.intake.reader import Cell, RawWorkbook
from tuoyu_excel.issues import IssueLog
from tuoyu_excel.layout.submission import cell_name
from tuoyu_excel.spec.model import COMPUTED_RULES, FAIL, GRADED, NOT_APPLICABLE, PASS, Item, Rubric

Score = Decimal | str | None  # points, 不适用, 符合/不符合 (必备条件), or None when blank/invalid


@dataclass
class Submission:
    """One workbook's typed content."""

    file: str
    path: Path
    form: dict[str, object] = field(default_factory=dict)  # field key -> Decimal/str/date/None
    scores: dict[str, dict[str, Score]] = field(default_factory=dict)  # stage -> item code -> value
    notes: dict[str, str] = field(default_factory=dict)  # item code -> 扣分说明
    cells: dict[str, str] = field(default_factory=dict)  # "field:key" / "score:stage:code" / "assessor:stage" -> sheet!A1
    assessors: dict[str, str] = field(default_factory=dict)  # assessing stage -> 评分人 named in the workbook
    item_rows: dict[str, int] = field(default_factory=dict)  # item code -> 0-based row in the score sheet
    stage_cols: dict[str, int] = field(default_factory=dict)  # stage -> 0-based score column

    def score_cell(self, stage: str, code: str) -> str:
        """The A1 name of an item's score cell for `stage` ("" when the row or column was not read)."""
        if code not in self.item_rows or stage not in self.stage_cols:
            return ""
        return cell_name(self.item_rows[code], self.stage_cols[stage])

    def text(self, key: str) -> str:
        value = self.form.get(key)
        return "" if value is None else str(value)


def validate(raw: RawWorkbook, rubric: Rubric, stage: str, eval_date: dt.date, log: IssueLog) -> Submission:
    sub = Submission(file=raw.file, path=raw.path)
    _validate_form(raw, rubric, eval_date, sub, log)
    _validate_limits(raw, rubric, sub, log)
    keys = [s.key for s in rubric.stages]
    no_cells: dict[str, Cell] = {}
    rows = [(item, raw.scores.get(item.code, no_cells), accepted) for item, accepted in _accepted_values(rubric)]
    for s in keys[: keys.index(stage) + 1]:
        values = sub.scores[s] = {}
        strict, header = s == stage, rubric.stage(s).header
        for cells in raw.scores.values():  # every item row has the same stage columns
            sub.stage_cols[s] = cells[s].col
            break
        for item, cells, accepted in rows:
            cell = cells.get(s)
            if cell is None:
                continue
            sub.item_rows[item.code] = cell.row
            if item.rule in COMPUTED_RULES:  # the tool recomputes it and points at the typed cell when they differ
                sub.cells[f"score:{s}:{item.code}"] = f"{cell.sheet}!{cell.a1}"
            clean = accepted_score(accepted, cell.value)  # the common case, looked up
            values[item.code] = clean if clean is not None else _item_value(item, cell, strict, header, log)
    for s, cell in raw.assessors.items():
        sub.cells[f"assessor:{s}"] = f"{cell.sheet}!{cell.a1}"
        name = "" if cell.blank else parse_text(cell.value).value
        if name:
            sub.assessors[s] = name
    for code, cell in raw.notes.items():
        if cell.value != "":  # most items carry no note
            note = parse_text(cell.value).value
            if note:
                sub.notes[code] = note
    _check_na_conditions(raw, rubric, stage, sub, log)
    _check_notes(raw, rubric, stage, sub, log)
    return sub


# ---- form -------------------------------------------------------------------------------------

def _validate_form(raw: RawWorkbook, rubric: Rubric, eval_date: dt.date, sub: Submission, log: IssueLog) -> None:
    for f in rubric.form:
        cell = raw.fields.get(f.key)
        if cell is None:
            continue  # FIELD_MISSING already reported by the reader
        sub.cells[f"field:{f.key}"] = f"{cell.sheet}!{cell.a1}"
        parsed = _parse_field(f, cell.value, rubric)
        if parsed.blank:
            if f.required:
                log.add("VALUE_REQUIRED", cell.sheet, cell.a1, label=f.label)
            sub.form[f.key] = None
            continue
        if parsed.code:
            log.add(parsed.code, cell.sheet, cell.a1, label=f.label, **parsed.context)
        sub.form[f.key] = parsed.value if parsed.ok else None
        if parsed.ok and f.type == "date" and parsed.value > eval_date:
            log.add("FIELD_DATE_FUTURE", cell.sheet, cell.a1, found=parsed.value, expected=eval_date, label=f.label)
            sub.form[f.key] = None
        if parsed.ok and f.type == "credit_code":
            problem = credit_code_problem(parsed.value)
            if problem:
                log.add("FIELD_CREDIT_CODE", cell.sheet, cell.a1, found=parsed.value, detail=problem)
                sub.form[f.key] = None


def _parse_field(f, value: object, rubric: Rubric) -> Parsed:
    if f.type == "date":
        return parse_date(value)
    if f.type in ("int", "number"):
        return parse_count(value, integer=f.type == "int")
    if f.type == "yesno":
        return parse_yes_no(value)
    if f.type == "choice":
        return parse_choice(value, f.choices)
    if f.type in ("district", "city"):  # the choices the kind's settings list (县区 / 城市)
        return parse_choice(value, rubric.choices_for(f.type))
    if f.type == "credit_code":
        return parse_code(value)
    if f.type == "phone":
        return parse_phone(value)
    return parse_text(value)


def _validate_limits(raw: RawWorkbook, rubric: Rubric, sub: Submission, log: IssueLog) -> None:
    """A count that may not exceed another (实际收托人数 ≤ 备案托位数; a rate's numerator ≤ its denominator)."""
    for small, big in rubric.limits:
        a, b = sub.form.get(small), sub.form.get(big)
        if isinstance(a, Decimal) and isinstance(b, Decimal) and a > b:
            cell = raw.fields[small]
            if (small, big) == (rubric.report.enrolled_field, rubric.report.capacity_field):
                log.add("ENROLLED_OVER_CAPACITY", cell.sheet, cell.a1, found=a, expected=b)
            else:
                log.add("RATE_NUMERATOR_OVER", cell.sheet, cell.a1, found=a, expected=b,
                        label=rubric.field_by_key[small].label, other=rubric.field_by_key[big].label)


# ---- scores -----------------------------------------------------------------------------------

_ACCEPTED: dict[int, tuple[Rubric, list[tuple[Item, dict[object, Score] | None]]]] = {}
_MAX_RUBRICS = 8
_MAX_ACCEPTED = 20_000  # values listed per item; an item with more (a very fine grid) is checked one by one


def _accepted_values(rubric: Rubric) -> list[tuple[Item, dict[object, Score] | None]]:
    """Each item with the cell values it accepts as they stand (what ``_clean_value`` returns for them), or
    None where they are too many to list. Built once per rubric: every workbook asks for every item."""
    cached = _ACCEPTED.get(id(rubric))
    if cached is None or cached[0] is not rubric:
        if len(_ACCEPTED) >= _MAX_RUBRICS:  # a window may load one custom rubric after another: keep a few
            _ACCEPTED.clear()
        cached = _ACCEPTED[id(rubric)] = (rubric, [(item, _accepted(item)) for item in rubric.items])
    return cached[1]


def accepted_score(accepted: dict[object, Score] | None, value: object) -> Score:
    """`value` as its item's table (``_accepted_values``) accepts it as it stands, else None (True is no
    number, though True == 1)."""
    return accepted.get(value) if accepted is not None and type(value) is not bool else None


def _accepted(item: Item) -> dict[object, Score] | None:
    if item.veto:
        return {PASS: PASS, FAIL: FAIL}
    scores = item.allowed_values()
    if scores is None:  # graded: the multiples of the step from 0 to 分值
        if item.step <= 0 or item.points / item.step > _MAX_ACCEPTED:
            return None
        scores = frozenset(k * item.step for k in range(int(item.points / item.step) + 1))
    elif len(scores) > _MAX_ACCEPTED:
        return None
    accepted: dict[object, Score] = {}
    for score in scores:
        number = float(score)  # the one float whose value is the score (ints are found by it too: 10 == 10.0)
        clean = _clean_value(item, number)
        if clean is not None:
            accepted[number] = clean
    return accepted


def _clean_value(item: Item, value: object) -> Score:
    """The common case, checked cheaply: a number the rule allows, or 符合 typed as such. None otherwise."""
    if item.veto:
        return value if value in (PASS, FAIL) else None
    if type(value) is not float and type(value) is not int:
        return None
    number = decimal_of_number(value)
    if not number.is_finite():  # NaN or ±inf (a crafted <v>NaN</v>): the slow path says why
        return None
    allowed = item.allowed_values()
    if allowed is not None:
        return number if number in allowed else None
    ok = 0 <= number <= item.points and number % item.step == 0
    return number if ok else None


def _item_value(item: Item, cell: Cell, strict: bool, header: str, log: IssueLog) -> Score:
    clean = _clean_value(item, cell.value)
    if clean is not None:
        return clean
    problems: list[tuple[str, dict]] = []
    value = _check_item(item, cell.value, problems, required=strict and not item.computed)
    for code, context in problems:
        if strict or code in ("SCORE_TEXT_NUMBER", "SCORE_WITH_UNIT"):
            log.add(code, cell.sheet, cell.a1, **context)
        else:  # an earlier stage: compared, not required
            log.add("EARLIER_STAGE_VALUE", cell.sheet, cell.a1, found=context.get("found", ""),
                    detail=header)
            return None
    return value


def _check_item(item: Item, value: object, problems: list, required: bool) -> Score:
    """The typed value of one score cell; problems appended as (code, context)."""
    if item.veto:
        parsed = parse_pass_fail(value)
        choices = "、".join([PASS, FAIL] + ([NOT_APPLICABLE] if item.allow_na else []))
        if parsed.code:
            problems.append((parsed.code, {**parsed.context, "expected": choices}))
            return None
    else:
        parsed = parse_score(value, item.allow_na)
        if parsed.code:
            problems.append((parsed.code, parsed.context))
            if not parsed.ok:
                return None
    if parsed.blank:
        if required:
            problems.append(("VALUE_REQUIRED", {"label": f"{item.code} {item.title}"}))
        return None
    if parsed.value == NOT_APPLICABLE and not item.allow_na:
        problems.append(("NA_NOT_ALLOWED", {"found": NOT_APPLICABLE}))
        return None
    if isinstance(parsed.value, Decimal):
        return _check_points(item, parsed.value, problems)
    return parsed.value


def _check_points(item: Item, number: Decimal, problems: list) -> Decimal | None:
    allowed = item.allowed_values()
    number = snap(number, item.step if item.rule == GRADED else Decimal("0.5"))
    if allowed is not None and number not in allowed:
        number = next((a for a in allowed if abs(a - number) <= Decimal("1e-6")), number)
    if number < 0:
        problems.append(("SCORE_NEGATIVE", {"found": number}))
    elif number > item.points:
        problems.append(("SCORE_OVER_MAX", {"found": number, "expected": item.points}))
    elif allowed is not None and number not in allowed:
        shown = "、".join(format(v.normalize(), "f") for v in sorted(allowed, reverse=True))
        problems.append(("SCORE_NOT_ALLOWED", {"found": number, "expected": shown}))
    elif item.rule == GRADED and number % item.step != 0:
        problems.append(("SCORE_STEP", {"found": number, "expected": item.step}))
    else:
        return number
    return None


def _check_na_conditions(raw: RawWorkbook, rubric: Rubric, stage: str, sub: Submission, log: IssueLog) -> None:
    """An item's condition on a form field (na_when): 不适用 only while the field holds one of the listed values,
    and with `only` nothing else then. Judged for the stage being scored (earlier stages are only compared, as
    for 扣分说明), once the field reads cleanly (else the field's own issue stands)."""
    values = sub.scores[stage]
    for item in rubric.items:
        c = item.na_when
        shown = sub.form.get(c.field) if c else None
        value = values.get(item.code)
        if shown is None or value is None:
            continue
        na, holds = value == NOT_APPLICABLE, c.holds(shown)
        code = "NA_CONDITION_UNMET" if na and not holds else "NA_REQUIRED" if holds and c.only and not na else ""
        if not code:
            continue
        cell, form_cell = raw.scores[item.code][stage], raw.fields[c.field]
        values[item.code] = None
        log.add(code, cell.sheet, cell.a1, found=value, expected="、".join(c.equals) if na else NOT_APPLICABLE,
                label=f"{item.code} {item.title}", field=rubric.field_by_key[c.field].label, detail=shown,
                other=f"“{form_cell.sheet}”工作表 {form_cell.a1} 单元格")


def _check_notes(raw: RawWorkbook, rubric: Rubric, stage: str, sub: Submission, log: IssueLog) -> None:
    for item in rubric.items:
        value = sub.scores.get(stage, {}).get(item.code)
        lost = (value == FAIL) if item.veto else (isinstance(value, Decimal) and value < item.points)
        if lost and item.code not in sub.notes and not item.computed:
            cell = raw.notes.get(item.code) or raw.scores[item.code][stage]  # no 扣分说明 cell: point at the score
            log.add("NOTE_MISSING", cell.sheet, cell.a1, found=value, expected=PASS if item.veto else item.points)

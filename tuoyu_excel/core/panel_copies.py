"""Panel mode over a folder: the copies of one institution's workbook, one per assessor, become one result.

The copies (same 统一社会信用代码 / 城市名称) must each name a different 评分人 and agree on the form
(申报表) and on every earlier stage's scores; then the checked stage's item scores are combined by
``core.panel.combine`` (the rubric's rule) and scored, judged and ranked like one workbook. A copy with
errors, a missing or repeated 评分人, copies that differ, or a split 必备条件 / 不适用 leave every copy of
that institution unscored, each with an issue naming the other files and the cells; the other
institutions are rated as usual.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

from tuoyu_excel.core.panel import Assessment, Panel, combine
from tuoyu_excel.core.results import Assess, FileResult, stage_cards
from tuoyu_excel.core.scoring import score
from tuoyu_excel.issues import make_issue
from tuoyu_excel.layout.submission import SCORE_SHEET
from tuoyu_excel.spec.model import Rubric

SHOWN_CELLS = 5  # differing cells listed in one issue


def combine_copies(files: list[FileResult], rubric: Rubric, stage: str, eval_date: dt.date,
                   assess: Assess | None) -> list[FileResult]:
    """The folder's results with each institution's copies folded into one (at its first copy's place)."""
    groups: dict[str, list[FileResult]] = {}
    for f in files:
        key = f.submission.text(rubric.identity_field) if f.submission is not None else ""
        if key:
            groups.setdefault(key, []).append(f)
    out: list[FileResult] = []
    for f in files:
        key = f.submission.text(rubric.identity_field) if f.submission is not None else ""
        same = groups.get(key, [])
        if len(same) < 2:
            out.append(f)
        elif f is same[0]:
            out += _combine_group(sorted(same, key=lambda c: c.file), rubric, stage, eval_date, assess)
    return out


def _combine_group(copies: list[FileResult], rubric: Rubric, stage: str, eval_date: dt.date,
                   assess: Assess | None) -> list[FileResult]:
    broken = [c for c in copies if c.card is None]
    if broken:
        names = "、".join(c.file for c in broken)
        for c in copies:
            if c.card is not None:
                c.issues.append(make_issue("PANEL_COPY_UNSCORED", c.file, other=names))
        return _unscored(copies)
    refused = _assessor_problems(copies, rubric, stage) + _differences(copies, rubric, stage)
    if refused:
        return _unscored(copies)
    panel = combine(rubric, [(c.submission.assessors[stage], c.submission.scores.get(stage, {})) for c in copies])
    if panel.splits:
        for split in panel.splits:
            _report_split(copies, rubric, stage, split)
        return _unscored(copies)
    return [_panel_result(copies, rubric, stage, eval_date, assess, panel)]


def _unscored(copies: list[FileResult]) -> list[FileResult]:
    for c in copies:
        c.card, c.stage_cards, c.reasons = None, {}, []
    return copies


def _assessor_problems(copies: list[FileResult], rubric: Rubric, stage: str) -> list[FileResult]:
    """Every copy names its 评分人 for the checked stage, each a different one."""
    found: list[FileResult] = []
    label = rubric.stage(stage).label
    by_name: dict[str, list[FileResult]] = {}
    for c in copies:
        name = c.submission.assessors.get(stage, "")
        others = "、".join(o.file for o in copies if o is not c)
        where = c.submission.cells.get(f"assessor:{stage}")
        if where is None:  # no 评分人 row: a copy filled on a layout-1 template
            c.issues.append(make_issue("PANEL_ASSESSOR_NO_ROW", c.file, SCORE_SHEET, label=label, other=others))
            found.append(c)
        elif not name:
            sheet, _, a1 = where.partition("!")
            c.issues.append(make_issue("PANEL_ASSESSOR_MISSING", c.file, sheet, a1, label=label, other=others))
            found.append(c)
        by_name.setdefault(name, []).append(c)
    for name, same in by_name.items():
        if name and len(same) > 1:
            for c in same:
                sheet, _, a1 = c.submission.cells[f"assessor:{stage}"].partition("!")
                others = "、".join(o.file for o in same if o is not c)
                c.issues.append(make_issue("PANEL_ASSESSOR_SAME", c.file, sheet, a1, found=name, other=others))
                found.append(c)
    return found


def _differences(copies: list[FileResult], rubric: Rubric, stage: str) -> list[FileResult]:
    """Each copy against the first: the form and every earlier stage's scores must be the same."""
    first, found = copies[0], []
    for c in copies[1:]:
        diffs = list(_differing_cells(first, c, rubric, stage))
        if not diffs:
            continue
        for here, there in ((c, first), (first, c)):
            where = [(_where(here, key), _value(here, key), _value(there, key)) for key in diffs]
            listed = "、".join(w for w, _, _ in where[:SHOWN_CELLS]) + ("……" if len(where) > SHOWN_CELLS else "")
            sheet, _, a1 = where[0][0].partition("!")
            here.issues.append(make_issue("PANEL_COPIES_DIFFER", here.file, sheet, a1, found=where[0][1],
                                          expected=where[0][2], other=there.file, value=len(where), detail=listed))
        found.append(c)
    return found


def _differing_cells(a: FileResult, b: FileResult, rubric: Rubric, stage: str) -> Iterator[str]:
    """Keys ("field:<key>" / "score:<stage>:<code>") where two copies differ."""
    if a.submission.form != b.submission.form:  # (whole dicts first: copies agree, and this is one C loop)
        for f in rubric.form:
            if a.submission.form.get(f.key) != b.submission.form.get(f.key):
                yield f"field:{f.key}"
    keys = [s.key for s in rubric.stages]
    for s in keys[: keys.index(stage)]:
        mine, theirs = a.submission.scores.get(s, {}), b.submission.scores.get(s, {})
        if mine == theirs:
            continue
        for item in rubric.items:
            if mine.get(item.code) != theirs.get(item.code):
                yield f"score:{s}:{item.code}"


def _where(f: FileResult, key: str) -> str:
    if key.startswith("field:"):
        return f.submission.cells.get(key, "")
    _, s, code = key.split(":")
    return f"{SCORE_SHEET}!{f.submission.score_cell(s, code)}"


def _value(f: FileResult, key: str) -> object:
    if key.startswith("field:"):
        value = f.submission.form.get(key.removeprefix("field:"))
    else:
        _, s, code = key.split(":")
        value = f.submission.scores.get(s, {}).get(code)
    return "（空）" if value is None or value == "" else value


def _report_split(copies: list[FileResult], rubric: Rubric, stage: str, split) -> None:
    item = rubric.item_by_code[split.item]
    said = "；".join(f"{who}：{'（空）' if value is None else value}" for who, value in split.said)
    for c in copies:
        c.issues.append(make_issue("PANEL_SPLIT", c.file, SCORE_SHEET, c.submission.score_cell(stage, item.code),
                                   found=said, label=f"{item.code} {item.title}"))


def _panel_result(copies: list[FileResult], rubric: Rubric, stage: str, eval_date: dt.date,
                  assess: Assess | None, panel) -> FileResult:
    """The first copy carries the panel: its form, the averaged scores, every copy's issues (warnings)."""
    first = copies[0]
    sub = dataclasses.replace(first.submission, scores={**first.submission.scores, stage: panel.scores})
    card = score(sub, rubric, stage)
    assessments = sorted((Assessment(c.submission.assessors[stage], c.file, c.sha256, c.card, c.path) for c in copies),
                         key=lambda a: a.assessor)
    # the earlier stages are the same in every copy (checked): their cards are the first copy's
    cards = {**first.stage_cards, stage: card} if first.stage_cards else stage_cards(sub, card, rubric, stage)
    result = dataclasses.replace(first, submission=sub, card=card, stage_cards=cards,
                                 issues=[i for c in copies for i in c.issues],
                                 panel=Panel(stage, tuple(assessments), panel.spreads))
    result.reasons = assess(sub, card, rubric, eval_date) if assess is not None else []
    return result


def assessor_counts(files: list[FileResult]) -> str:
    """How many assessors scored the scored institutions: “3 位评分人 2 家，单份表格 1 家”."""
    sizes: dict[int, int] = {}
    for f in files:
        if f.card is not None:
            n = len(f.panel.copies) if f.panel else 1
            sizes[n] = sizes.get(n, 0) + 1
    parts = [f"{n} 位评分人 {count} 家" if n > 1 else f"单份表格 {count} 家" for n, count in sorted(sizes.items(), reverse=True)]
    return "，".join(parts) or "无"


"""Builders for city (示范城市) test inputs: a city's 基础数据, its 评分表 scores, filled workbooks.

    from support.city import city_form, city_scores, write_city
    write_city(folder, template, rubric, "南宁市", population=8_000_000, nursery_places=32_000)
"""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl

from support import CITY_EVAL_DATE
from support.star import store_text  # noqa: F401 - re-exported for the city tests
from tuoyu_excel.intake.validate import Submission
from tuoyu_excel.layout import submission as layout
from tuoyu_excel.layout.averages import FIRST_ROW
from tuoyu_excel.render.averages_template import write_averages_template
from tuoyu_excel.render.template.fill import fill_workbook
from tuoyu_excel.spec.comparative import comparative_items
from tuoyu_excel.spec.model import Rubric

REPORT_DATE = dt.date(2026, 3, 31)
EVAL_DATE = CITY_EVAL_DATE
NOTE = "未达到评分标准"


def city_form(name: str, **figures: object) -> dict[str, object]:
    """Every 基础数据 field filled validly for `name`; `figures` override the defaults."""
    form: dict[str, object] = dict(
        city_name=name, reporter=f"{name}卫生健康委员会", contact="张三", phone="0771-1234567",
        report_date=REPORT_DATE, population=1_000_000, nursery_places=3_500, county_total=10, county_centers=5,
        orgs_registered=100, orgs_filed=80, infants=100_000, infants_enrolled=8_000,
        city_joint_meeting="是", counties_no_joint_meeting=0,
    )
    form.update(figures)
    return form


def city_scores(rubric: Rubric, stage: str = "review", lost: tuple[str, ...] = (),
                typed: dict[str, object] | None = None) -> dict[str, dict[str, object]]:
    """Full points on every item the evaluator scores, 0 on `lost`; computed items blank unless in `typed`."""
    values: dict[str, object] = {i.code: (Decimal(0) if i.code in lost else i.points)
                                 for i in rubric.items if not i.computed}
    values.update(typed or {})
    return {stage: values}


def write_city(folder: Path, template: Path, rubric: Rubric, name: str, lost: tuple[str, ...] = (),
               typed: dict[str, object] | None = None, file: str | None = None, stage: str = "review",
               **figures: object) -> Path:
    """Fill the template for one city as an evaluator would (扣分说明 written for every lost item)."""
    out = folder / (file or f"{name}.xlsx")
    return fill_workbook(template, out, rubric, city_form(name, **figures), city_scores(rubric, stage, lost, typed),
                         notes={code: NOTE for code in lost})


def city_submission(rubric: Rubric, name: str, stage: str = "review", lost: tuple[str, ...] = (),
                    typed: dict[str, object] | None = None, **figures: object) -> Submission:
    """What validation would make of `write_city`'s workbook, without a workbook (for the pure core)."""
    form = {k: Decimal(v) if isinstance(v, int) else v for k, v in city_form(name, **figures).items()}
    scores = {stage: {c: Decimal(str(v)) if isinstance(v, (int, float, Decimal)) else v
                      for c, v in city_scores(rubric, stage, lost, typed)[stage].items()}}
    return Submission(file=f"{name}.xlsx", path=Path(f"{name}.xlsx"), form=form, scores=scores,
                      notes={code: NOTE for code in lost}, cells=template_cells(rubric))


def template_cells(rubric: Rubric) -> dict[str, str]:
    """"field:key" / "score:stage:code" -> sheet!A1, where the template puts them."""
    form = layout.form_sheet(rubric)
    cells = {f"field:{k}": f"{form}!{layout.cell_name(r, layout.FORM_VALUE_COL)}"
             for k, r in layout.form_field_rows(rubric).items()}
    for s in rubric.stages:
        col = layout.column_index(rubric, s.header)
        for n, row in enumerate(layout.score_rows(rubric)):
            if row.kind == "item":
                cells[f"score:{s.key}:{row.item.code}"] = f"{layout.SCORE_SHEET}!{layout.cell_name(layout.SCORE_FIRST_ROW + n, col)}"
    return cells


def score_cell(rubric: Rubric, stage: str, code: str) -> str:
    """A1 name of an item's score cell for `stage` in the city template's 评分表."""
    return template_cells(rubric)[f"score:{stage}:{code}"].split("!")[1]


def write_official(folder: Path, rubric: Rubric, values: dict[str, object], name: str = "官方平均水平.xlsx") -> Path:
    """The blank averages template, filled with `values` (indicator title -> value) as an official would."""
    blank = write_averages_template(rubric, folder / "blank")
    wb = openpyxl.load_workbook(blank)
    ws = wb.worksheets[0]
    titles = [i.title for i in comparative_items(rubric)]
    for n, title in enumerate(titles):
        assert ws.cell(FIRST_ROW + n + 1, 1).value == title
        if title in values:
            ws.cell(FIRST_ROW + n + 1, 2, values[title])
    out = folder / name
    wb.save(out)
    return out


def formulas_in(xlsx: Path) -> list[str]:
    """The text of every <f> (formula) element in every worksheet of `xlsx`."""
    found = []
    with zipfile.ZipFile(xlsx) as z:
        for part in z.namelist():
            if part.startswith("xl/worksheets/") and part.endswith(".xml"):
                text = z.read(part).decode("utf-8")
                found += [chunk.split("</f>")[0] for chunk in text.split("<f>")[1:]]
                found += [chunk.split("</f>")[0] for chunk in text.split("<f ")[1:]]
    return found

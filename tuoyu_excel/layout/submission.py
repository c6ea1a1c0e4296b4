"""Where things sit in our workbooks: the only module that knows sheet names,
header texts, which column is which stage, and where form fields go.

The template writer and the reader both ask this module, so they cannot drift
apart. Readers find rows by 编号 and columns by header text (not by fixed
positions), so the positions here are where the *template* puts things.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from tuoyu_excel.spec.kinds import KINDS, kind_of
from tuoyu_excel.spec.model import FormField, Item, Part, Rubric

LAYOUT_VERSION = "2"  # 2: a 评分人 row under the score sheet's totals (panel scoring)
READABLE_LAYOUTS = ("1", LAYOUT_VERSION)  # layout 1 (no 评分人 row) still reads, without panel mode

GUIDE_SHEET = "填表说明"
SCORE_SHEET = "评分表"
META_SHEET = "_tuoyu_meta"  # very hidden: rubric id, version, hash, layout version
FORM_SHEETS = {key: kind.form_sheet for key, kind in KINDS.items()}  # every kind's form sheet

# Metadata keys, in the order written to META_SHEET (key in column A, value in B).
META_KEYS = ("tool", "kind", "rubric_id", "rubric_version", "rubric_hash", "layout_version")
META_TOOL = "tuoyu_excel"

# Score-sheet column headers.
H_CODE = "编号"
H_PART = "部分"
H_TITLE = "项目"
H_CONTENT = "评估内容"
H_CRITERIA = "评分标准"
H_POINTS = "分值"
H_CORE = "核心指标"
H_METHOD = "评估方式"
H_NOTE = "扣分说明"
H_EVIDENCE = "佐证材料"
H_FINDINGS = "评估情况"

CORE_MARK = "★"
ASSESSOR_LABEL = "评分人"  # the score sheet's last row: who scored each assessing stage (panel scoring)

# Rows (0-based, as XlsxWriter counts) of the score sheet.
SCORE_TITLE_ROW = 0
SCORE_INFO_ROW = 1
SCORE_HEADER_ROW = 2
SCORE_FIRST_ROW = 3

# Form sheet: label in column A, input immediately to its right, a hint after it.
FORM_TITLE_ROW = 0
FORM_INFO_ROW = 1
FORM_FIRST_ROW = 3
FORM_LABEL_COL = 0
FORM_VALUE_COL = 1
FORM_HINT_COL = 2


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    stage: str = ""  # stage key for a score column
    input: bool = False  # people type into this column


OPTIONAL_MARK = "（选填）"  # after the label of a field that may stay blank


def field_label(field: FormField) -> str:
    """The label shown left of a form field's input cell."""
    return field.label + ("" if field.required else OPTIONAL_MARK)


def label_key(folded_label: str) -> str:
    """A folded label as typed in a workbook, without the optional-field mark (either width)."""
    return folded_label.removesuffix(OPTIONAL_MARK).removesuffix("(选填)")


def form_sheet(rubric: Rubric) -> str:
    return kind_of(rubric).form_sheet


def title(rubric: Rubric) -> str:
    return rubric.name


def score_columns(rubric: Rubric) -> list[Column]:
    cols = [Column(H_CODE, 7), Column(H_PART, 11), Column(H_TITLE, 16), Column(H_CONTENT, 46),
            Column(H_CRITERIA, 40), Column(H_POINTS, 6), Column(H_CORE, 6)]
    kind = kind_of(rubric)
    cols += [Column(H_METHOD, 14)] if kind.shows_method else []
    cols += [Column(s.header, 10, stage=s.key, input=True) for s in rubric.stages]
    cols.append(Column(H_NOTE, 24, input=True))
    header, width, is_input = kind.score_note_column  # 佐证材料 (star) / 评估情况 (city)
    cols.append(Column(header, width, input=is_input))
    return cols


def column_index(rubric: Rubric, header: str) -> int:
    return [c.header for c in score_columns(rubric)].index(header)


@dataclass(frozen=True)
class ScoreRow:
    kind: str  # "part", "item", "total", "core", "core_rate", "assessor"
    part: Part | None = None
    item: Item | None = None


def score_rows(rubric: Rubric) -> list[ScoreRow]:
    """The score sheet's body from SCORE_FIRST_ROW on: each part heading, then its items."""
    rows: list[ScoreRow] = []
    for part in rubric.parts:
        rows.append(ScoreRow("part", part=part))
        rows += [ScoreRow("item", part=part, item=i) for i in rubric.part_items(part.code)]
    rows.append(ScoreRow("total"))
    if rubric.core_total:
        rows += [ScoreRow("core"), ScoreRow("core_rate")]
    rows.append(ScoreRow("assessor"))
    return rows


def assessing_stages(rubric: Rubric) -> tuple[str, ...]:
    """Stages scored by assessors rather than by the subject itself: every stage after the first (自评)."""
    return tuple(s.key for s in rubric.stages[1:])


@dataclass(frozen=True)
class FormRow:
    kind: str  # "section" or "field"
    text: str
    field: FormField | None = None


def form_rows(rubric: Rubric) -> list[FormRow]:
    """The form sheet's body from FORM_FIRST_ROW on: section headings and fields."""
    rows: list[FormRow] = []
    section = None
    for f in rubric.form:
        if f.section and f.section != section:
            section = f.section
            rows.append(FormRow("section", section))
        rows.append(FormRow("field", f.label, f))
    return rows


def metadata(rubric: Rubric) -> dict[str, str]:
    return {"tool": META_TOOL, "kind": rubric.kind, "rubric_id": rubric.id, "rubric_version": rubric.version,
            "rubric_hash": rubric.content_hash, "layout_version": LAYOUT_VERSION}


def template_filename(rubric: Rubric) -> str:
    return f"{kind_of(rubric).template_title}_{rubric.version}版.xlsx"


@lru_cache(maxsize=16384)
def cell_name(row: int, col: int) -> str:
    """0-based (row, col) -> A1 name."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"


def form_field_rows(rubric: Rubric) -> dict[str, int]:
    """Field key -> 0-based row of its input cell in the template's form sheet."""
    return {r.field.key: FORM_FIRST_ROW + n for n, r in enumerate(form_rows(rubric)) if r.kind == "field"}


"""The kinds of evaluation, as data: what differs between a star rating and a city scoring.

Every difference between kinds that is a word, a name or a set lives here, keyed by the rubric's
``kind``; code asks ``kind_of(rubric)`` instead of branching on the kind. What *runs* a kind (its
evaluator, its results writer, its summary) is registered one layer up, in ``app/kinds.py``.
A third kind of evaluation is a new entry here and there, not new branches across the package.
"""

from __future__ import annotations

from dataclasses import dataclass

from tuoyu_excel.spec.model import (
    ALL_OR_NOTHING,
    COMPARATIVE,
    DEDUCTION,
    GRADED,
    PASS_FAIL,
    PER_UNIT,
    Rubric,
)


@dataclass(frozen=True)
class Kind:
    key: str  # the rubric's `kind`
    label: str  # 星级评定
    title: str  # the kind as a template or results title names it: 星级评定 / 示范城市创建评分
    template_title: str  # the blank workbook's name: 星级评定申报表及评分表 / 示范城市创建评分表
    rules: tuple[str, ...]  # the scoring rules an item of this kind may use
    subject: str  # who fills one workbook: 机构 / 城市
    name_header: str  # the subject's name as a column header: 机构名称 / 城市名称
    form_sheet: str  # the sheet holding the form fields
    fields_title: str  # that form's table in a rubric workbook's 设置 sheet
    score_note_column: tuple[str, int, bool]  # last column of the 评分表: (header, width, an input?)
    duplicate_code: str  # the issue raised when two workbooks are the same subject
    has_veto_part: bool  # the template's guide explains 必备条件
    shows_method: bool  # the 评分表 has an 评估方式 column
    ranks_in_zones: bool  # the rubric's settings hold zones, quotas and star bands
    computes_items: bool  # some items are computed by the tool from the form's figures
    identity_columns: tuple[tuple[str, str], ...]  # (header, field type) listed beside the name in a check summary
    keeps_history: bool  # past ratings are kept in a history workbook (星级评定历史记录)
    checks_eligibility: bool  # a result has eligibility conditions (核心指标得分率, 未达评定条件)


KINDS: dict[str, Kind] = {
    "star": Kind(
        key="star", label="星级评定", title="星级评定", template_title="星级评定申报表及评分表", rules=(PASS_FAIL, ALL_OR_NOTHING, DEDUCTION, GRADED),
        subject="机构", name_header="机构名称", form_sheet="申报表", fields_title="【申报表字段】",
        score_note_column=("佐证材料", 22, False), duplicate_code="DUPLICATE_INSTITUTION",
        has_veto_part=True, shows_method=True, ranks_in_zones=True, computes_items=False,
        identity_columns=(("统一社会信用代码", "credit_code"), ("所在县区", "district")), checks_eligibility=True,
        keeps_history=True,
    ),
    "city": Kind(
        key="city", label="示范城市创建", title="示范城市创建评分", template_title="示范城市创建评分表",
        rules=(ALL_OR_NOTHING, PER_UNIT, COMPARATIVE, GRADED, DEDUCTION),
        subject="城市", name_header="城市名称", form_sheet="基础数据", fields_title="【基础数据字段】",
        score_note_column=("评估情况", 24, True), duplicate_code="DUPLICATE_CITY",
        has_veto_part=False, shows_method=False, ranks_in_zones=False, computes_items=True,
        identity_columns=(), checks_eligibility=False, keeps_history=False,
    ),
}

KIND_LABELS = {key: kind.label for key, kind in KINDS.items()}


def kind_of(rubric: Rubric) -> Kind:
    return KINDS[rubric.kind]

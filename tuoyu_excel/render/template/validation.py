"""Excel data-validation rules for every input cell of a template.

Long rule text goes into visible columns; these messages stay short (Excel caps
titles at 32 and messages at 255 characters, and XlsxWriter silently drops a
validation that breaks a cap: the template writer turns its warnings into errors).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tuoyu_excel.layout import submission as layout
from tuoyu_excel.spec.model import (
    ALL_OR_NOTHING,
    COMPARATIVE,
    DEDUCTION,
    FAIL,
    NO,
    NOT_APPLICABLE,
    PASS,
    PASS_FAIL,
    PER_UNIT,
    YES,
    FormField,
    Item,
    Rubric,
)

EARLIEST_DATE = dt.date(1990, 1, 1)
LATEST_DATE = dt.date(2099, 12, 31)


def _num(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _stop(title: str, message: str, error: str, **rule) -> dict:
    return {**rule, "input_title": title[:32], "input_message": message, "error_title": "输入有误",
            "error_message": error, "error_type": "stop"}


def _list(values: list[str]) -> dict:
    return {"validate": "list", "source": values}


def na_condition(rubric: Rubric, item: Item) -> str:
    """When the item may be 不适用, in words, from its condition on a form field (na_when); "" without one."""
    c = item.na_when
    if c is None:
        return ""
    when = f"{layout.form_sheet(rubric)}“{rubric.field_by_key[c.field].label}”为“{'”或“'.join(c.equals)}”时"
    if c.only:
        return f"{when}须填“{NOT_APPLICABLE}”，其他情况不能填“{NOT_APPLICABLE}”"
    return f"仅{when}可填“{NOT_APPLICABLE}”"


_MESSAGE_CAP = 255  # Excel's cap on an input message


def item_validation(rubric: Rubric, item: Item, first_cell: str) -> dict:
    """Validation for one item's stage cells; `first_cell` is the top-left cell (A1) of the range."""
    pts = _num(item.points)
    condition = na_condition(rubric, item)
    if condition and len(condition) > _MESSAGE_CAP - 60:  # a long field label or value list: the column says it
        condition = f"何时填“{NOT_APPLICABLE}”见“{layout.H_CRITERIA}”列"
    if item.rule == PASS_FAIL:
        choices = [PASS, FAIL] + ([NOT_APPLICABLE] if item.allow_na else [])
        return _stop(f"必备条件 {item.code}", f"请从下拉列表选择：{'/'.join(choices)}。{condition}{'。' if condition else ''}",
                     f"必备条件只能填“{'”或“'.join(choices)}”，请从下拉列表选择。", **_list(choices))
    na = [NOT_APPLICABLE] if item.allow_na else []
    na_text = f"；{condition or '不适用的选“不适用”'}" if item.allow_na else ""
    allowed = item.allowed_values()
    if item.rule in (ALL_OR_NOTHING, COMPARATIVE):
        extra = "（由工具按基础数据核算）" if item.rule == COMPARATIVE else ""
        return _stop(f"{item.code} 满分{pts}分", f"本项只能得 0 分或满分 {pts} 分{extra}{na_text}。",
                     f"{item.code} 只能填 0 或 {pts}{'或“不适用”' if na else ''}。", **_list([pts, "0", *na]))
    if item.rule in (DEDUCTION, PER_UNIT):
        values = [_num(v) for v in sorted(allowed, reverse=True)] + na
        if len(",".join(values)) <= 250:
            return _stop(f"{item.code} 满分{pts}分", f"按扣分标准从满分扣减，可填：{'、'.join(values)}。",
                         f"{item.code} 的得分应为以下之一：{'、'.join(values)}。", **_list(values))
    # graded, or a deduction whose value list is too long for a dropdown
    message = f"填 0 至 {pts} 之间的分数，可保留 0.5 分{na_text}。评分标准见“评分标准”列。"
    error = f"{item.code} 的得分应在 0 至 {pts} 之间{'，或填“不适用”' if na else ''}。"
    if na:
        formula = f'=OR({first_cell}="{NOT_APPLICABLE}",AND(ISNUMBER({first_cell}),{first_cell}>=0,{first_cell}<={pts}))'
        return _stop(f"{item.code} 满分{pts}分", message, error, validate="custom", value=formula)
    return _stop(f"{item.code} 满分{pts}分", message, error, validate="decimal", criteria="between",
                 minimum=0, maximum=float(item.points))


def field_validation(field: FormField, rubric: Rubric) -> dict:
    label = field.label[:24]
    hint = f"{field.hint}。" if field.hint else ""
    t = field.type
    if t in ("district", "city", "yesno", "choice"):
        choices = {"yesno": [YES, NO], "choice": list(field.choices)}.get(t) or list(rubric.choices_for(t))
        return _stop(label, f"请从下拉列表选择。{hint}", f"“{field.label}”只能从下拉列表中选择。", **_list(choices))
    if t == "date":
        return _stop(label, f"填日期，如 2024-03-15。{hint}", "请填写有效日期，格式如 2024-03-15。",
                     validate="date", criteria="between", minimum=EARLIEST_DATE, maximum=LATEST_DATE)
    if t == "int":
        return _stop(label, f"填不小于 0 的整数。{hint}", f"“{field.label}”应为不小于 0 的整数。",
                     validate="integer", criteria=">=", value=0)
    if t == "number":
        return _stop(label, f"填不小于 0 的数字。{hint}", f"“{field.label}”应为不小于 0 的数字。",
                     validate="decimal", criteria=">=", value=0)
    if t == "credit_code":
        return _stop(label, f"18 位统一社会信用代码。{hint}", "统一社会信用代码应为 18 位，请核对营业执照。",
                     validate="length", criteria="==", value=18)
    if t == "phone":
        return _stop(label, f"手机或座机号码。{hint}", "电话号码长度应在 7 至 20 位之间。",
                     validate="length", criteria="between", minimum=7, maximum=20)
    return _stop(label, f"请填写{field.label}。{hint}", f"“{field.label}”不能超过 200 个字。",
                 validate="length", criteria="between", minimum=1, maximum=200)


def note_validation(header: str) -> dict:
    """The free-text columns (扣分说明 / 评估情况): any text up to 500 characters."""
    return _stop(header, "本项扣分时，请写明扣分原因（发现的问题、涉及的班级或人员等）。",
                 f"“{header}”不能超过 500 个字。", validate="length", criteria="<=", value=500)


def assessor_validation(stage_label: str) -> dict:
    """The 评分人 cell of an assessing stage: the name of whoever scored this copy (panel scoring)."""
    return _stop(f"{stage_label}评分人", "填写本份评分的评分人姓名。几位评分人分别评分时，每人各填一份表格、各写自己的姓名。",
                 "评分人姓名不能超过 30 个字。", validate="length", criteria="<=", value=30)

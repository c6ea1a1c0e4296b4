"""A rubric as an editable workbook (规则.xlsx), and back.

``write_rubric_workbook`` writes 说明 / 评分项 / 部分 / 设置 with dropdowns for the closed
choices; ``read_rubric_workbook`` reads one back into a ``Rubric`` (through
``rubric_from_dict``, so every rubric check runs) and raises ``RubricError`` keyed by sheet and
cell; ``workbook_problems`` / ``check_rubric_workbook`` collect every problem instead.
Where things sit is ``rubric_book.py``; reading is ``rubric_excel_read.py`` (the whole workbook,
mapping rubric keys to cells), ``rubric_excel_tables.py`` (评分项, 部分), ``rubric_excel_settings.py``
(设置) and ``rubric_excel_cells.py`` (one cell at a time).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from tuoyu_excel.errors import OutputError
from tuoyu_excel.layout import rubric_book as book
from tuoyu_excel.layout import submission
from tuoyu_excel.render.formats import FONT, make_formats, row_height, setup_print, wrapped, write_guide
from tuoyu_excel.render.xlsx import writing_workbook
from tuoyu_excel.spec.kinds import kind_of
from tuoyu_excel.spec.model import FIELD_TYPES, Rubric

EXTRA_ITEM_ROWS = 200  # rows under the items that keep the dropdowns, for new items


def number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def steps_text(steps: tuple[Decimal, ...]) -> str | int | float:
    if len(steps) == 1:
        return number(steps[0])
    return book.JOIN.join(format(s, "f") for s in steps)


def write_rubric_workbook(rubric: Rubric, path: Path) -> Path:
    """Write `rubric` as an editable workbook at `path` (replacing it) and return the path."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法创建文件夹 {path.parent}：{exc}") from exc
    with writing_workbook(path, f"{rubric.name}（规则）") as wb:
        fmts = make_formats(wb, FORMATS)
        _write_guide(wb, fmts, rubric)
        items = _write_items(wb, fmts, rubric)
        _write_parts(wb, fmts, rubric)
        field_rows = _write_settings(wb, fmts, rubric)
        _item_validations(items, rubric, field_rows)  # XlsxWriter keeps sheets open until close()
    return path


# this workbook's own formats: text-typed cells (codes keep their leading zeros), notes beside a row
FORMATS = {
    "code": wrapped(align="center", num_format="@"),
    "textcell": wrapped(num_format="@"),
    "aside": {"font_name": FONT, "font_size": 9, "font_color": "#595959", "valign": "vcenter"},
    "title_cell": {"font_name": FONT, "font_size": 11, "bold": True, "font_color": "#1F4E78"},
}


def _na_example(rubric: Rubric) -> str:
    """The rubric's first 不适用 condition, as the example of how its three cells are filled."""
    item = next((i for i in rubric.items if i.na_when), None)
    if item is None:
        return ""
    cells = "、".join(str(_na_value(item, attr)) for _, attr, _ in book.ITEM_COLUMNS if attr.startswith("na_when."))
    return f"例：{item.code} {item.title} 填 {cells}。"


def _guide_lines(rubric: Rubric) -> list[str]:
    form = submission.form_sheet(rubric)
    rules = "；".join(book.RULE_LABELS[k] for k in kind_of(rubric).rules)
    return [
        f"本工作簿是《{rubric.name}》（{rubric.id} 版本 {rubric.version}）的评分规则，可直接修改后导入本工具使用。",
        f"1. “{book.ITEMS}”：每行一个评分项。“部分”填“{book.PARTS}”表中的编号；分值填数字；核心指标填 ★；"
        "必备条件（否决项）在“否决项”列填“是”、分值填 0。",
        f"2. “计分方式”从下拉列表选择：{rules}。",
        "3. “步长”：按固定分数扣分的填每次扣几分（多种扣法用“、”分隔，如 2、5）；酌情评分的填最小给分单位（如 0.5）。",
        f"4. “可不适用”填“是”的项目可填“不适用”（应得分扣除该项后折算）。如只在{form}某项为特定取值时才可不适用，"
        f"填“{book.NA_FIELD}”（{form}字段代码，下拉选择、是否、县区类的必填字段）和“{book.NA_EQUALS}”（多个用“、”分隔）；"
        f"“{book.NA_ONLY}”填“是”表示此时本项只能填“不适用”。不符合条件的，校验时指出{form}和评分表两处单元格。{_na_example(rubric)}",
        f"5. “{book.PARTS}”：每行一个部分，满分须等于该部分各项分值之和（“各项分值合计”列自动计算，供核对）。",
        f"6. “{book.SETTINGS}”：基本信息、评分阶段、片区与名额、星级档次、申报表字段等。片区的县区用“、”分隔；"
        "星级档次按名次评定的填起始、结束名次，按分数评定的填最低分（综合得分达到即可）。",
        "7. 改好后先检查：tuoyu rubric check 规则.xlsx（列出全部问题及所在单元格）；"
        "再使用：各命令加 --rubric 规则.xlsx，或 tuoyu rubric import 规则.xlsx -o 规则.toml 转为文本规则。",
        "8. 修改规则后请更改“版本”。用旧规则生成的模板填写的表格，不能按新规则评分（模板中记有规则校验码）。"
        "只改不适用条件不改变校验码，已发出的模板照常使用。",
        f"当前规则校验码：{rubric.content_hash}。",
    ]


def _write_guide(wb, fmts, rubric: Rubric) -> None:
    ws = wb.add_worksheet(book.GUIDE)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    write_guide(ws, fmts, f"{rubric.name} 评分规则说明", _guide_lines(rubric))
    ws.activate()


def _item_columns(rubric: Rubric) -> tuple:
    return book.ITEM_COLUMNS + (book.CITY_ITEM_COLUMNS if kind_of(rubric).computes_items else ())


def _na_value(item, attr: str) -> str:
    """The 不适用 condition's cells (na_when.field / .equals / .only); blank without a condition."""
    c = item.na_when
    if c is None:
        return ""
    part = attr.removeprefix("na_when.")
    if part == "equals":
        return book.JOIN.join(c.equals)
    return (book.YES if c.only else book.NO) if part == "only" else c.field


def _item_value(item, attr: str):
    if attr.startswith("na_when."):
        return _na_value(item, attr)
    value = getattr(item, attr)
    if attr == "core":
        return book.CORE_MARK if value else ""
    if attr == "veto":
        return book.YES if value else ""
    if attr == "allow_na":
        return book.YES if value else book.NO
    if attr == "rule":
        return book.RULE_LABELS.get(value, value)
    if attr == "steps":
        return steps_text(value) if value else ""
    if attr == "unit_fields":
        return book.JOIN.join(value)
    if (attr, value) in (("scale", Decimal(1)), ("per_unit", Decimal(0))):
        return ""  # the defaults: left blank
    return number(value) if isinstance(value, Decimal) else value


def _write_items(wb, fmts, rubric: Rubric):
    ws = wb.add_worksheet(book.ITEMS)
    cols = _item_columns(rubric)
    for c, (header, attr, width) in enumerate(cols):
        ws.set_column(c, c, width, fmts["code"] if attr in ("code", "part") else None)
        ws.write(0, c, header, fmts["header"])
    for r, item in enumerate(rubric.items, start=1):
        texts = []
        for c, (_, attr, width) in enumerate(cols):
            value = _item_value(item, attr)
            if isinstance(value, str):
                ws.write_string(r, c, value, fmts["code" if attr in ("code", "part") else "text"])
                texts.append((value, width))
            else:
                ws.write_number(r, c, value, fmts["num"])
        ws.set_row(r, row_height(texts))
    ws.freeze_panes(1, 3)
    ws.autofilter(0, 0, len(rubric.items), len(cols) - 1)
    setup_print(ws, 0)
    return ws


def _list(values, title: str, message: str, strict: bool = True) -> dict:
    return {"validate": "list", "source": values, "input_title": title[:32], "input_message": message,
            "error_title": "输入有误", "error_message": f"请从下拉列表选择。{message}"[:255],
            "error_type": "stop" if strict else "warning"}


def _item_validations(ws, rubric: Rubric, field_rows: tuple[int, int]) -> None:
    """Dropdowns on the item rows and the spare rows under them (for new items)."""
    headers = [h for h, _, _ in _item_columns(rubric)]
    last = len(rubric.items) + EXTRA_ITEM_ROWS
    for header, rule in _item_rules(rubric, field_rows).items():
        c = headers.index(header)
        ws.data_validation(1, c, last, c, rule)


def _item_rules(rubric: Rubric, field_rows: tuple[int, int]) -> dict[str, dict]:
    rules = [book.RULE_LABELS[k] for k in kind_of(rubric).rules]
    parts = f"='{book.PARTS}'!$A$2:$A$100"
    keys = f"='{book.SETTINGS}'!$A${field_rows[0] + 1}:$A${field_rows[1] + 1}"
    out = {
        "部分": _list(parts, "部分", f"填“{book.PARTS}”表中的编号。", strict=False),
        "分值": {"validate": "decimal", "criteria": ">=", "value": 0, "error_type": "stop",
                 "error_title": "输入有误", "error_message": "分值应为不小于 0 的数字；必备条件填 0。"},
        "核心指标": _list([book.CORE_MARK], "核心指标", "核心指标填 ★，不是的留空。"),
        "否决项": _list([book.YES], "否决项", "必备条件（否决项）填“是”，不是的留空。"),
        "计分方式": _list(rules, "计分方式", "从下拉列表选择计分方式。"),
        "可不适用": _list([book.YES, book.NO], "可不适用", "本项可填“不适用”的选“是”。"),
        book.NA_FIELD: _list(keys, book.NA_FIELD, "申报表中决定本项能否“不适用”的字段代码（下拉选择、是否、县区类）；"
                             "没有条件的留空。", strict=False),
        book.NA_ONLY: _list([book.YES, book.NO], book.NA_ONLY, "选“是”：申报表为所列取值时本项只能填“不适用”。"),
    }
    if kind_of(rubric).computes_items:  # the rate's figures (CITY_ITEM_COLUMNS)
        out["分子字段"] = _list(keys, "分子字段", "填基础数据字段代码。", strict=False)
        out["分母字段"] = _list(keys, "分母字段", "填基础数据字段代码。", strict=False)
    return out


def _write_parts(wb, fmts, rubric: Rubric) -> None:
    ws = wb.add_worksheet(book.PARTS)
    for c, (header, width) in enumerate(zip(book.PART_HEADERS, book.PART_WIDTHS, strict=True)):
        ws.set_column(c, c, width, fmts["code"] if c == 0 else None)
        ws.write(0, c, header, fmts["header"])
    items_sheet = f"'{book.ITEMS}'"
    for r, part in enumerate(rubric.parts, start=1):
        got = sum((i.points for i in rubric.part_items(part.code)), Decimal(0))
        ws.write_string(r, 0, part.code, fmts["code"])
        ws.write_string(r, 1, part.name, fmts["text"])
        ws.write_number(r, 2, number(part.total), fmts["num"])
        ws.write_string(r, 3, book.YES if part.veto else "", fmts["num"])
        ws.write_formula(r, 4, f"=SUMIF({items_sheet}!$B:$B,A{r + 1},{items_sheet}!$F:$F)", fmts["num"], number(got))
    last = len(rubric.parts) + 20
    ws.data_validation(1, 2, last, 2, {"validate": "decimal", "criteria": ">=", "value": 0, "error_type": "stop",
                                       "error_title": "输入有误", "error_message": "满分应为不小于 0 的数字。"})
    ws.data_validation(1, 3, last, 3, _list([book.YES], "必备条件部分", "必备条件（否决项）部分填“是”，其余留空。"))
    ws.set_column(6, 6, 16)
    ws.write(0, 6, "各部分满分合计", fmts["header"])
    ws.write_formula(1, 6, "=SUM(C2:C100)", fmts["num"], number(sum((p.total for p in rubric.parts), Decimal(0))))
    ws.freeze_panes(1, 0)
    setup_print(ws, 0)


class _Table:
    """Writes the 设置 sub-tables one under another; `row` is the next free row."""

    def __init__(self, ws, fmts):
        self.ws, self.fmts, self.row = ws, fmts, 0

    def open(self, title: str, headers: tuple[str, ...]) -> None:
        self.ws.write(self.row, 0, title, self.fmts["title_cell"])
        self.ws.write_row(self.row + 1, 0, headers, self.fmts["header"])
        self.row += 2

    def add(self, values, note: str = "") -> int:
        """One row of `values`; `note` goes after them unwrapped (it may run over the empty cells to its right)."""
        texts = []
        if note:
            self.ws.write_string(self.row, len(values), note, self.fmts["aside"])
        for c, value in enumerate(values):
            if isinstance(value, str):
                self.ws.write_string(self.row, c, value, self.fmts["textcell"])
                texts.append((value, book.SETTINGS_WIDTHS[c]))
            else:
                self.ws.write_number(self.row, c, value, self.fmts["num"])
        self.ws.set_row(self.row, row_height(texts))
        self.row += 1
        return self.row - 1

    def close(self, first: int, validations: dict[int, dict] | None = None) -> int:
        """Leave spare rows, put `validations` (column -> rule) on the rows first..spare; return the last row."""
        last = self.row + book.SPARE_ROWS - 1
        for c, rule in (validations or {}).items():
            self.ws.data_validation(first, c, last, c, rule)
        self.row = last + 2
        return last


def _write_settings(wb, fmts, rubric: Rubric) -> tuple[int, int]:
    ws = wb.add_worksheet(book.SETTINGS)
    for c, width in enumerate(book.SETTINGS_WIDTHS):
        ws.set_column(c, c, width)
    ws.set_portrait()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    t = _Table(ws, fmts)
    _basic_table(t, rubric)
    t.open(book.T_STAGES, book.STAGE_HEADERS)
    first = t.row
    for s in rubric.stages:
        t.add([s.key, s.label, s.header])
    t.close(first)
    if kind_of(rubric).ranks_in_zones:
        _zone_tables(t, rubric)
    field_rows = _field_table(t, rubric)
    t.open(book.T_LIMITS, book.LIMIT_HEADERS)
    first = t.row
    for small, big in rubric.limits:
        t.add([small, big])
    t.close(first)
    return field_rows


def _basic_value(rubric: Rubric, s: book.Setting):
    head, attr = s.path.split(".")
    value = getattr(rubric if head == "rubric" else getattr(rubric, head), attr)
    if value is None:
        return ""  # an optional setting at its default (panel.spread_warn: half the item's 分值)
    if s.kind in ("choice", "labels"):
        return book.JOIN.join(s.labels[v] for v in value) if s.kind == "labels" else s.labels[value]
    if s.kind in ("list", "keys"):
        return book.JOIN.join(str(number(v)) if isinstance(v, Decimal) else v for v in value)
    if s.kind == "yesno":
        return book.YES if value else book.NO
    if s.kind == "number":
        return number(value)
    return value if isinstance(value, int) and s.kind == "int" else str(value)


def _basic_table(t: _Table, rubric: Rubric) -> None:
    t.open(book.T_BASIC, book.BASIC_HEADERS)
    for s in book.settings_for(rubric.kind):
        r = t.add([s.label, _basic_value(rubric, s)], note=s.hint)
        if s.kind == "choice":
            t.ws.data_validation(r, 1, r, 1, _list(list(s.labels.values()), s.label, s.hint))
        elif s.kind == "yesno":
            t.ws.data_validation(r, 1, r, 1, _list([book.YES, book.NO], s.label, s.hint))
    t.row += 1


def _zone_tables(t: _Table, rubric: Rubric) -> None:
    t.open(book.T_ZONES, book.ZONE_HEADERS)
    first = t.row
    for z in rubric.star.zones:
        t.add([z.name, book.JOIN.join(z.districts), z.quota, book.AWARD_LABELS[z.award]])
    awards = list(book.AWARD_LABELS.values())
    t.close(first, {3: _list(awards, "评定方式", "按名次：按片区内排名给星级；按分数：综合得分达到档次最低分即给星级。"),
                    2: {"validate": "integer", "criteria": ">=", "value": 0, "error_type": "stop",
                        "error_title": "输入有误", "error_message": "名额应为不小于 0 的整数；0 表示不限名额。"}})
    t.open(book.T_BANDS, book.BAND_HEADERS)
    first = t.row
    for z in rubric.star.zones:
        for b in z.bands:
            if z.award == "rank":
                t.add([z.name, b.star, b.rank_from, b.rank_to, ""])
            else:
                t.add([z.name, b.star, "", "", number(b.min_score)])
    zones = [z.name for z in rubric.star.zones]
    stars = list(rubric.star.stars)
    t.close(first, {0: _list(zones, "片区", "填“片区”表中的片区名称。", strict=False),
                    1: _list(stars, "星级", "填基本信息中列出的星级。", strict=False)})


def _field_table(t: _Table, rubric: Rubric) -> tuple[int, int]:
    t.open(kind_of(rubric).fields_title, book.FIELD_HEADERS)
    first = t.row
    for f in rubric.form:
        t.add([f.key, f.label, book.FIELD_TYPE_LABELS.get(f.type, f.type), book.YES if f.required else book.NO,
               book.JOIN.join(f.choices), f.hint, f.section])
    types = [book.FIELD_TYPE_LABELS[k] for k in FIELD_TYPES]
    last = t.close(first, {2: _list(types, "类型", "从下拉列表选择字段类型。"),
                           3: _list([book.YES, book.NO], "必填", "必须填写的选“是”。")})
    return first, last

"""The 校验意见 sheet of an annotated copy (openpyxl: the copy is the institution's own workbook): a title,
the file's name, what to do, where to send the corrected workbook and by when, then one bordered row per
issue. Each located problem names the item or field it concerns beside the cell (“1-05 供餐资质（I32）”),
so the institution need not count columns. Where to send it comes from the rubric's [report] table
(``return_to``, ``return_contact``, ``return_deadline``); a blank there is a line to fill in by hand.
"""

from __future__ import annotations

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_from_string
from openpyxl.worksheet.worksheet import Worksheet

from tuoyu_excel.issues import ERROR, Issue
from tuoyu_excel.layout import submission as layout
from tuoyu_excel.render.formats import FONT, HEADER_FILL, MARK_ERROR_FILL, MARK_WARNING_FILL, row_height
from tuoyu_excel.spec.model import Rubric

OPINION_SHEET = "校验意见"
OPINION_TITLE = "校验意见"
ERROR_FILL = "FF" + MARK_ERROR_FILL[1:]  # strong red and orange: clearly unlike the template's pale-yellow
WARNING_FILL = "FF" + MARK_WARNING_FILL[1:]  # input cells (formats.INPUT_FILL)
# the institution's list: no file column (it is this file) and no issue code (the 问题类型 names it)
OPINION_HEADERS = ("序号", "工作表", "位置（项目及单元格）", "严重程度", "问题类型", "说明（请按此修改）", "发现值", "应为")
OPINION_WIDTHS = (5, 9, 18, 8, 12, 39, 12, 10)  # one A4 landscape page wide at 10 pt (print_page)
SEVERITY_COL = OPINION_HEADERS.index("严重程度")
HEADER_ROW = 5  # under the title, the file's name, what to do and where to send it
_WRAPPED = (2, 5, 6, 7)  # 位置, 说明, 发现值, 应为: measured for the row height
OPINION_GUIDE = ("以下是对本表格的校验意见，共 {n} 条（错误 {e} 条，警告 {w} 条）。请按“说明”逐条修改：红色单元格为错误，"
                 "必须改正；橙色单元格为警告，请核对。单元格上的批注写明了原因。改好后请保存本表格并重新提交。")
BLANK = "________________"
RETURN_LINE = "改正后报送单位：{to}　　联系人及电话：{contact}　　报送期限：{deadline}"
_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def clean(text: str) -> str:
    """Text openpyxl will accept (it refuses control characters)."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def return_line(rubric: Rubric | None) -> str:
    """Where and by when the corrected workbook goes, from [report]; blanks are lines to write on."""
    words = rubric.report if rubric is not None else None
    return RETURN_LINE.format(to=(words and words.return_to) or BLANK, contact=(words and words.return_contact) or BLANK,
                              deadline=(words and words.return_deadline) or BLANK)


def place(wb, rubric: Rubric | None, issue: Issue) -> str:
    """The cell with what it holds: “1-05 供餐资质（I32）” on the score sheet, “供餐方式（B12）” on the
    form sheet, the bare cell elsewhere. The item code is read from the 编号 column of the issue's row (the
    rows of a filled workbook are found by 编号, as the reader does) and must be one of the rubric's; the
    form sheet's label, left of its input cell, must be one of the rubric's fields."""
    if not issue.cell or rubric is None or issue.sheet not in wb.sheetnames:
        return issue.cell
    ws = wb[issue.sheet]
    if not isinstance(ws, Worksheet):
        return issue.cell
    try:
        row = coordinate_from_string(issue.cell)[1]
    except (ValueError, TypeError):
        return issue.cell
    if issue.sheet == layout.SCORE_SHEET:
        code = ws.cell(row, layout.column_index(rubric, layout.H_CODE) + 1).value
        item = rubric.item_by_code.get(str(code).strip()) if code is not None else None
        return f"{item.code} {item.title}（{issue.cell}）" if item else issue.cell
    if issue.sheet == layout.form_sheet(rubric):
        label = ws.cell(row, layout.FORM_LABEL_COL + 1).value
        shown = layout.label_key(str(label).strip()) if label is not None else ""
        if any(f.label == shown for f in rubric.form):
            return f"{shown}（{issue.cell}）"
    return issue.cell


def opinion_row(n: int, issue: Issue, where: str) -> list[object]:
    """One row of 校验意见, in the order of OPINION_HEADERS, worded for the institution."""
    return [n, issue.sheet, where, issue.severity, issue.title, issue.for_submitter, issue.found, issue.expected]


def add_opinion_sheet(wb, issues: list[Issue], file: str = "", rubric: Rubric | None = None) -> None:
    """A first sheet telling the institution what to fix: a title, the file's name, what to do, where to
    send it back, then one row per issue of the file (file-level ones too); opened on load."""
    if OPINION_SHEET in wb.sheetnames:  # a copy annotated before: replace its list
        del wb[OPINION_SHEET]
    ws = wb.create_sheet(OPINION_SHEET, 0)
    for col, width in enumerate(OPINION_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    errors = sum(1 for i in issues if i.severity == ERROR)
    _head(ws, (f"表格：{file}" if file else "", OPINION_GUIDE.format(n=len(issues), e=errors, w=len(issues) - errors),
               return_line(rubric)))
    bold, wrap = Font(name=FONT, size=10, bold=True), Alignment(wrap_text=True, vertical="center")
    for col, header in enumerate(OPINION_HEADERS, start=1):
        cell = ws.cell(HEADER_ROW, col, header)
        cell.font, cell.border, cell.alignment = bold, BORDER, Alignment(wrap_text=True, horizontal="center",
                                                                         vertical="center")
        cell.fill = PatternFill("solid", fgColor="FF" + HEADER_FILL[1:])
    plain = Font(name=FONT, size=10)
    for r, issue in enumerate(issues, start=HEADER_ROW + 1):
        values = opinion_row(r - HEADER_ROW, issue, place(wb, rubric, issue))
        for col, value in enumerate(values, start=1):
            cell = ws.cell(r, col)
            write_literal(cell, value)
            cell.alignment, cell.border, cell.font = wrap, BORDER, plain
        ws.cell(r, SEVERITY_COL + 1).fill = PatternFill("solid", fgColor=ERROR_FILL if issue.severity == ERROR
                                                        else WARNING_FILL)
        ws.row_dimensions[r].height = row_height([(str(values[c]), OPINION_WIDTHS[c]) for c in _WRAPPED])
    last = get_column_letter(len(OPINION_HEADERS))
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + max(len(issues), 1)}"
    _print_setup(ws)
    _select_only(wb, ws)


def _head(ws, lines: tuple[str, ...]) -> None:
    """The title, then `lines` (file, guide, return line), each merged across the table's width."""
    last = get_column_letter(len(OPINION_HEADERS))
    rows = [(OPINION_TITLE, Font(name=FONT, bold=True, size=16), Alignment(horizontal="center", vertical="center"), 30)]
    rows += [(text, Font(name=FONT, size=11), Alignment(wrap_text=True, vertical="center"),
              row_height([(text, sum(OPINION_WIDTHS))], minimum=20)) for text in lines]
    for r, (text, font, alignment, height) in enumerate(rows, start=1):
        ws.merge_cells(f"A{r}:{last}{r}")
        write_literal(ws.cell(r, 1), clean(text))
        ws.cell(r, 1).font, ws.cell(r, 1).alignment = font, alignment
        ws.row_dimensions[r].height = height


def _print_setup(ws) -> None:
    """A4 landscape, one page wide, the header row (not the title) on every page, page numbers."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def write_literal(cell, value: object) -> None:
    """openpyxl turns a string starting with "=" into a formula; user text must stay text."""
    if value == "":
        return
    if isinstance(value, str):
        cell.value = clean(value)
        cell.data_type = "s"
    else:
        cell.value = value


def _select_only(wb, ws) -> None:
    """Open on `ws`; more than one selected tab would put Excel in group-editing mode."""
    for other in wb.worksheets:
        other.sheet_view.tabSelected = other is ws
    wb.active = ws

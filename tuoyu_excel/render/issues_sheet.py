"""The 校验问题 sheet: the same columns in every workbook that lists issues (check report, star and
city results, county 初评报告), one row per issue under the printable heading (title, issuing unit, date),
the header row filtered (filter, sort, paste elsewhere).

The last column, 代码 (the issue's stable English code, for whoever maintains the tool), is hidden: it is
neither seen nor printed, the 问题类型 names the problem in Chinese. Rows of 错误 are tinted red and rows of
警告 yellow by a conditional format on 严重程度, which also works on the streamed (constant-memory) star
results.
"""

from __future__ import annotations

from collections.abc import Sequence

from tuoyu_excel.issues import ERROR, WARNING, Issue
from tuoyu_excel.render.print_page import Heading
from tuoyu_excel.render.tables import Col, table_sheet

ISSUE_COLS = (Col("文件", max_width=36), Col("工作表"), Col("单元格"), Col("严重程度"), Col("问题类型", max_width=20),
              Col("说明", max_width=80), Col("发现值", max_width=24), Col("应为", max_width=24),
              Col("代码", max_width=12))
ISSUE_HEADERS = tuple(c.header for c in ISSUE_COLS)
SEVERITY_COL = ISSUE_HEADERS.index("严重程度")
CODE_COL = ISSUE_HEADERS.index("代码")
NO_ISSUES = "未发现问题"


def issue_row(issue: Issue) -> list[object]:
    """One 校验问题 row, in the order of ISSUE_COLS."""
    return [issue.file, issue.sheet, issue.cell, issue.severity, issue.title, issue.message, issue.found,
            issue.expected, issue.code]


def write_issues_sheet(wb, fmts: dict, name: str, issues: Sequence[Issue], heading: Heading, note: str = ""):
    """A sheet `name` listing `issues` (in the order given) under `heading` and returning it; `note` (what
    to do about them) goes two rows under the list."""
    rows = [issue_row(i) for i in issues]
    ws = table_sheet(wb, fmts, name, ISSUE_COLS, rows, heading)
    ws.set_column(CODE_COL, CODE_COL, None, None, {"hidden": True})
    first = heading.rows + 1  # the first issue's row (0-based)
    if rows:
        letter = chr(ord("A") + SEVERITY_COL)
        for severity, fmt in ((ERROR, "error_row"), (WARNING, "warning_row")):
            ws.conditional_format(first, 0, first + len(rows) - 1, len(ISSUE_COLS) - 1, {
                "type": "formula", "criteria": f'=${letter}{first + 1}="{severity}"', "format": fmts[fmt]})
    tail = [NO_ISSUES] if not rows else []
    tail += [note] if note else []
    for n, text in enumerate(tail, start=first + len(rows) + (0 if not rows else 1)):
        ws.write_string(n, 0, text, fmts["remark"])
    return ws

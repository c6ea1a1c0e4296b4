"""The 命名名单: the institutions named 星级托育机构 after the 公示 and its 核查, by star, with the day of
naming — a sheet of the named results, and a small workbook of its own for the 命名 document's 附件.

《柳州市托育机构星级评定工作方案》三（五）: “通过公示和核查的，由柳州市卫生健康委命名为‘星级托育机构’。”
The title is the rubric's [report] naming_title; no 制表人／审核人 line (it goes out as an 附件).
Portrait A4, one page wide.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tuoyu_excel.render.cells import put, span
from tuoyu_excel.render.formats import make_formats, row_height
from tuoyu_excel.render.output import OutputPath, prepare_output
from tuoyu_excel.render.print_page import sheet_title
from tuoyu_excel.render.star.data import StarReport
from tuoyu_excel.render.xlsx import writing_workbook
from tuoyu_excel.text import chinese_date

NAMING_SHEET = "命名名单"
COLS = (("序号", 6), ("星级", 10), ("机构名称", 40), ("所在县区", 13), ("统一社会信用代码", 22))


def naming_title(rep: StarReport) -> str:
    return rep.rubric.report.naming_title or sheet_title(rep.rubric, NAMING_SHEET)


def naming_filename(rep: StarReport, day: dt.date) -> str:
    return f"{naming_title(rep)}_{day:%Y%m%d}.xlsx"


def write_naming(wb, fmts: dict, rep: StarReport) -> None:
    """The named list, by star (highest first), then zone and rank."""
    naming = rep.result.naming
    ws = wb.add_worksheet(NAMING_SHEET)
    last = len(COLS) - 1
    for c, (_, width) in enumerate(COLS):
        ws.set_column(c, c, width)
    ws.set_row(0, 36)
    span(ws, 0, 0, last, naming_title(rep), fmts["title"])
    ws.set_row(1, 22)
    issuer = rep.rubric.report.issuer
    span(ws, 1, 0, 2, f"命名单位：{issuer}" if issuer else "", fmts["byline"])
    span(ws, 1, 3, last, f"命名日期：{chinese_date(naming.date)}", fmts["byline_right"])
    named = rep.starred()
    counts = "，".join(f"{s} {n} 家" for s in rep.stars_high_first if (n := sum(1 for p in named if p.star == s)))
    ws.set_row(2, 22)
    span(ws, 2, 0, last, f"共 {len(named)} 家：{counts}。" if named else "共 0 家。", fmts["note"])
    header_row = 3
    for c, (header, _) in enumerate(COLS):
        ws.write_string(header_row, c, header, fmts["header"])
    row = header_row
    for n, p in enumerate(named, start=1):
        row += 1
        c = p.candidate
        ws.set_row(row, row_height([(c.name, COLS[2][1])]))
        for col, (value, fmt) in enumerate(((n, "int"), (p.star, "center"), (c.name, "text"), (c.district, "center"),
                                            (c.key, "center"))):
            put(ws, row, col, value, fmts[fmt])  # names typed by institutions stay text, never formulas
    ws.set_portrait()
    ws.set_paper(9)
    ws.set_margins(left=0.7, right=0.7, top=0.75, bottom=0.75)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row, header_row)
    ws.set_footer("&C第 &P 页，共 &N 页")


def write_naming_book(rep: StarReport, wanted: Path) -> OutputPath:
    """The named list as a workbook of its own (the 附件 of the 命名 document)."""
    out = prepare_output(Path(wanted))
    with writing_workbook(out.path, naming_title(rep)) as wb:
        write_naming(wb, make_formats(wb), rep)
    return out

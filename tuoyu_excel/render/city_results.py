"""The city results workbook: 城市排名 (with a native chart), 得分明细, 全区平均水平, 校验问题, 运行信息.
The table sheets carry a printable heading (title, issuing unit, date, a note) above their header row;
城市排名 ends with the 制表人／审核人／日期 line.

Written with XlsxWriter through ``xlsx_out.writing_workbook`` (text never becomes a formula, number or
URL) and ``write_string`` for every text that came from a user's file; the path comes from
``output.prepare_output``, so an existing results file is never overwritten.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from tuoyu_excel.core.city.evaluate import Average, CityResult, CityScore
from tuoyu_excel.render.cells import put
from tuoyu_excel.render.formats import PART_FILL, PENDING_FILL, cell, make_formats, row_height
from tuoyu_excel.render.issues_sheet import write_issues_sheet
from tuoyu_excel.render.output import OutputPath, prepare_output
from tuoyu_excel.render.print_page import heading_for, setup_page, write_heading, write_signature
from tuoyu_excel.render.run_info import RUN_SHEET, InputFile, RunInfo, write_run_info
from tuoyu_excel.render.xlsx import writing_workbook
from tuoyu_excel.spec.comparative import comparative_items, unit_label
from tuoyu_excel.spec.model import Item, Rubric

SHEET_RANK = "城市排名"
SHEET_DETAIL = "得分明细"
SHEET_AVERAGES = "全区平均水平"
SHEET_ISSUES = "校验问题"
SHEET_INFO = RUN_SHEET
AVERAGE_HEADERS = ("编号", "指标", "单位", "全区平均水平", "依据", "覆盖城市数", "分子合计", "分母合计", "计算方法")
AVERAGE_WIDTHS = (5, 14, 8, 10, 12, 8, 12, 12, 30)  # one A4 landscape page at 9 pt or more
DETAIL_WIDTHS = (5, 6, 14, 4, 7)  # then 6 a city: 14 cities on an A4 landscape page at 8 pt or more
RATE_HEADERS = ("编号", "指标", "城市", "本市比率", "全区平均水平", "比较结果", "分子", "分母", "得分")
TIE_RULE = "总分相同的城市并列同一名次，下一名次顺延（如 1、1、3），并列城市按城市列表顺序排列；细则未规定并列时如何排序"
REPORTER_KEY = "reporter"  # the 填报单位 form field (keys are stable; labels may be edited)


def results_filename(eval_date: dt.date) -> str:
    return f"示范城市创建评分结果_{eval_date:%Y%m%d}.xlsx"


def write_city_results(result: CityResult, wanted: Path) -> OutputPath:
    """Write the results workbook at `wanted`, or at the next free name; return where it went."""
    out = prepare_output(Path(wanted))
    with writing_workbook(out.path, f"{result.rubric.name}——评分结果") as wb:
        fmts = make_formats(wb, FORMATS)
        _write_ranking(wb, fmts, result)
        _write_detail(wb, fmts, result)
        _write_averages(wb, fmts, result)
        _write_issues(wb, fmts, result)
        _write_info(wb, fmts, result)
    return out


# item points as the rubric writes them (8, 0.5), a typed score that the tool's computation changed
FORMATS = {
    "points": cell(align="center", num_format="0.##"),
    "changed": cell(align="center", num_format="0.##", bg_color=PENDING_FILL),
    "part_points": cell(align="center", num_format="0.##", bold=True, bg_color=PART_FILL),
}


def _head(ws, fmts, result: CityResult, name: str, info: str, headers: list[str] | tuple[str, ...],
          widths: list[float]) -> int:
    """The printable heading (title, issuing unit, date, then `info`), the header row, frozen panes and
    print setup repeating only the header row; returns the first row of the table's body."""
    heading = heading_for(result.rubric, name, result.run.eval_date, (info,))
    header = write_heading(ws, fmts, heading, widths)
    ws.write_row(header, 0, headers, fmts["header"])
    ws.set_row(header, row_height(list(zip(headers, widths, strict=True)), minimum=30))
    ws.freeze_panes(header + 1, 0)
    setup_page(ws, header)
    return header + 1


# ---- 城市排名 -------------------------------------------------------------------------------------

def _write_ranking(wb, fmts, result: CityResult) -> None:
    ws = wb.add_worksheet(SHEET_RANK)
    parts = [p for p in result.rubric.parts if not p.veto]
    headers = ["排名", "城市", "总分"] + [p.name for p in parts] + [f"{p.name}得分率" for p in parts] + ["备注"]
    stage = result.rubric.stage(result.run.stage)
    info = (f"评分阶段：{stage.label}（“{stage.header}”列）。全区平均水平：{result.basis_text()}。"
            f"{TIE_RULE}。")
    widths = [4, 8, 7] + [7] * len(parts) + [8] * len(parts) + [14]  # headers wrap: A4 landscape at 8 pt or more
    r = first = _head(ws, fmts, result, SHEET_RANK, info, headers, widths)
    for placed in result.ranking:
        s = placed.score
        put(ws, r, 0, placed.rank, fmts["int"])
        ws.write_string(r, 1, s.city, fmts["text"])
        put(ws, r, 2, s.total, fmts["score_2dp"])
        for k, p in enumerate(parts):
            put(ws, r, 3 + k, s.parts[p.code], fmts["score_2dp"])
            put(ws, r, 3 + len(parts) + k, s.part_rate(p.code), fmts["rate_2dp"])
        ws.write_string(r, len(headers) - 1, placed.note, fmts["text"])
        ws.set_row(r, row_height([(placed.note, widths[-1]), (s.city, widths[1])]))
        r += 1
    for city, note in _unranked(result):
        ws.write_string(r, 0, "—", fmts["center"])
        ws.write_string(r, 1, city, fmts["text"])
        ws.write_string(r, len(headers) - 1, note, fmts["text"])
        ws.set_row(r, row_height([(note, widths[-1]), (city, widths[1])]))
        r += 1
    r = write_signature(ws, fmts, r, len(headers))
    if result.ranking:  # on a page of its own: a chart cut across two pages reads badly
        ws.set_h_pagebreaks([r + 1])
        ws.insert_chart(r + 1, 0, _chart(wb, parts, first, len(result.ranking), sum(int(7 * w + 5) for w in widths)))


def _unranked(result: CityResult) -> list[tuple[str, str]]:
    """(city, 备注) for workbooks not scored and for cities that sent nothing."""
    rows = []
    named = set()
    key = result.rubric.name_field
    for f in result.not_scored:
        city = f.submission.text(key) if f.submission else ""
        named.add(city)
        rows.append((city, f"未参与评分：{f.file} 有 {f.errors} 个错误，见“{SHEET_ISSUES}”工作表"))
    scored = {s.city for s in result.scores}
    rows += [(c, "未提交评分表") for c in result.rubric.city.cities if c not in scored and c not in named]
    return rows


def _chart(wb, parts, first: int, n: int, width: int):
    """Each part's 得分率 by city over the ranking's rows first..first+n-1 (their header above), `width`
    pixels wide (the table's: a wider chart would widen the printed page and shrink the table)."""
    chart = wb.add_chart({"type": "column"})
    last = first + n - 1
    for k in range(len(parts)):
        col = 3 + len(parts) + k
        chart.add_series({"name": [SHEET_RANK, first - 1, col], "categories": [SHEET_RANK, first, 1, last, 1],
                          "values": [SHEET_RANK, first, col, last, col], "gap": 80})
    chart.set_title({"name": "各市各部分得分率（部分得分 ÷ 部分满分）"})
    chart.set_x_axis({"name": "城市"})
    chart.set_y_axis({"name": "得分率", "min": 0, "max": 1, "num_format": "0%"})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": width, "height": 440})
    return chart


# ---- 得分明细 -------------------------------------------------------------------------------------

def _write_detail(wb, fmts, result: CityResult) -> None:
    ws = wb.add_worksheet(SHEET_DETAIL)
    rubric = result.rubric
    scores = [p.score for p in result.ranking]
    header = rubric.stage(result.run.stage).header
    headers = ["编号", "部分", "项目", "分值", "计分方式"] + [s.city for s in scores]
    info = (f"每列一个城市（按名次排列）。“工具核算”的项目由工具根据基础数据计算，以核算结果为准；"
            f"橙色单元格表示“{header}”列填写的分数与核算结果不同（见“{SHEET_ISSUES}”）。")
    r = _head(ws, fmts, result, SHEET_DETAIL, info, headers, [*DETAIL_WIDTHS] + [6] * len(scores))
    for part in (p for p in rubric.parts if not p.veto):
        ws.write_row(r, 0, ["", part.name, "小计"], fmts["part"])
        put(ws, r, 3, part.total, fmts["part_points"])
        ws.write_string(r, 4, "", fmts["part"])
        for c, s in enumerate(scores, 5):
            put(ws, r, c, s.parts[part.code], fmts["part_points"])
        r += 1
        for item in rubric.part_items(part.code):
            _detail_row(ws, fmts, r, item, part.name, header, scores)
            r += 1
    ws.write_row(r, 0, ["", "", "总分"], fmts["total_label"])
    put(ws, r, 3, rubric.total, fmts["part_points"])
    ws.write_string(r, 4, "", fmts["text"])
    for c, s in enumerate(scores, 5):
        put(ws, r, c, s.total, fmts["part_points"])


def _detail_row(ws, fmts, r: int, item: Item, part: str, header: str, scores: list[CityScore]) -> None:
    ws.write_row(r, 0, [item.code, part, item.title], fmts["text"])
    ws.set_row(r, row_height([(part, DETAIL_WIDTHS[1]), (item.title, DETAIL_WIDTHS[2])]))
    put(ws, r, 3, item.points, fmts["points"])
    ws.write_string(r, 4, "工具核算" if item.computed else header, fmts["center"])
    for c, s in enumerate(scores, 5):
        value = s.items.get(item.code)
        if value is None:
            ws.write_string(r, c, "不适用", fmts["center"])
            continue
        computed = s.computed.get(item.code)
        changed = computed is not None and computed.typed is not None and computed.typed != computed.points
        put(ws, r, c, value, fmts["changed" if changed else "points"])


# ---- 全区平均水平 ---------------------------------------------------------------------------------

def _method(item: Item, rubric: Rubric) -> str:
    num, den = rubric.field_by_key[item.numerator].label, rubric.field_by_key[item.denominator].label
    return f"{num} ÷ {den} × {format(item.scale.normalize(), 'f')}"


def _rate_cell(ws, fmts, r: int, c: int, value: Decimal | None, item: Item) -> None:
    if value is None:
        ws.write_string(r, c, "—", fmts["center"])
    elif item.scale == 100:
        put(ws, r, c, value / 100, fmts["rate_2dp"])
    else:
        put(ws, r, c, value, fmts["score_2dp"])


def _write_averages(wb, fmts, result: CityResult) -> None:
    """A summary table (one row per indicator) above a detail table (indicator × city) whose header repeats."""
    ws = wb.add_worksheet(SHEET_AVERAGES)
    rubric = result.rubric
    info = ("“高于”不含等于：本市比率高于全区平均水平才得分，等于或低于不得分。比较按未经四舍五入的精确值进行，"
            "表中数值四舍五入保留两位小数显示。“计算”的全区平均水平 = 参与评分各市分子合计 ÷ 分母合计。")
    r = _head(ws, fmts, result, SHEET_AVERAGES, info, AVERAGE_HEADERS, list(AVERAGE_WIDTHS))
    for item in comparative_items(rubric):
        avg = result.averages[item.code]
        ws.write_row(r, 0, [item.code, item.title, unit_label(item)], fmts["text"])
        _rate_cell(ws, fmts, r, 3, avg.value, item)
        ws.write_string(r, 4, avg.basis, fmts["center"])
        put(ws, r, 5, avg.cities_covered, fmts["int"])
        _figure(ws, fmts, r, 6, avg.numerator)
        _figure(ws, fmts, r, 7, avg.denominator)
        ws.write_string(r, 8, _method(item, rubric), fmts["text"])
        ws.set_row(r, row_height([(_method(item, rubric), AVERAGE_WIDTHS[8]), (item.title, AVERAGE_WIDTHS[1]),
                                  (avg.basis, AVERAGE_WIDTHS[4])]))
        r += 1
    r += 1
    ws.write_row(r, 0, RATE_HEADERS, fmts["header"])
    ws.repeat_rows(r, r)
    ws.freeze_panes(r + 1, 0)
    order = {c: n for n, c in enumerate(rubric.city.cities)}
    scores = sorted(result.scores, key=lambda s: (order.get(s.city, len(order)), s.file))
    for item in comparative_items(rubric):
        for s in scores:
            r += 1
            _rate_row(ws, fmts, r, item, s, result.averages[item.code])


def _figure(ws, fmts, r: int, c: int, value: Decimal | None) -> None:
    if value is None:
        ws.write_string(r, c, "—", fmts["center"])
    else:
        put(ws, r, c, value, fmts["int"])


def _rate_row(ws, fmts, r: int, item: Item, s: CityScore, avg: Average) -> None:
    computed = s.computed[item.code]
    rate = computed.rate
    ws.write_row(r, 0, [item.code, item.title, s.city], fmts["text"])
    ws.set_row(r, row_height([(item.title, AVERAGE_WIDTHS[1])]))
    _rate_cell(ws, fmts, r, 3, rate.value if rate else None, item)
    _rate_cell(ws, fmts, r, 4, avg.value, item)
    ws.write_string(r, 5, computed.outcome, fmts["center"])
    _figure(ws, fmts, r, 6, rate.numerator if rate else None)
    _figure(ws, fmts, r, 7, rate.denominator if rate else None)
    put(ws, r, 8, computed.points, fmts["points"])


# ---- 校验问题 and 运行信息 --------------------------------------------------------------------------

ISSUES_NOTE = "“错误”须改正后重新运行，有错误的评分表不参与评分和排名；“警告”请核对。"


def _write_issues(wb, fmts, result: CityResult) -> None:
    write_issues_sheet(wb, fmts, SHEET_ISSUES, result.issues, heading_for(result.rubric, SHEET_ISSUES, result.run.eval_date),
                       note=ISSUES_NOTE)


def _settings(result: CityResult) -> list[tuple[str, object]]:
    """The city scoring's own 运行信息 rows: the averages' basis, the readings the rules leave open."""
    rubric = result.rubric
    unit_rule = ("市本级未出台算少1个单位（扣1分）" if rubric.city.city_counts_as_unit
                 else "市本级不计入，只按县（市、区）扣分")
    rows: list[tuple[str, object]] = [("全区平均水平依据", result.basis_text())]
    for item in comparative_items(rubric):
        avg = result.averages[item.code]
        rows.append((f"  第 {item.code} 项 {item.title}", f"{avg.basis}，覆盖 {avg.cities_covered} 个城市"))
    rows.append(("参与评分城市数", f"{len(result.scores)} / {len(rubric.city.cities)}"))
    rows += [("提示", n.message) for n in result.notices if n.code == "CITIES_MISSING"]
    rows += [("第4.1项联席会议制度", f"{unit_rule}（规则设置 city_counts_as_unit）"), ("并列规则", TIE_RULE)]
    if result.official:
        rows += [("官方平均水平文件", result.official.file), ("官方平均水平文件校验值（SHA-256）", result.official.sha256)]
    return rows


def _write_info(wb, fmts, result: CityResult) -> None:
    run = result.run
    name_key = result.rubric.name_field

    def text(f, key: str) -> str:
        return f.submission.text(key) if f.submission else ""

    files = [InputFile(f.file, f.sha256, f.status, text(f, name_key), (text(f, REPORTER_KEY),)) for f in run.files]
    info = RunInfo(result.rubric, run.stage, run.eval_date, files, result.issues, run.started, run.seconds,
                   _settings(result), file_extra=("填报单位",), summary=(_outcome(result),))
    write_run_info(wb, fmts, info)


def _outcome(result: CityResult) -> str:
    """What came out, in one sentence."""
    line = f"参与评分的城市 {len(result.scores)} 个（共 {len(result.rubric.city.cities)} 个）"
    if result.ranking:
        top = result.ranking[0].score
        line += f"，第 1 名{top.city}（总分 {top.total.normalize():f} 分）"
    return line + f"。排名见“{SHEET_RANK}”工作表。"

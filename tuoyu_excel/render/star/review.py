"""The 复审结果 workbook: the reviewed institutions as a decision sheet for the commission (复审处理), the
institutions whose review is overdue (逾期未复审) and the workbooks that cannot be reviewed (不可复审), and
the 校验问题 of the review's workbooks. Printable like the other results (A4 landscape, heading,
signature line).

《柳州市托育机构星级评定工作方案》四（一）: “……对复审不合格的作出限期整改或降级处理。”

复审处理 is written by the one decision-sheet writer (``render/decision_sheet.py``): three yellow
columns — 处理决定 (a dropdown per row: 通过 / 限期整改 / 降级为 a lower star / 撤销), 整改期限 (a
date) and 依据 — the rest locked without a password; the 复审日期 sits above the table. Read back by
``intake/decisions.py`` → ``intake/review.py``, checked by ``core/star/review.py``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from tuoyu_excel.core.star.review import KEEP, Review
from tuoyu_excel.layout.results import (
    R_NAME,
    REVIEW_DATE,
    REVIEW_HEADERS,
    REVIEWS,
    V_BASIS,
    V_CORE_RATE,
    V_DEADLINE,
    V_DECISION,
    V_NO,
    V_PASS,
    V_RECTIFY,
    V_REVOKE,
    V_SCORE,
    V_SINCE,
)
from tuoyu_excel.render.decision_sheet import DecisionRowOut, write_decision_sheet
from tuoyu_excel.render.formats import make_formats
from tuoyu_excel.render.issues_sheet import write_issues_sheet
from tuoyu_excel.render.output import OutputPath, prepare_output
from tuoyu_excel.render.print_page import heading_for
from tuoyu_excel.render.tables import Col, table_sheet
from tuoyu_excel.render.xlsx import writing_workbook
from tuoyu_excel.text import chinese_date

TITLE = "复审结果"
OVERDUE_SHEET = "逾期未复审"
SKIPPED_SHEET = "不可复审"
ISSUES_SHEET = "校验问题"
ALL_MET = "全部符合"


def review_filename(day: dt.date) -> str:
    return f"复审结果_{day:%Y%m%d}.xlsx"


def write_review_results(review: Review, wanted: Path) -> OutputPath:
    out = prepare_output(Path(wanted))
    with writing_workbook(out.path, TITLE) as wb:
        fmts = make_formats(wb)
        _decisions(wb, fmts, review)
        _overdue(wb, fmts, review)
        issues = [*review.issues, *(i for f in review.run.files for i in f.issues)]
        write_issues_sheet(wb, fmts, ISSUES_SHEET, issues,
                           replace(heading_for(review.rubric, ISSUES_SHEET, review.run.eval_date), date_label=REVIEW_DATE))
    return out


def _decisions(wb, fmts: dict, review: Review) -> None:
    rows = []
    for n, r in enumerate(review.rows, start=1):
        s = r.standing
        since = s.clock.date if s.clock is not None else s.latest.date
        conditions = ALL_MET if r.qualified else "；".join(r.failures)
        if s.rectifying:
            conditions += f"（{chinese_date(s.latest.date)} 已责令限期整改，期限 {chinese_date(s.latest.deadline)}）"
        rows.append(DecisionRowOut((n, r.name, r.district, r.key, s.star, since, r.total, r.core_rate, conditions,
                                    r.verdict, r.proposal, "", None, ""), choices=r.choices))
    day = review.run.eval_date
    heading = replace(heading_for(review.rubric, TITLE, day, guide_lines(review)), date_label=REVIEW_DATE)
    write_decision_sheet(wb, fmts, REVIEWS, heading, rows, labels=((REVIEW_DATE, day),),
                         label_col=REVIEW_HEADERS.index(R_NAME), score_headers=(V_SCORE,), int_headers=(V_NO,),
                         rate_headers=(V_CORE_RATE,), date_headers=(V_SINCE,),
                         basis_prompt="写明处理依据，如复审报告、整改通知的文号和结论。每项处理决定都须填写。",
                         date_prompt=f"处理决定为“{V_RECTIFY}”时填写整改期限，如 2027-06-30，须在处理日期之后。")


def guide_lines(review: Review) -> list[str]:
    years = review.rubric.star.review_years
    minimum = "" if not review.rubric.star.review_min_scores else "，且复审得分不低于现星级的复审最低分"
    return [
        f"复审（每 {years} 年一次）按评定条件逐项审核：全部符合{minimum}为“合格”，否则为“不合格”。不排名，不受名额限制。",
        f"建议处理：合格的“{KEEP}”；不合格的“{V_RECTIFY}”；限期整改期限已过仍不合格的，降低一个星级（一星级为“{V_REVOKE}”）。",
        f"市卫生健康委在黄色列填写：“{V_DECISION}”从下拉列表选择（{V_PASS} / {V_RECTIFY} / 降级为较低星级 / {V_REVOKE}）；"
        f"选“{V_RECTIFY}”的须填“{V_DEADLINE}”；每项决定都须填“{V_BASIS}”。暂不决定的留空。其他单元格已锁定。",
        "保存本工作簿，再做一次复审：输入文件夹和历史评定记录与这次相同，把本工作簿选为“复审结果”，评定日期填处理日期；"
        "工具核对后写出更新后的历史评定记录。",
    ]


def _overdue(wb, fmts: dict, review: Review) -> None:
    """Who should have come for review and did not (逾期未复审), and which workbooks could not be reviewed."""
    rubric, day = review.rubric, review.run.eval_date
    cols = [Col("机构名称", max_width=36), Col("统一社会信用代码"), Col("现星级"), Col("定级或复审日期", "date"),
            Col("状态", max_width=60)]
    rows = [[s.latest.name, s.key, s.star, (s.clock or s.latest).date, s.state_text(rubric, day)]
            for s in review.overdue]
    note = f"历史评定记录中复审已到期（或限期整改中），本次未收到复审表格的机构：{len(rows)} 家"
    table_sheet(wb, fmts, OVERDUE_SHEET, cols, rows or [["无", "", "", None, ""]],
                replace(heading_for(rubric, OVERDUE_SHEET, day, [note]), date_label=REVIEW_DATE))
    skipped = [[x.file, x.name, x.reason] for x in review.not_reviewable]
    table_sheet(wb, fmts, SKIPPED_SHEET, [Col("文件", max_width=40), Col("机构名称", max_width=30),
                                          Col("原因", max_width=70)], skipped or [["无", "", ""]],
                replace(heading_for(rubric, SKIPPED_SHEET, day, [f"不能复审的表格：{len(skipped)} 份"]),
                        date_label=REVIEW_DATE))

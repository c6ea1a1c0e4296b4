"""The 公示核查 sheet of the final star results: the published list as a form for what the 核查 found.

《柳州市托育机构星级评定工作方案》三（五）: “对有反映问题的，及时组织核查。通过公示和核查的，由柳州市
卫生健康委命名为‘星级托育机构’。”

One row per institution of the 公示 (the same order), the 公示期 above the table (read back: the
naming run refuses a 命名日期 within it), and two yellow columns: 核查结果 (通过 / 不予命名; blank
counts as 通过) and 核查依据 (required with 不予命名). Written by the one decision-sheet writer,
read back by ``intake/decisions.py`` → ``intake/publication.py``, checked by ``core/star/naming.py``.
"""

from __future__ import annotations

from tuoyu_excel.layout.results import (
    C_BASIS,
    C_NO,
    C_RESULT,
    CHECK_HEADERS,
    CHECKS,
    NOTICE_END,
    NOTICE_START,
    R_CORE,
    R_NAME,
    R_RANK,
    R_TOTAL,
    WITHHELD,
)
from tuoyu_excel.render.decision_sheet import DecisionRowOut, write_decision_sheet
from tuoyu_excel.render.print_page import heading_for
from tuoyu_excel.render.star.data import StarReport
from tuoyu_excel.text import chinese_date

TITLE = "公示核查结果"


def write_checks(wb, fmts: dict, rep: StarReport) -> None:
    """The sheet, for final results (the 公示) and for named ones (the decisions used, kept)."""
    naming = rep.result.naming
    withheld = {w.placement.candidate.key: w.basis for w in naming.withheld} if naming else {}
    listed = rep.published()
    rows = []
    for n, p in enumerate(listed, start=1):
        c = p.candidate
        decision = (WITHHELD if c.key in withheld else "通过") if naming else ""
        rows.append(DecisionRowOut((n, p.star, c.name, c.district, c.key, p.zone, p.rank, c.total, c.core,
                                    decision, withheld.get(c.key, ""))))
    period = rep.result.notice
    labels = ((NOTICE_START, period.start if period else None), (NOTICE_END, period.end if period else None))
    heading = heading_for(rep.rubric, TITLE, rep.result.run.eval_date, guide_lines(rep))
    write_decision_sheet(wb, fmts, CHECKS, heading, rows, labels=labels, label_col=CHECK_HEADERS.index(R_NAME),
                         score_headers=(R_TOTAL, R_CORE), int_headers=(C_NO, R_RANK),
                         basis_prompt="写明核查依据，如核查报告文号、核查结论。选择“不予命名”的必须填写。")


def guide_lines(rep: StarReport) -> list[str]:
    body = rep.rubric.report.ruling_body or "评定单位"
    if rep.result.naming is not None:
        return [f"本表记录了命名时采用的公示核查结果（命名日期 {chinese_date(rep.result.naming.date)}）。"]
    return [
        f"公示期满后，{body}对公示期间反映的问题组织核查，在本表记录结果：",
        f"1. 在黄色的“{C_RESULT}”列选择“通过”或“{WITHHELD}”（留空视为通过）；选择“{WITHHELD}”的，须在“{C_BASIS}”列写明依据"
        "（如核查报告文号、核查结论）。其他单元格已锁定，请不要改动。",
        f"2. {WITHHELD}的机构空出的名额不递补给排名在后的机构（递补的机构未经公示）。",
        "3. 保存本工作簿，再做一次星级评定：输入文件夹、评定日期和历史评定记录与这次相同，把本工作簿选为“决定工作簿”，"
        "并填写命名日期（须在公示期结束之后）。工具核对后写出命名名单和更新后的历史评定记录。",
    ]


def withheld_warning(rep: StarReport) -> str:
    """The 汇总 line naming who the 核查 withheld and why (none when nobody was)."""
    naming = rep.result.naming
    if naming is None or not naming.withheld:
        return ""
    who = "；".join(f"{w.placement.candidate.name}（拟命名{w.placement.star}，依据：{w.basis}）" for w in naming.withheld)
    return (f"注意：经公示核查，{len(naming.withheld)} 家机构{WITHHELD}，不列入命名名单，也不写入历史评定记录；"
            f"空出的名额不递补：{who}。")

"""The 待裁定 sheet of the star results workbook: the ties for the commission to decide, as a form.

One row per institution the ranking left 待裁定 (ruled ones show the ruling this run applied, so the
workbook stays a complete decisions workbook). Only 裁定星级 (a dropdown of the tie's stars and
未获评) and 裁定依据 are unlocked and pale yellow; the sheet is written by the one decision-sheet
writer (``render/decision_sheet.py``) and read back by ``intake/decisions.py``; where things sit:
``layout/results.py``.
"""

from __future__ import annotations

from tuoyu_excel.core.star.ranking import PENDING
from tuoyu_excel.core.star.rulings import Tie
from tuoyu_excel.layout.results import R_BASIS, R_CORE, R_STAR, R_TOTAL, RULINGS, RULINGS_SHEET, SPAN_SEP
from tuoyu_excel.render.decision_sheet import DecisionRowOut, write_decision_sheet
from tuoyu_excel.render.print_page import heading_for
from tuoyu_excel.render.star.data import StarReport

TITLE = "待裁定机构名单"


def write_rulings(wb, fmts: dict, rep: StarReport) -> None:
    """The sheet, when the ranking left any institution 待裁定 (before rulings)."""
    ties = sorted(rep.result.ties, key=lambda t: (rep.zone_order(t.placement.zone), t.placement.rank,
                                                  t.placement.candidate.key))
    if not ties:
        return
    notes = (rep.stage_label, *guide_lines(rep))
    heading = heading_for(rep.rubric, TITLE, rep.result.run.eval_date, notes)
    write_decision_sheet(wb, fmts, RULINGS, heading, [_row(t) for t in ties],
                         basis_prompt="写明裁定依据，如会议纪要文号、核查结论。选择了裁定星级的必须填写。",
                         score_headers=(R_TOTAL, R_CORE))


def _row(tie: Tie) -> DecisionRowOut:
    p, ruling = tie.placement, tie.ruling
    c = p.candidate
    values = (p.zone, p.rank, c.key, c.name, c.total, c.core, SPAN_SEP.join(tie.span),
              ruling.star if ruling else "", ruling.basis if ruling else "")
    return DecisionRowOut(values, tie.choices)


def guide_lines(rep: StarReport) -> list[str]:
    """How to fill the sheet and hand it back (the lines above the table)."""
    body = rep.rubric.report.ruling_body or "评定单位"
    pending = len(rep.pending)
    state = (f"现有 {pending} 家仍为{PENDING}。" if pending else "本次已全部按裁定处理，下表记录了采用的裁定。")
    return [
        f"下列机构综合得分与核心指标得分完全相同，并列的名次跨越星级分界或名额界限，须由{body}裁定。{state}",
        f"1. 在黄色的“{R_STAR}”列从下拉列表选择（只能选该行“可裁定星级”中的星级或“未获评”），在“{R_BASIS}”列写明依据"
        "（如会议纪要文号、核查结论）；其他单元格已锁定。暂不裁定的行留空，这些机构仍为待裁定。",
        "2. 同一组并列的机构，裁定为某一星级的家数不得超过该组占有的这一星级名次数：例如两家并列占第 6、7 名，"
        "分属二星级和一星级，则至多一家为二星级、至多一家为一星级。",
        "3. 保存本工作簿，再做一次星级评定：输入文件夹、评定日期和历史评定记录与这次相同，并把本工作簿选为“决定工作簿”。"
        "工具核对后生成最终结果（含公示和公示核查）；裁定与本次评定不符的，会指出所在单元格，不生成结果。",
    ]


def pending_warning(rep: StarReport) -> str:
    """The 汇总 line nobody should miss while institutions are 待裁定 (none when nothing is)."""
    if not rep.pending:
        return ""
    body = rep.rubric.report.ruling_body or "评定单位"
    names = "、".join(f"{p.candidate.name}（{p.zone}第 {p.rank} 名）" for p in rep.pending)
    done = (f"已按决定工作簿 {rep.result.rulings.file} 裁定 {len(rep.result.ruled)} 家，仍" if rep.result.rulings else "")
    return (f"草稿，不得公示：{done}有 {len(rep.pending)} 家机构{PENDING}——综合得分与核心指标得分完全相同且跨越星级分界，"
            f"须由{body}裁定后才能生成公示：{names}。本工作簿不含公示，请在“{RULINGS_SHEET}”工作表中填写"
            f"{R_STAR}和{R_BASIS}，保存后把本工作簿选为“决定工作簿”，再做一次星级评定。")


def rulings_used(rep: StarReport) -> str:
    """What the 汇总 parameters say about the rulings file."""
    rulings = rep.result.rulings
    if rulings is None:
        return "未使用"
    return f"{rulings.file}（已裁定 {len(rep.result.ruled)} 家，仍{PENDING} {len(rep.pending)} 家）"

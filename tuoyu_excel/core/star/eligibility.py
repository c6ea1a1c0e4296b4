"""Eligibility for a star rating, as the Liuzhou plan states it. Each failure is a Reason.

《柳州市托育机构星级评定工作方案》一、评定对象:
（一）在县区卫生健康局备案，且连续运营满一年以上；
（二）经各县区卫生健康局认定为普惠托育机构，并执行政府指导价；
（三）申请年度内无失信惩戒不良记录，无歧视、体罚……等行为，未发生安全事故和严重婴幼儿伤害事件，未发生重大服务纠纷……；
（四）需满足必备条件，且评估分数达到750分(含)以上，核心指标得分不得低于80%。
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tuoyu_excel.core.pipeline import Reason
from tuoyu_excel.core.scoring import ScoreCard
from tuoyu_excel.intake.validate import Submission
from tuoyu_excel.spec.model import NO, YES, Rubric
from tuoyu_excel.text import chinese_date


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later (29 Feb → 28 Feb in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _pct(rate: Decimal) -> str:
    return f"{(rate * 100).quantize(Decimal('0.01'))}%"


def check_eligibility(sub: Submission, card: ScoreCard, rubric: Rubric, eval_date: dt.date) -> list[Reason]:
    """Every failed condition, not just the first."""
    s = rubric.star
    reasons: list[Reason] = []
    reasons += _filing_and_operation(sub, rubric, eval_date)
    for key in s.required_yes:
        if sub.form.get(key) != YES:
            reasons.append(Reason(f"NOT_{key.upper()}", f"{rubric.field_by_key[key].label}：{sub.text(key) or '未填'}，应为“是”"))
    for key in s.required_no:
        if sub.form.get(key) != NO:
            reasons.append(Reason(f"DECLARED_{key.upper()}", f"{rubric.field_by_key[key].label}：{sub.text(key) or '未填'}"))
    for code in card.failed_veto:
        reasons.append(Reason("VETO_FAILED", f"必备条件 {code} {rubric.item_by_code[code].title} 不符合"))
    if card.total < s.pass_mark:
        reasons.append(Reason("BELOW_PASS_MARK", f"综合得分 {card.total} 分，低于 {s.pass_mark} 分"))
    reasons += _core(card, rubric)
    return reasons


def _filing_and_operation(sub: Submission, rubric: Rubric, eval_date: dt.date) -> list[Reason]:
    s = rubric.star
    filed = sub.form.get(s.filing_date_field)
    started = sub.form.get(s.start_date_field)
    reasons = []
    if not isinstance(filed, dt.date) or filed > eval_date:
        reasons.append(Reason("NOT_FILED", "未在县区卫生健康局备案（备案日期未填或晚于评定日期）"))
    if not isinstance(started, dt.date) or add_years(started, s.min_operation_years) > eval_date:
        when = chinese_date(started) if isinstance(started, dt.date) else "未填"
        reasons.append(Reason("OPERATION_TOO_SHORT",
                              f"开始收托日期 {when}，至评定日期 {chinese_date(eval_date)} 连续运营不满 {s.min_operation_years} 年"))
    return reasons


def _core(card: ScoreCard, rubric: Rubric) -> list[Reason]:
    s = rubric.star
    if s.core_rate_reading == "per_item":
        low = [i.code for i in rubric.scored_items
               if i.core and card.items.get(i.code) is not None and card.items[i.code] < s.core_rate * i.points]
        if low:
            return [Reason("CORE_RATE_LOW", f"核心指标 {'、'.join(low)} 得分率低于 {_pct(s.core_rate)}")]
        return []
    if card.core < s.core_rate * card.core_possible:
        return [Reason("CORE_RATE_LOW", f"核心指标得分 {card.core}/{card.core_possible}（{_pct(card.core_rate)}），低于 {_pct(s.core_rate)}")]
    return []

"""The 复审 job: ``run_review(p, progress)`` — ``JobParams`` in, ``Outcome`` out, for the CLI and the window.

《柳州市托育机构星级评定工作方案》四（一）: “获得星级的托育机构，每3年复审1次……县区卫生健康局按照柳州市
星级托育机构评估标准进行审核验收并上报市卫生健康委，对复审不合格的作出限期整改或降级处理。”

Without ``p.decisions``: the folder's workbooks judged against the history (``p.history``, required)
on ``p.date()`` → the 复审结果 workbook (its 复审处理 sheet for the commission's decisions, 逾期未复审,
不可复审, 校验问题). Status 1 when a workbook is not reviewable or has issues.

With ``p.decisions`` (that workbook, filled in): the same review again, on the decision day
``p.date()``, the decisions checked against it (``core/star/review.py``) and, only when every one
fits, the updated history written (历史评定记录_更新至YYYYMMDD.xlsx). Any problem refuses the run
with every cell named (``DecisionsRefused``, exit 2) and nothing written.
"""

from __future__ import annotations

from pathlib import Path

from tuoyu_excel.app.params import DONE_CLEAN, DONE_WITH_ISSUES, DecisionsRefused, JobError, JobParams, Outcome
from tuoyu_excel.app.steps import evaluate_folder, output_for, refuse_empty, rubric_for, saved, source_for, stage_for
from tuoyu_excel.app.summaries import KEPT_LABEL
from tuoyu_excel.app.untrusted import decisions_for, history_for
from tuoyu_excel.app.wording import action, hint
from tuoyu_excel.core.pipeline import Progress
from tuoyu_excel.core.star.review import Decided, Review, apply_decisions, review_folder, updated_history
from tuoyu_excel.intake.history import HistoryRead
from tuoyu_excel.intake.review import review_decisions_of
from tuoyu_excel.layout.history import kept_history_name
from tuoyu_excel.layout.results import REVIEWS
from tuoyu_excel.render.history_template import write_history_records
from tuoyu_excel.render.output import kept_output
from tuoyu_excel.render.star.review import review_filename, write_review_results

TITLE = "复审"
SAVED_LABEL = "复审结果"
NEEDS_HISTORY = ("复审须指定历史评定记录（上次命名或复审写出的 历史评定记录_更新至<日期>.xlsx，或生成空白的"
                 "星级评定历史记录表后填写的表格），工具据此确定各机构的现星级和复审期限")


def run_review(p: JobParams, progress: Progress | None = None) -> Outcome:
    """The review's results, or (with decisions) the updated history."""
    rubric = rubric_for(p, "star")
    stage = stage_for(p, rubric)
    source = source_for(p, folder_only=True)
    if not p.history:
        raise JobError(NEEDS_HISTORY)
    for side, what in ((p.history, "历史记录文件"), (p.decisions, "复审结果工作簿")):
        if side and not Path(side).is_file():
            raise JobError(f"找不到{what} {side}。请检查路径是否正确")
    day = p.date()
    history = history_for(p.history, rubric, day)
    if not history.usable:
        raise JobError("；".join(i.text for i in history.issues))
    run = evaluate_folder(p, rubric, stage, progress)
    refuse_empty(source, run, of_kind=True)
    review = review_folder(run, history.records)
    if p.decisions:
        return _decide(p, review, history, source)
    outcome = Outcome(TITLE, review_lines(review, history), status=_status(review, history))
    saved(outcome, SAVED_LABEL, write_review_results(review, output_for(p, review_filename(day))), source)
    return outcome


def _status(review: Review, history: HistoryRead) -> int:
    troubled = review.issues or history.issues or any(f.issues for f in review.run.files)
    return DONE_WITH_ISSUES if troubled else DONE_CLEAN


def review_lines(review: Review, history: HistoryRead) -> list[str]:
    """The summary: how many reviewed, 合格 / 不合格, proposals, overdue, not reviewable, history issues."""
    rows = review.rows
    qualified = sum(1 for r in rows if r.qualified)
    lines = [f"复审日期 {review.run.eval_date.isoformat()}，收到 {len(review.run.files)} 份表格，复审 {len(rows)} 家："
             f"合格 {qualified} 家，不合格 {len(rows) - qualified} 家。"]
    proposals: dict[str, int] = {}
    for r in rows:
        proposals[r.proposal] = proposals.get(r.proposal, 0) + 1
    if proposals:
        lines.append("建议处理：" + "，".join(f"{k} {n} 家" for k, n in proposals.items()) + "。")
    lines.append(f"逾期未复审 {len(review.overdue)} 家（见“逾期未复审”工作表）。")
    for issue in review.issues:
        lines.append(f"  不能复审：{issue.text}")
    if history.issues:
        lines.append(f"历史评定记录 {history.file} 有 {len(history.issues)} 个问题，有问题的行未使用（见“校验问题”）。")
    lines.append(action(f"请市卫生健康委在复审结果的“复审处理”工作表中填写处理决定，{hint('review_decisions')}。",
                        "复审结果待处理"))
    return lines


def _decide(p: JobParams, review: Review, history: HistoryRead, source: Path) -> Outcome:
    read = decisions_for(p.decisions, (REVIEWS,))
    decisions = review_decisions_of(read)
    decided = apply_decisions(review, decisions, review.run.eval_date)
    if decided.issues:
        raise DecisionsRefused(read.file, [i.text for i in decided.issues])
    if not decided.records:
        raise JobError(f"复审结果工作簿 {read.file} 的“{REVIEWS.name}”中还没有任何处理决定。请在“处理决定”列选择、"
                       "填写依据（限期整改的填整改期限）并保存后重新运行")
    day = review.run.eval_date
    as_file = p.output is not None and Path(p.output).suffix.lower() == ".xlsx"  # else a folder, made if need be
    wanted = output_for(p, kept_history_name(day), several=not as_file)
    kept = kept_output(wanted)
    records = updated_history(history.records, decided.records)
    write_history_records(review.rubric, records, kept.path, _about(history, decided, day))
    outcome = Outcome(TITLE, decision_lines(decided, day), status=DONE_WITH_ISSUES if history.issues else DONE_CLEAN)
    saved(outcome, KEPT_LABEL, kept, source)
    return outcome


def decision_lines(decided: Decided, day) -> list[str]:
    counts: dict[str, int] = {}
    for h in decided.records:
        counts[h.status] = counts.get(h.status, 0) + 1
    lines = [f"按处理决定新增历史记录 {len(decided.records)} 条（日期为处理日期 {day.isoformat()}）："
             + "，".join(f"{k} {n} 条" for k, n in counts.items()) + "。"]
    if decided.undecided:
        lines.append(f"尚未决定的 {len(decided.undecided)} 家未写入："
                     + "、".join(r.name for r in decided.undecided) + "。决定后可再运行一次。")
    return lines


def _about(history: HistoryRead, decided: Decided, day) -> list[str]:
    return [f"本文件由复审处理生成：原历史记录 {history.file} 的 {len(history.records)} 条照原样保留，"
            f"新增复审处理记录 {len(decided.records)} 条（日期 {day.isoformat()}）。"]

"""The Chinese summary of each job's result: the lines the command line prints and the window shows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tuoyu_excel.app.wording import action, hint, warn
from tuoyu_excel.core.city.evaluate import CityResult
from tuoyu_excel.core.panel_copies import assessor_counts
from tuoyu_excel.core.pipeline import STATUS_ERROR, STATUS_OK, STATUS_UNREADABLE, STATUS_WARN, FileResult, RunResult
from tuoyu_excel.core.star.county import CountyReport
from tuoyu_excel.core.star.ranking import NO_STAR, PENDING
from tuoyu_excel.core.star.rating import CarriedHistory, StarResult
from tuoyu_excel.intake.history import HistoryRead
from tuoyu_excel.intake.publication import ChecksRead
from tuoyu_excel.issues import ERROR
from tuoyu_excel.layout.results import WITHHELD
from tuoyu_excel.render.check_report import sorted_issues
from tuoyu_excel.render.county.report import other_county_note, summary_line
from tuoyu_excel.render.star.panel_sheet import panel_line
from tuoyu_excel.text import chinese_date

SHOWN_ISSUES = 20  # check: issues listed before "……另有 N 条"
SHOWN_RANKS = 5  # city: places listed
SHOWN_CITY_ISSUES = 10


def points(value: Decimal) -> str:
    return format(value.normalize(), "f")


def file_line(f: FileResult) -> str:
    """One file of a check. A file whose workbook passed but whose institution misses a condition is not
    called 通过: the condition leads."""
    if f.card is None:
        return f"{f.file}：{f.status}，未计分"
    score = f"综合得分 {points(f.card.total)} 分"
    if not f.reasons:
        return f"{f.file}：{f.status}，{score}"
    table = "表格校验通过" if f.status == STATUS_OK else f"表格{f.status}"
    return f"{f.file}：未达评定条件 {len(f.reasons)} 项（{table}），{score}"


# A check lists the files that need mending first: unreadable, with errors, with warnings, then the rest.
FILE_ORDER = (STATUS_UNREADABLE, STATUS_ERROR, STATUS_WARN, STATUS_OK)


def _file_lines(files: list[FileResult]) -> list[str]:
    """One line a file, those to mend first: flagged as actions (errors), warnings (warnings, or a
    condition not met)."""
    ordered = sorted(files, key=lambda f: (FILE_ORDER.index(f.status) if f.status in FILE_ORDER else 0, not f.reasons))
    bad = sum(1 for f in files if f.status in (STATUS_UNREADABLE, STATUS_ERROR))
    warned = sum(1 for f in files if f.status == STATUS_WARN)
    unmet = sum(1 for f in files if f.status == STATUS_OK and f.reasons)
    lines: list[str] = []
    for f in ordered:
        text = f"  {file_line(f)}"
        if f.status in (STATUS_UNREADABLE, STATUS_ERROR):
            lines.append(action(text, f"{bad} 个文件有错误或无法读取"))
        elif f.status == STATUS_WARN:
            lines.append(warn(text, f"{warned} 个文件有警告"))
        elif f.reasons:
            lines.append(warn(text, f"{unmet} 家未达评定条件"))
        else:
            lines.append(text)
    return lines


def check_summary(result: RunResult) -> list[str]:
    counts = {s: sum(1 for f in result.inputs if f.status == s)
              for s in (STATUS_OK, STATUS_WARN, STATUS_ERROR, STATUS_UNREADABLE)}
    stage = result.rubric.stage(result.stage)
    issues = result.issues
    errors = sum(f.errors for f in result.files)
    lines = [f"{result.rubric.name}（{stage.label}，评定日期 {result.eval_date.isoformat()}）",
             f"共读取 {len(result.inputs)} 个文件：通过 {counts[STATUS_OK]}，有警告 {counts[STATUS_WARN]}，"
             f"有错误 {counts[STATUS_ERROR]}，无法读取 {counts[STATUS_UNREADABLE]}",
             f"共发现问题 {len(issues)} 条：错误 {errors} 条，警告 {len(issues) - errors} 条"]
    if result.panel:
        lines.append(f"多人评分：同一机构的几份表格已合成一份（各机构评分人数：{assessor_counts(result.files)}）。")
    lines += _file_lines(result.inputs)
    if issues:
        shown = sorted_issues(result.files)[:SHOWN_ISSUES]
        lines.append(f"前 {len(shown)} 条问题：" if len(issues) > SHOWN_ISSUES else "问题：")
        lines += [f"  [{issue.severity}] {issue.text}" for issue in shown]
        if len(issues) > SHOWN_ISSUES:
            lines.append(f"  ……另有 {len(issues) - SHOWN_ISSUES} 条，详见校验报告")
    return lines


def star_summary(result: StarResult, history: HistoryRead | None, checks: ChecksRead | None = None) -> list[str]:
    history_issues = list(history.issues) if history else []
    rubric = result.rubric
    stage = rubric.stage(result.run.stage)
    provisional = result.provisional
    lines = [f"{rubric.name}（{stage.label}{'，初步结果' if provisional else ''}，"
             f"评定日期 {result.run.eval_date.isoformat()}）"]
    if provisional:
        lines.append(warn(f"注意：本次按“{stage.header}”评定，结果是初步结果，仅供核对；最终星级以{rubric.stages[-1].label}"
                          "为准（初步结果不生成更新后的历史评定记录）。", "初步结果"))
    lines.append(f"共读取 {len(result.run.inputs)} 个文件：表格有错误、未参加评定 {len(result.excluded)} 份，"
                 f"未达评定条件 {len(result.ineligible)} 家，参加排名 {len(result.placements)} 家。")
    if result.run.panel:
        lines.append(panel_line(result.run.files))
    stars = list(reversed(rubric.star.stars)) + [NO_STAR, PENDING]
    if result.naming is not None and result.naming.withheld:
        stars.append(WITHHELD)
    for zone in rubric.star.zones:
        mine = [p for p in result.placements if p.zone == zone.name]
        lines.append(f"  {zone.name}：" + "，".join(f"{s} {sum(1 for p in mine if p.star == s)} 家" for s in stars))
    lines += [warn(f"  未参加评定：{f.file}（{f.status}，{len(f.issues)} 个问题，见“校验问题”）",
                   f"{len(result.excluded)} 份表格未参加评定") for f in result.excluded]
    lines += ruling_lines(result)
    lines += publication_lines(result, checks)
    if history is not None and not history.usable:
        lines.append(action(f"注意：历史评定记录表 {history.file} 无法读取（{history_issues[0].message}）",
                            "历史评定记录无法读取"))
        lines.append(action("  因此命名时不会生成更新后的历史评定记录；改正该文件后重新运行即可生成。"))
    elif result.history or history_issues:
        lines.append(f"历史记录：使用 {len(result.history)} 条，{len(history_issues)} 行有问题未使用（见“校验问题”）；"
                     f"复审到期 {len(result.review_due)} 家。")
    if history is None:
        settings = rubric.star
        lines.append(action(f"注意：未使用历史评定记录，“已定级的机构{settings.rerate_wait_years}年后方可申报高一等级”和"
                            f"“每{settings.review_years}年复审1次”两条规则本次未执行。{hint('history_missing')}。",
                            "未使用历史评定记录"))
    return lines


def ruling_lines(result: StarResult) -> list[str]:
    """The rulings applied, and — loudly — the institutions still 待裁定 and how to settle them."""
    body = result.rubric.report.ruling_body or "评定单位"
    lines = []
    if result.rulings is not None:
        ruled = "；".join(f"{t.placement.candidate.name}（{t.placement.zone}第 {t.placement.rank} 名并列）→ {t.ruling.star}"
                         for t in result.ruled)
        lines.append(f"裁定：按决定工作簿 {result.rulings.file} 裁定 {len(result.ruled)} 家" + (f"：{ruled}" if ruled else "")
                     + "。")
    if not result.pending:
        return lines
    names = "、".join(f"{p.candidate.name}（{p.zone}第 {p.rank} 名）" for p in result.pending)
    still = "仍" if result.rulings is not None else ""
    lines.append(action(f"注意：{still}有 {len(result.pending)} 家机构{PENDING}（综合得分、核心指标得分均相同且跨越星级分界），"
                        f"须由{body}裁定：{names}", f"{still}有 {len(result.pending)} 家{PENDING}"))
    lines.append(action(f"  请在结果工作簿的“{PENDING}”工作表中选择裁定星级、填写裁定依据，{hint('rulings')}。"
                        "这是草稿：全部裁定之前，结果中没有公示，不能命名，也不写历史评定记录。"))
    return lines


def publication_lines(result: StarResult, checks: ChecksRead | None) -> list[str]:
    """The 公示 → 命名 step this run reached, and what comes next (《工作方案》三（五））."""
    if result.named:
        return naming_lines(result)
    if not result.final:
        return []
    period = result.notice
    days = result.rubric.star.notice_working_days
    listed = [p for p in result.placements if p.star in result.rubric.star.stars]
    lines = [f"公示：结果工作簿的“公示”工作表可以直接打印发布（拟命名 {len(listed)} 家）。"]
    if period is not None and period.known:
        how = "（结束日期为指定的日期）" if period.by_hand else ""
        lines.append(f"  公示期：自 {chinese_date(period.start)} 至 {chinese_date(period.end)}（{days}个工作日）{how}。")
        if not period.checked:
            years = "、".join(f"{y}年" for y in period.unknown_years)
            lines.append(action(f"注意：本工具尚未收录{years}的法定节假日安排，公示结束日期暂按周一至周五计算，请对照当年的"
                                f"节假日安排核对；{hint('notice_end')}", "公示结束日期须核对"))
    else:
        lines.append(warn(f"注意：未填写公示开始日期，“公示”中的公示期留有空白，请打印后手写（{days}个工作日，按法定节假日"
                          f"和调休计算），或{hint('notice_date')}", "公示期未填写"))
    lines.append(action(f"  公示期满、核查后：在本结果工作簿的“公示核查”工作表中填写核查结果，{hint('name')}，"
                        "生成命名名单和更新后的历史评定记录。命名之前不写历史评定记录。", "公示后须核查、命名"))
    if checks is not None and any(r.result != "通过" for r in checks.rows):
        lines.append(warn("注意：决定工作簿的“公示核查”中已填写了“不予命名”，但本次未填写命名日期，没有命名。"))
    return lines


def naming_lines(result: StarResult) -> list[str]:
    naming = result.naming
    stars = result.rubric.star.stars
    counts = "，".join(f"{s} {n} 家" for s in reversed(stars) if (n := sum(1 for p in naming.named if p.star == s)))
    lines = [f"命名：{chinese_date(naming.date)}命名星级托育机构 {len(naming.named)} 家" + (f"（{counts}）" if counts else "")
             + "，通过公示和核查。"]
    if naming.withheld:
        lines.append(warn(f"注意：经公示核查不予命名 {len(naming.withheld)} 家（空出的名额不递补）："
                          + "；".join(f"{w.placement.candidate.name}（拟命名{w.placement.star}，依据：{w.basis}）"
                                     for w in naming.withheld), f"{len(naming.withheld)} 家不予命名"))
    else:
        lines.append("  公示核查：全部通过。")
    return lines


KEPT_LABEL = "更新后的历史评定记录"
NAMING_LABEL = "命名名单"


def kept_history_lines(result: StarResult, carried: CarriedHistory, named_on: dt.date, bad: int) -> list[str]:
    """What the kept history holds, and that it is next year's --history."""
    s = result.rubric.star
    when = f"命名日期 {named_on.isoformat()}"
    lines = [f"  请妥善保存此文件：{hint('history_next_year')}，"
             f"“已定级的机构{s.rerate_wait_years}年后方可申报高一等级”和“每{s.review_years}年复审1次”即按它执行，无须重新录入。",
             f"  其中原历史记录 {len(result.history) - carried.replaced} 条照原样保留，本次新增“有效”记录 {carried.added} 条"
             f"（日期为{when}）。"]
    if carried.held:
        lines.append(f"  因定级未满 {s.rerate_wait_years} 年保持原星级的 {carried.held} 家沿用原记录，未新增记录。")
    if carried.replaced:
        lines.append(f"  原历史记录中有 {carried.replaced} 条与本次同一天的记录不一致，已按本次结果替换。")
    if bad:
        lines.append(action(f"  注意：原历史记录文件中有问题的行（共 {bad} 个问题）未能读取，也未写入此文件；"
                            "请按结果工作簿“校验问题”改正后在此文件中补录。", "历史记录有问题的行须补录"))
    return lines


def kept_history_about(result: StarResult, carried: CarriedHistory, named_on: dt.date) -> list[str]:
    """The lines the kept history's 说明 sheet adds: where its records came from."""
    return [f"本表由星级评定（评定日期 {chinese_date(result.run.eval_date)}）生成：原历史记录 "
            f"{len(carried.records) - carried.added} 条，本次命名的机构新增“有效”记录 {carried.added} 条，日期为命名日期 "
            f"{chinese_date(named_on)}（经公示核查不予命名的机构不记录）。明年评定时请指定本表为历史评定记录。"]


def city_summary(result: CityResult) -> list[str]:
    rubric = result.rubric
    stage = rubric.stage(result.run.stage)
    lines = [f"{rubric.name}（{stage.label}，“{stage.header}”列）",
             f"读取文件 {len(result.run.files)} 个，参与评分城市 {len(result.scores)} 个（全区共 {len(rubric.city.cities)} 个设区市）。",
             f"全区平均水平：{result.basis_text()}。"]
    if result.ranking:
        lines.append(f"排名（前 {min(SHOWN_RANKS, len(result.ranking))} 名）：")
        for placed in result.ranking[:SHOWN_RANKS]:
            note = f"（{placed.note}）" if placed.note else ""
            lines.append(f"  第 {placed.rank} 名  {placed.score.city}  {points(placed.score.total)} 分{note}")
    issues = result.issues
    if not issues:
        return lines + ["未发现问题。"]
    errors = sum(1 for i in issues if i.severity == ERROR)
    flag = action if errors else warn
    lines.append(flag(f"发现问题：错误 {errors} 条，警告 {len(issues) - errors} 条（全部见结果表“校验问题”工作表）：",
                      f"有错误 {errors} 条" if errors else f"有警告 {len(issues)} 条"))
    lines += [flag(f"  [{issue.severity}] {issue.text}") for issue in issues[:SHOWN_CITY_ISSUES]]
    if len(issues) > SHOWN_CITY_ISSUES:
        lines.append(flag(f"  ……另有 {len(issues) - SHOWN_CITY_ISSUES} 条"))
    return lines


def county_summary(report: CountyReport) -> list[str]:
    lines = [f"{report.county}初评报告（{report.rubric.stage(report.stage).label}，评定日期 {report.eval_date.isoformat()}）",
             summary_line(report)]
    lines += [f"  上报：{inst.name}，初评总分 {points(inst.county.total)} 分"
              + (f"（{len(inst.assessors)} 位评分人平均）" if inst.assessors else "") for inst in report.forward]
    lines += [f"  不符合：{inst.name}：{'；'.join(inst.reasons)}" for inst in report.ineligible]
    lines += [action(f"  未能评分：{f.file}（{f.status}，错误 {f.errors} 条）", f"{len(report.unscored)} 份未能评分")
              for f in report.unscored]
    if report.unattributed:
        lines.append(warn(f"无法确定县区的文件 {len(report.unattributed)} 个（不计入本县区申报）："
                          + "、".join(f.file for f in report.unattributed), "有文件无法确定县区"))
    note = other_county_note(report)
    if note:
        lines.append(note)
    if report.issues:
        errors = sum(1 for i in report.issues if i.severity == ERROR)
        lines.append(f"校验问题 {len(report.issues)} 条（其中错误 {errors} 条），详见报告的“校验问题”工作表")
    return lines

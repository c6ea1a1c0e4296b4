"""Issues: the "data breaks the rubric" channel. Never raised, always collected.

Every issue has a stable code from CATALOGUE, a severity (错误 / 警告), a
location (file, sheet, A1 cell, the row Excel shows), the value found and what
was expected, and a Chinese message built from the catalogue: where → what →
how to fix. Call sites pass a code and context; nobody pre-formats messages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from tuoyu_excel.issues.titles import TITLES
from tuoyu_excel.text import chinese_date

ERROR = "错误"
WARNING = "警告"
__all__ = ["CATALOGUE", "ERROR", "SUBMITTER_TEXTS", "TITLES", "WARNING", "Issue", "IssueLog", "issue_title",
           "make_issue"]

# code: (severity, what went wrong + how to fix; placeholders filled from the context)
CATALOGUE: dict[str, tuple[str, str]] = {
    # files
    "FILE_NOT_SPREADSHEET": (ERROR, "不是 Excel/WPS 表格文件（{detail}）。请发送由模板填写的 .xlsx 或 .xls 文件"),
    "FILE_ENCRYPTED": (ERROR, "文件设置了打开密码，无法读取。请取消密码（文件→信息→保护工作簿）后重新发送"),
    "FILE_CORRUPT": (ERROR, "文件已损坏或不完整（{detail}）。请让填报单位用 Excel/WPS 重新保存后再发送"),
    "FILE_TOO_LARGE": (ERROR, "文件过大或内部文件过多（{detail}），可能不是正常的表格。请核对后重新发送"),
    "FILE_UNREADABLE": (ERROR, "无法读取文件（{detail}）。请关闭正在打开此文件的程序，确认文件仍在文件夹中，然后重新运行"),
    "FILE_PROCESS_FAILED": (ERROR, "读取这个文件时{detail}，已跳过，其他文件照常处理。文件可能已损坏或被特意构造，请让填报单位用 Excel/WPS 重新保存后发送"),
    "FILE_UNSAFE_XML": (ERROR, "文件内含不安全的 XML 声明（{detail}），已拒绝读取。请用 Excel/WPS 重新保存后发送"),
    "SHEET_TOO_LARGE": (ERROR, "“{label}”工作表有 {found}（内容一直延伸到 {detail} 单元格），远超模板的大小，可能误操作填满了整列或整行。"
                               "请删除模板以外多余的行和列后重新保存发送"),
    "FILE_NOT_TEMPLATE": (ERROR, "不是本工具生成的模板（{detail}）。请使用“生成空白模板”得到的表格填写"),
    "FILE_WRONG_KIND": (ERROR, "这是“{found}”表格，本次处理的是“{expected}”表格，未读取。如果这份表格放错了文件夹，请移到对应的文件夹；如需校验它，校验时不指定规则即可按表格自动识别"),
    "FILE_WRONG_RUBRIC": (ERROR, "表格按规则 {found} 生成，本次使用的规则是 {expected}。请用本次规则重新生成模板并转填，或改用对应的规则文件"),
    "FILE_WRONG_LAYOUT": (ERROR, "表格版式版本为 {found}，本工具需要版式版本 {expected}。请用本工具重新生成模板并转填"),
    "SHEET_MISSING": (ERROR, "缺少“{expected}”工作表。请不要删除或重命名模板中的工作表"),
    "HEADER_MISSING": (ERROR, "找不到“{expected}”列标题。请不要修改评分表的表头"),
    "ITEM_ROW_MISSING": (ERROR, "找不到编号为 {expected} 的评分项行。请不要删除评分表的行或修改“编号”列"),
    "ITEM_ROW_DUPLICATE": (ERROR, "编号 {found} 出现了两次（另一处在第 {other} 行）。请删除多余的行"),
    "FIELD_MISSING": (ERROR, "找不到“{expected}”一栏。请不要修改申报表左侧的项目名称"),
    # values
    "VALUE_REQUIRED": (ERROR, "“{label}”未填写。请填写此项"),
    "SCORE_NOT_NUMBER": (ERROR, "“{found}”不是分数。请只填写阿拉伯数字，如 8 或 8.5"),
    "SCORE_FORMULA_ERROR": (ERROR, "单元格是错误值 {found}。请删除公式，直接填写分数"),
    "SCORE_IS_DATE": (ERROR, "填的是日期（{found}），不是分数。请把单元格格式改为“常规”后重新填写分数"),
    "SCORE_TEXT_NUMBER": (WARNING, "分数“{found}”是以文本形式保存的数字，已按 {value} 分计算。建议把单元格格式改为“常规”"),
    "SCORE_WITH_UNIT": (WARNING, "分数“{found}”带有文字，已按 {value} 分计算。请只填写数字"),
    "SCORE_OVER_MAX": (ERROR, "得分 {found} 超过本项满分 {expected}。请核对后重新填写"),
    "SCORE_NEGATIVE": (ERROR, "得分 {found} 小于 0。扣分扣完为止，最低为 0 分"),
    "SCORE_NOT_ALLOWED": (ERROR, "得分 {found} 不符合本项计分方式，只能为 {expected}。请按“评分标准”列重新评分"),
    "SCORE_STEP": (ERROR, "得分 {found} 不是 {expected} 分的整数倍。请按 {expected} 分为单位评分"),
    "NA_NOT_ALLOWED": (ERROR, "本项不能填“不适用”。请按评分标准给分"),
    "NA_CONDITION_UNMET": (ERROR, "{label}填的是“不适用”，但{other}的“{field}”填的是“{detail}”，只有“{field}”为“{expected}”时本项才能填“不适用”。"
                                  "请按评分标准填写本项；如果是“{field}”填错了，请改正{other}"),
    "NA_REQUIRED": (ERROR, "{other}的“{field}”填的是“{detail}”，{label}只能填“不适用”，现为“{found}”。"
                           "请把本项改为“不适用”；如果是“{field}”填错了，请改正{other}"),
    "VETO_VALUE": (ERROR, "必备条件只能填 {expected}，现为“{found}”。请从下拉列表选择"),
    "EARLIER_STAGE_VALUE": (WARNING, "“{detail}”列的值“{found}”无效，前一阶段的得分只用于比较，此项比较时忽略。如需比较请改正"),
    "NOTE_MISSING": (WARNING, "本项扣了分（{found}/{expected}），但“扣分说明”为空。请写明扣分原因"),
    "FIELD_CREDIT_CODE": (ERROR, "统一社会信用代码“{found}”{detail}。请对照营业执照重新填写 18 位代码"),
    "FIELD_CHOICE": (ERROR, "“{label}”填的是“{found}”，只能为：{expected}。请从下拉列表选择"),
    "FIELD_DATE": (ERROR, "“{label}”填的是“{found}”，不是有效日期。请按 2024-03-15 的格式填写"),
    "FIELD_DATE_FUTURE": (ERROR, "“{label}”为 {found}，晚于评定日期 {expected}。请核对日期"),
    "FIELD_INT": (ERROR, "“{label}”填的是“{found}”，应为不小于 0 的整数。请只填数字"),
    "FIELD_NUMBER": (ERROR, "“{label}”填的是“{found}”，应为不小于 0 的数字。请只填数字"),
    "FIELD_PHONE": (WARNING, "“{label}”填的是“{found}”，不像电话号码。请核对"),
    "FIELD_TEXT_NUMBER": (WARNING, "“{label}”的数字“{found}”以文本形式保存，已按 {value} 读取"),
    "ENROLLED_OVER_CAPACITY": (ERROR, "实际收托人数 {found} 超过备案托位数 {expected}。请核对；收托人数不得超过备案托位数"),
    "RATE_NUMERATOR_OVER": (ERROR, "“{label}”为 {found}，大于“{other}” {expected}。请核对两项数据"),
    "DUPLICATE_INSTITUTION": (ERROR, "统一社会信用代码 {found} 同时出现在 {other} 中。同一机构只能提交一份，请确认保留哪一份，把另一份移出文件夹；如是几位评分人分别评分的副本，请按“多人评分”运行"),
    "PANEL_ASSESSOR_MISSING": (ERROR, "多人评分时每份表格须写明评分人，本份“{label}”的评分人未填（同一机构的另一份：{other}）。请填写评分人姓名"),
    "PANEL_ASSESSOR_NO_ROW": (ERROR, "本份表格没有“评分人”行：它是用旧版模板（没有“评分人”行的版本）填写的，不能参加多人评分（同一机构的另一份：{other}）。"
                                     "请在新版空白模板上重新填写本份（申报表和各阶段得分照原样转填），并在“评分表”最下方的“评分人”行写明{label}评分人姓名"),
    "PANEL_ASSESSOR_SAME": (ERROR, "评分人“{found}”同时出现在同一机构的 {other} 中。每位评分人只能交一份，请核对评分人姓名或删去重复的一份"),
    "PANEL_COPIES_DIFFER": (ERROR, "同一机构的 {other} 此处填的是“{expected}”，本份为“{found}”（共 {value} 处不同：{detail}）。各评分人的副本中申报表和之前各阶段得分须一致，请核对后统一"),
    "PANEL_SPLIT": (ERROR, "“{label}”各评分人的结论不一致：{found}。必备条件和“不适用”须一致，请评分组商定后统一填写"),
    "PANEL_COPY_UNSCORED": (ERROR, "同一机构的 {other} 有错误，各评分人的分数无法合并，本份暂不计分。请先改正那一份"),
    "DUPLICATE_CITY": (ERROR, "城市 {found} 同时出现在 {other} 中。每个城市只能提交一份，请确认保留哪一份，把另一份移出文件夹"),
    "COMPUTED_SCORE_DIFFERS": (WARNING, "填写的得分为 {found}，按基础数据核算应为 {expected}，以核算结果为准。{detail}"),
    # city scoring: rates, regional averages, the official averages workbook
    "RATE_UNDEFINED": (WARNING, "“{label}”为 {found}，无法计算第 {other} 项“{detail}”，本项按 0 分计。请核对基础数据"),
    "CITIES_MISSING": (WARNING, "参与评分的城市只有 {found} 个（全区共 {expected} 个设区市），未参与评分：{other}。{detail}"),
    "AVERAGE_UNDEFINED": (WARNING, "“{label}”没有可用的数据（参与评分各市的“{other}”均为 0），无法得出全区平均水平，各市本项均按 0 分计。请核对各市基础数据，或选用填有官方公布值的全区平均水平表"),
    "AVERAGE_VALUE": (ERROR, "“{label}”的数值“{found}”无效，应为 0 至 {expected} 之间的数字。本项改按各市基础数据计算全区平均水平；请改正后重新运行"),
    "AVERAGE_MISSING": (WARNING, "没有填写“{label}”的全区平均水平，本项按各市基础数据计算。如有官方公布值，请填写后重新运行"),
    "AVERAGE_UNKNOWN": (WARNING, "“{found}”不是本规则要比较的指标（应为：{expected}），此行已忽略。请不要修改“指标”列"),
    "AVERAGE_DUPLICATE": (ERROR, "“{label}”出现了两次（另一处在第 {other} 行），无法确定用哪一个，本项改按各市基础数据计算。请删除多余的行"),
    "AVERAGE_LOOKS_FRACTION": (WARNING, "“{label}”的单位是 %，填的是 {found}，已按 {found}% 计算。如果本意是 {value}%，请改填 {value}"),
    # rating history (星级评定历史记录); a row with an error is left out of the history
    "HISTORY_HEADER_MISSING": (ERROR, "找不到“{expected}”列标题，历史记录未能使用。请使用工具生成的空白“星级评定历史记录表”，五个列标题放在同一行"),
    "HISTORY_VALUE_REQUIRED": (ERROR, "“{label}”未填写，此行未使用。请补全或删除此行"),
    "HISTORY_CHOICE": (ERROR, "“{label}”填的是“{found}”，只能为：{expected}。此行未使用，请从下拉列表选择"),
    "HISTORY_DATE": (ERROR, "“{label}”填的是“{found}”，不是有效日期。此行未使用，请按 2024-03-15 的格式填写"),
    "HISTORY_DEADLINE_MISSING": (ERROR, "状态为“限期整改”，但“整改期限”未填写。此行未使用，请填写整改期限（如 2027-06-30）"),
    "HISTORY_DEADLINE_EARLY": (ERROR, "整改期限 {found} 早于本行的评定日期 {expected}。此行未使用，请核对整改期限"),
    "HISTORY_FUTURE_DATE": (ERROR, "“{label}”的{found}记录日期为 {value}，晚于本次评定日期 {expected}。此行未使用，请核对日期，或改用更晚的评定日期"),
    "HISTORY_NO_RATING": (ERROR, "“{label}”在此行之前没有获评星级的记录（状态为“有效”的行），却记为“{found}”。此行未使用：请先补上该机构获评星级的一行，或核对统一社会信用代码"),
    "HISTORY_AFTER_REVOKED": (ERROR, "“{label}”已于 {value} 被撤销称号，此后只能重新获评（状态“有效”），不能再记为“{found}”。此行未使用，请核对日期和状态"),
    "HISTORY_NOT_LOWER": (ERROR, "“{label}”降级后的星级“{value}”不低于降级前的“{expected}”。此行未使用：降级的“星级”填降级后的星级，请核对"),
    "HISTORY_CREDIT_CODE": (ERROR, "统一社会信用代码“{found}”{detail}。此行未使用，请对照营业执照核对"),
    "HISTORY_DUPLICATE": (ERROR, "统一社会信用代码 {found} 在 {expected} 的记录与第 {other} 行重复。此行未使用，请删除重复的一行"),
    # a side workbook (history, averages) that could not be read at all: the run goes on without it
    "HISTORY_UNREADABLE": (ERROR, "{detail}本次未执行“定级未满期限不得申报高一等级”和“复审到期”两条规则，"
                                  "结果不得据此公示。请用 Excel/WPS 打开该文件确认后另存为 .xlsx，再重新运行"),
    "AVERAGES_UNREADABLE": (ERROR, "{detail}本次各项全区平均水平均按各市基础数据计算。"
                                   "请用 Excel/WPS 打开该文件确认后另存为 .xlsx，再重新运行"),
    # rulings on ties (the 待裁定 sheet passed with --rulings); any of them stops the run
    "RULING_HEADER_MISSING": (ERROR, "找不到“{expected}”列标题，裁定未能读取。请使用本工具生成的星级评定结果工作簿中的“待裁定”工作表，不要修改表头"),
    "RULING_BASIS_MISSING": (ERROR, "裁定星级为“{found}”，但“裁定依据”未填写。请写明裁定依据（如会议纪要、核查结论）后重新运行"),
    "RULING_DECISION_MISSING": (ERROR, "填写了“裁定依据”，但未选择“裁定星级”。请从下拉列表选择裁定星级；暂不裁定的，请清空本行的裁定依据"),
    "RULING_CODE_MISSING": (ERROR, "本行选择了裁定星级，但“统一社会信用代码”为空，无法确定是哪家机构。请不要修改“裁定星级”“裁定依据”以外的单元格"),
    "RULING_DUPLICATE": (ERROR, "统一社会信用代码 {found} 的裁定与第 {other} 行重复。每家机构只能有一行裁定，请删除多余的一行"),
    "RULING_NOT_PENDING": (ERROR, "“{label}”（{found}）在本次评定中不是待裁定机构（{detail}）。表格可能在裁定后有改动，请在本次结果工作簿的“待裁定”工作表中重新裁定"),
    "RULING_SCORES_CHANGED": (ERROR, "“{label}”的{detail}裁定时为 {found}，本次评定为 {expected}，表格在裁定后有改动。请在本次结果工作簿的“待裁定”工作表中重新裁定"),
    "RULING_TIE_CHANGED": (ERROR, "“{label}”的并列情况已变化：裁定时为{found}，本次评定为{expected}。请在本次结果工作簿的“待裁定”工作表中重新裁定"),
    "RULING_STAR_OUTSIDE": (ERROR, "“{label}”的裁定星级“{found}”不在可裁定范围内，只能为：{expected}。请从下拉列表选择"),
    "RULING_OVER_PLACES": (ERROR, "{detail}只有 {expected} 个{found}名次，裁定为{found}的却有 {value} 家（{other}）。请改正，使裁定为{found}的不超过 {expected} 家"),
    "RULING_STILL_PENDING": (ERROR, "“{label}”仍为待裁定，尚未选择裁定星级。命名之前须裁定全部待裁定机构：请在本行选择裁定星级、填写裁定依据，保存后重新运行"),
    # 公示核查 (the publication check a decisions workbook carries after the 公示)
    "CHECK_HEADER_MISSING": (ERROR, "找不到“{expected}”列标题，公示核查结果未能读取。请使用本工具生成的最终结果工作簿中的“公示核查”工作表，不要修改表头"),
    "CHECK_BASIS_MISSING": (ERROR, "核查结果为“{found}”，但“核查依据”未填写。请写明核查依据（如核查报告文号、核查结论）后重新运行"),
    "CHECK_DECISION_MISSING": (ERROR, "填写了“核查依据”，但未选择“核查结果”。请从下拉列表选择核查结果；核查通过、无需说明的，请清空本行的核查依据"),
    "CHECK_CODE_MISSING": (ERROR, "本行选择了核查结果，但“统一社会信用代码”为空，无法确定是哪家机构。请不要修改“核查结果”“核查依据”以外的单元格"),
    "CHECK_VALUE_OUTSIDE": (ERROR, "“{label}”填的是“{found}”，只能为：{expected}（留空视为通过）。请从下拉列表选择"),
    "CHECK_DUPLICATE": (ERROR, "统一社会信用代码 {found} 的核查结果与第 {other} 行重复。每家机构只能有一行，请删除多余的一行"),
    "CHECK_NOT_LISTED": (ERROR, "“{label}”（{found}）不在本次评定的拟命名名单中（{detail}）。表格可能在公示后有改动；请核对输入文件夹、评定日期和历史评定记录是否与生成最终结果时相同"),
    "CHECK_STAR_CHANGED": (ERROR, "“{label}”公示时为{found}，本次评定为{expected}。表格或裁定在公示后有改动；请核对输入文件夹、评定日期、历史评定记录和裁定是否与生成最终结果时相同"),
    "CHECK_SCORES_CHANGED": (ERROR, "“{label}”的综合得分公示时为 {found}，本次评定为 {expected}，表格在公示后有改动。请核对输入文件夹是否与生成最终结果时相同"),
    "CHECK_ROW_MISSING": (ERROR, "拟命名名单中的“{label}”（{found}）在“公示核查”工作表中没有对应的行。请不要删除“公示核查”工作表的行；如该机构不予命名，请在其行中选择“不予命名”并写明依据"),
    "CHECK_NOTICE_DATE": (ERROR, "“{label}”填的是“{found}”，不是有效日期。请按 2026-12-07 的格式填写，或清空"),
    "CHECK_NAMED_EARLY": (ERROR, "命名日期 {found} 不在公示期结束之后（公示期至 {expected}）。公示期满、核查完毕后方可命名，请核对命名日期"),
    # 复审 (a reviewed workbook) and 复审处理 (the decisions a 复审结果 workbook carries)
    "NOT_REVIEWABLE": (ERROR, "“{label}”（{found}）{detail}，不能复审。请核对统一社会信用代码和历史评定记录；未获星级的机构请参加星级评定，并把此表格移出复审文件夹"),
    "REVIEW_HEADER_MISSING": (ERROR, "找不到“{expected}”列标题，复审处理决定未能读取。请使用本工具生成的复审结果工作簿中的“复审处理”工作表，不要修改表头"),
    "REVIEW_BASIS_MISSING": (ERROR, "处理决定为“{found}”，但“依据”未填写。每项处理决定都须写明依据（如复审报告文号、整改通知文号）"),
    "REVIEW_DECISION_MISSING": (ERROR, "填写了“依据”，但未选择“处理决定”。请从下拉列表选择处理决定；暂不决定的，请清空本行的依据"),
    "REVIEW_CODE_MISSING": (ERROR, "本行选择了处理决定，但“统一社会信用代码”为空，无法确定是哪家机构。请不要修改“处理决定”“整改期限”“依据”以外的单元格"),
    "REVIEW_VALUE_OUTSIDE": (ERROR, "“{label}”填的是“{found}”，本行只能为：{expected}。请从下拉列表选择"),
    "REVIEW_DATE_MISSING": (ERROR, "处理决定为“{found}”，但“{label}”未填写。请填写整改期限（如 2027-06-30）"),
    "REVIEW_DATE_INVALID": (ERROR, "“{label}”填的是“{found}”，不是有效日期。请按 2027-06-30 的格式填写"),
    "REVIEW_DATE_UNUSED": (ERROR, "处理决定为“{found}”，却填了“{label}”。“{label}”只用于“{expected}”：请清空它，或把处理决定改为“{expected}”"),
    "REVIEW_DEADLINE_EARLY": (ERROR, "“{label}”的整改期限 {found} 早于处理日期 {expected}。整改期限应在处理日期之后，请核对期限或处理日期（评定日期一栏）"),
    "REVIEW_DECIDED_EARLY": (ERROR, "处理日期 {found} 早于复审日期 {expected}。处理决定在复审之后作出：评定日期请填写作出处理决定的日期"),
    "REVIEW_NOT_LOWER": (ERROR, "“{label}”现为{value}，处理决定“{found}”不是降低星级。降级只能降为低于现星级的星级，本行可选：{expected}"),
    "REVIEW_DUPLICATE": (ERROR, "统一社会信用代码 {found} 的处理决定与第 {other} 行重复。每家机构只能有一行，请删除多余的一行"),
    "REVIEW_NOT_REVIEWED": (ERROR, "“{label}”（{found}）不在本次复审的机构中。复审结果可能来自另一个文件夹或另一份历史评定记录；请核对输入文件夹和历史评定记录是否与生成复审结果时相同"),
    "REVIEW_STAR_CHANGED": (ERROR, "“{label}”复审结果中的现星级为{found}，按本次历史评定记录为{expected}。历史评定记录在复审后有改动；请用生成复审结果时的历史评定记录，或重新生成复审结果"),
    "REVIEW_SCORES_CHANGED": (ERROR, "“{label}”的复审得分在复审结果中为 {found}，本次为 {expected}，表格在复审后有改动。请核对输入文件夹是否与生成复审结果时相同，或重新生成复审结果"),
    "REVIEW_ROW_MISSING": (ERROR, "本次复审的“{label}”（{found}）在“复审处理”工作表中没有对应的行。复审结果可能来自另一个文件夹；请核对输入文件夹，或重新生成复审结果"),
    "ISSUE_CAP": (WARNING, "本文件问题过多，只列出前 {expected} 条。请先改正以上问题后重新校验"),
}


# code: what the annotated copy that goes back to whoever filled the file in says instead of the
# catalogue's message, where that message speaks to the official running the tool (move a file out of
# the folder, regenerate a template, run again) or names another institution's file. Same placeholders.
SUBMITTER_TEXTS: dict[str, str] = {
    "FILE_CORRUPT": "文件已损坏或不完整（{detail}）。请用 Excel/WPS 重新保存后再提交",
    "FILE_UNREADABLE": "文件无法读取（{detail}）。请用 Excel/WPS 重新保存后再提交",
    "FILE_PROCESS_FAILED": "读取这个文件时{detail}。文件可能已损坏，请用 Excel/WPS 重新保存后再提交",
    "FILE_NOT_TEMPLATE": "不是本次下发的模板（{detail}）。请使用下发的空白模板填写后重新提交",
    "FILE_WRONG_KIND": "这是“{found}”表格，本次收取的是“{expected}”表格。请确认提交的表格是否正确",
    "FILE_WRONG_RUBRIC": "表格所用的评分规则（{found}）与本次评定（{expected}）不同。请使用本次下发的空白模板，把内容转填后重新提交",
    "FILE_WRONG_LAYOUT": "表格的模板版本过旧（{found}）。请使用本次下发的空白模板，把内容转填后重新提交",
    "DUPLICATE_INSTITUTION": "统一社会信用代码 {found} 与本次收到的另一份表格相同。同一机构只能提交一份：请核对信用代码是否填错；"
                             "如确为重复提交，请告知保留哪一份",
    "DUPLICATE_CITY": "本次另收到一份{found}的表格。每个城市只能提交一份：请核对城市名称是否选错；如确为重复提交，请告知保留哪一份",
    "NOT_REVIEWABLE": "“{label}”（{found}）{detail}，不能复审。复审只适用于已获星级的机构；未获星级的机构请申报星级评定，"
                      "如统一社会信用代码填错请改正后再提交",
    "ISSUE_CAP": "本文件问题过多，只列出前 {expected} 条。请先改正以上问题，其余问题会在重新提交后列出",
}


def issue_title(code: str) -> str:
    """The short Chinese name of an issue code (the code itself for one outside the catalogue)."""
    return TITLES.get(code, code)


@dataclass(frozen=True)
class Issue:
    code: str
    severity: str
    file: str
    sheet: str = ""
    cell: str = ""  # A1 name, "" for a file-level issue
    row: int | None = None  # the row number Excel shows
    found: str = ""
    expected: str = ""
    message: str = ""
    submitter_message: str = ""  # SUBMITTER_TEXTS's wording, for codes that have one

    @property
    def for_submitter(self) -> str:
        """The message as said to whoever filled the file in (the annotated copy goes back to them)."""
        return self.submitter_message or self.message

    @property
    def title(self) -> str:
        """The short Chinese name of the problem (问题类型)."""
        return issue_title(self.code)

    @property
    def where(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"“{self.sheet}”工作表")
        if self.cell:
            parts.append(f"{self.cell} 单元格")
        return " ".join(parts)

    @property
    def text(self) -> str:
        return f"{self.where}：{self.message}"

    def key(self) -> tuple[str, str, str]:
        """(code, file, sheet!cell) — what tests assert on."""
        return self.code, self.file, f"{self.sheet}!{self.cell}" if self.cell else self.sheet


def make_issue(code: str, file: str, sheet: str = "", cell: str = "", found: object = "", expected: object = "",
               **context: object) -> Issue:
    severity, template = CATALOGUE[code]
    row = int("".join(ch for ch in cell if ch.isdigit())) if cell else None
    values = {"found": _show(found), "expected": _show(expected), "detail": "", "label": "", "other": "",
              "value": "", **{k: _show(v) for k, v in context.items()}}
    submitter = SUBMITTER_TEXTS.get(code)
    return Issue(code=code, severity=severity, file=file, sheet=sheet, cell=cell, row=row, found=_show(found),
                 expected=_show(expected), message=template.format(**values),
                 submitter_message=submitter.format(**values) if submitter else "")


def _show(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return f"{chinese_date(value.date())} {value:%H:%M:%S}"
    if isinstance(value, dt.date):  # the one date style of everything shown: 2026年11月22日
        return chinese_date(value)
    if hasattr(value, "normalize") and hasattr(value, "is_finite"):  # Decimal: 8.50 -> 8.5
        text = format(value.normalize(), "f")
        return text
    return str(value)


@dataclass
class IssueLog:
    """Issues of one file, capped: past `cap` issues only a single ISSUE_CAP notice is kept."""

    file: str
    cap: int = 200
    items: list[Issue] = field(default_factory=list)
    dropped: int = 0

    def add(self, code: str, sheet: str = "", cell: str = "", found: object = "", expected: object = "",
            **context: object) -> None:
        if self._room():
            self.items.append(make_issue(code, self.file, sheet, cell, found, expected, **context))

    def extend(self, issues: list[Issue]) -> None:
        for issue in issues:
            if self._room():
                self.items.append(issue)

    def _room(self) -> bool:
        """True while under the cap; past it, counts the dropped issue and adds the one notice."""
        if len(self.items) - (1 if self.dropped else 0) < self.cap:
            return True
        if not self.dropped:
            self.items.append(make_issue("ISSUE_CAP", self.file, expected=self.cap))
        self.dropped += 1
        return False

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.items if i.severity == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.items if i.severity == WARNING]

    @property
    def has_errors(self) -> bool:
        return any(i.severity == ERROR for i in self.items)

"""Where things sit in a rubric workbook (规则.xlsx): sheet names, headers, the Chinese labels of
closed choices, and the rows of the 设置 sheet. The rubric workbook writer and reader both ask
this module, so they cannot drift apart.

Sheets: 说明 (read by people only), 评分项 (one row per item), 部分 (one row per part), 设置
(sub-tables one under another, each opened by a title cell “【基本信息】” … in column A, then a
header row, then its rows). The reader finds sub-tables by title and columns by header text.
"""

from __future__ import annotations

from dataclasses import dataclass

from tuoyu_excel.spec.check import FIELD_KEYS, NA_OFF, NA_OFF_FIX, NA_VALUES
from tuoyu_excel.spec.kinds import KIND_LABELS, KINDS
from tuoyu_excel.spec.model import ALL_OR_NOTHING, COMPARATIVE, DEDUCTION, GRADED, PASS_FAIL, PER_UNIT
from tuoyu_excel.text import fold

GUIDE = "说明"
ITEMS = "评分项"
PARTS = "部分"
SETTINGS = "设置"

YES, NO = "是", "否"
CORE_MARK = "★"
LIST_SEPARATORS = "、，,；;\n"  # a cell holding several values: 城中区、鱼峰区 / 2、5
JOIN = "、"

# 计分方式: Chinese label <-> rule kind
RULE_LABELS = {
    PASS_FAIL: "必备条件(符合/不符合)",
    ALL_OR_NOTHING: "全有或全无",
    DEDUCTION: "按固定分数扣分",
    GRADED: "酌情评分",
    PER_UNIT: "按单位扣分",
    COMPARATIVE: "与全区平均水平比较",
}
AWARD_LABELS = {"rank": "按名次", "score": "按分数"}
READING_LABELS = {"together": "合计", "per_item": "逐项"}
TIE_BREAK_LABELS = {"total": "综合得分", "core": "核心指标得分"}
FIELD_TYPE_LABELS = {
    "text": "文字", "credit_code": "统一社会信用代码", "district": "县区", "city": "城市", "date": "日期",
    "int": "整数", "number": "数字", "yesno": "是否", "choice": "下拉选择", "phone": "电话",
}

NA_FIELD, NA_EQUALS, NA_ONLY = "不适用条件字段", "不适用条件取值", "条件成立时只能不适用"

# 评分项 columns: (header, item attribute, width). The first 13 must be present; the rest are
# optional (备注, the 不适用 condition, so a workbook exported before them still reads; the city-only
# columns are written for a city rubric).
ITEM_COLUMNS = (
    ("编号", "code", 8), ("部分", "part", 7), ("项目", "title", 18), ("评估内容", "content", 46),
    ("评分标准", "criteria", 40), ("分值", "points", 7), ("核心指标", "core", 8), ("否决项", "veto", 7),
    ("计分方式", "rule", 20), ("步长", "steps", 8), ("可不适用", "allow_na", 8), ("评估方式", "method", 16),
    ("佐证材料", "evidence", 20), ("备注", "note", 24),
    # the item's 不适用 condition on a form field (Item.na_when); blank = none
    (NA_FIELD, "na_when.field", 14), (NA_EQUALS, "na_when.equals", 14), (NA_ONLY, "na_when.only", 12),
)
CITY_ITEM_COLUMNS = (
    ("分子字段", "numerator", 16), ("分母字段", "denominator", 16), ("倍数", "scale", 7),
    ("每单位扣分", "per_unit", 9), ("计数字段", "unit_fields", 30),
)
REQUIRED_ITEM_HEADERS = tuple(h for h, _, _ in ITEM_COLUMNS[:13])

PART_HEADERS = ("编号", "名称", "满分", "必备条件部分", "各项分值合计")
PART_WIDTHS = (8, 24, 8, 12, 14)

# 设置 sub-tables: title -> headers
T_BASIC = "【基本信息】"
T_STAGES = "【评分阶段】"
T_ZONES = "【片区】"
T_BANDS = "【星级档次】"
T_FIELDS = KINDS["star"].fields_title  # the form's table; each kind names it its own way (Kind.fields_title)
FIELDS_TITLES = tuple(kind.fields_title for kind in KINDS.values())
T_LIMITS = "【数值限制】"
BASIC_HEADERS = ("项目", "内容", "说明")
STAGE_HEADERS = ("代码", "名称", "得分列标题")
ZONE_HEADERS = ("片区", "县区", "名额", "评定方式")
BAND_HEADERS = ("片区", "星级", "起始名次", "结束名次", "最低分")
FIELD_HEADERS = ("字段代码", "名称", "类型", "必填", "可选值", "说明", "分组")
LIMIT_HEADERS = ("字段", "不得超过")
SETTINGS_WIDTHS = (22, 44, 14, 14, 30, 40, 24)
SPARE_ROWS = 3  # empty rows (with dropdowns) left under each sub-table for additions


@dataclass(frozen=True)
class Setting:
    """One row of 【基本信息】: label, where the value goes in the rubric dict, how to read it."""

    label: str
    path: str  # "rubric.total", "star.pass_mark", ...
    kind: str  # text, number, int, choice, list, keys, key, yesno, labels
    hint: str = ""
    labels: dict[str, str] | None = None  # for choice / labels: value -> Chinese label
    required: bool = True


RUBRIC_SETTINGS = (
    Setting("规则编号", "rubric.id", "text", "英文字母、数字和下划线，如 liuzhou_star；写入模板，用于核对"),
    Setting("类型", "rubric.kind", "choice", "星级评定 或 示范城市创建", KIND_LABELS),
    Setting("名称", "rubric.name", "text", "显示在模板标题上"),
    Setting("版本", "rubric.version", "text", "如 2026.1；修改规则后请改版本号"),
    Setting("总分", "rubric.total", "number", "须等于“部分”表各部分满分之和"),
)
STAR_SETTINGS = (
    Setting("合格分", "star.pass_mark", "number", "综合得分达到此分（含）以上方可评定星级"),
    Setting("核心指标得分率", "star.core_rate", "number", "0 到 1 之间，如 0.8 表示 80%"),
    Setting("核心指标得分率口径", "star.core_rate_reading", "choice",
            "合计 = 核心指标合计得分率；逐项 = 每个核心指标各自不低于该比率", READING_LABELS),
    Setting("连续运营年限", "star.min_operation_years", "int", "开始收托满 N 年方可申报"),
    Setting("星级（从低到高）", "star.stars", "list", "用“、”分隔，如 一星级、二星级、三星级"),
    Setting("排序依据", "star.tie_break", "labels", "综合得分、核心指标得分（先比综合得分，相同再比核心指标得分）",
            TIE_BREAK_LABELS),
    Setting("须为“是”的申报项", "star.required_yes", "keys", "填申报表字段代码，用“、”分隔", required=False),
    Setting("须为“否”的声明项", "star.required_no", "keys", "填申报表字段代码，用“、”分隔", required=False),
    Setting("备案日期字段", "star.filing_date_field", "key", "申报表字段代码"),
    Setting("开始收托日期字段", "star.start_date_field", "key", "申报表字段代码"),
    Setting("自评与核验差异提示（分）", "star.gap_threshold", "number", "某部分自评与核验得分相差超过此分数时标注"),
    Setting("升级等待年限", "star.rerate_wait_years", "int", "已定级的机构满 N 年后方可申报高一等级"),
    Setting("复审周期（年）", "star.review_years", "int", "获得星级的机构每 N 年复审一次"),
    Setting("公示工作日数", "star.notice_working_days", "int",
            "名单向社会公示的工作日数，按法定节假日和调休计算", required=False),
    Setting("复审最低分（按星级从低到高）", "star.review_min_scores", "list",
            "复审合格须达到的综合得分，每个星级一个，用“、”分隔，如 750、800、850；不填则复审只看评定条件", required=False),
)
REPORT_SETTINGS = (
    Setting("方案名称", "report.plan", "text", "评定依据的工作方案或评分细则，报告正文引用", required=False),
    Setting("发布单位", "report.issuer", "text", "结果表标题下方的单位名称", required=False),
    Setting("结果表标题", "report.title", "text",
            "各结果表标题的开头，其后接“——”和表名，如 柳州市托育机构星级评定；不填则用规则名称", required=False),
    Setting("公示名单标题", "report.public_title", "text",
            "公示名单的标题，如 柳州市星级托育机构拟命名名单（公示）；不填则为“结果表标题——公示名单”", required=False),
    Setting("裁定单位", "report.ruling_body", "text", "裁定并列、组织公示的单位，如 市卫生健康委", required=False),
    Setting("命名名单标题", "report.naming_title", "text",
            "命名名单的标题，如 柳州市星级托育机构名单；不填则为“结果表标题——命名名单”", required=False),
    Setting("异议受理单位", "report.objection_body", "text", "公示中受理异议的单位；不填则留横线手写", required=False),
    Setting("异议联系电话", "report.objection_phone", "text", "公示中受理异议的电话；不填则留横线手写", required=False),
    Setting("异议通讯地址", "report.objection_address", "text", "公示中受理异议的通讯地址（含邮编）；不填则留横线手写",
            required=False),
    Setting("初评单位", "report.county_body", "text", "组织县级初评的单位，如 县区卫生健康局", required=False),
    Setting("名称字段", "report.name_field", "key", "申报表（基础数据）中填写机构或城市名称的字段代码", required=False),
    Setting("托位数字段", "report.capacity_field", "key", "初评报告显示的备案托位数字段代码", required=False),
    Setting("收托人数字段", "report.enrolled_field", "key", "实际收托人数字段代码（不得超过托位数）", required=False),
    Setting("普惠字段", "report.puhui_field", "key", "初评报告显示的是否普惠字段代码", required=False),
    Setting("退回报送单位", "report.return_to", "text",
            "标注副本（校验意见）中改正后报送的单位，如 县区卫生健康局；不填则留横线手写", required=False),
    Setting("退回联系人及电话", "report.return_contact", "text",
            "标注副本中报送单位的联系人及电话；不填则留横线手写", required=False),
    Setting("退回期限", "report.return_deadline", "text",
            "标注副本中改正后报送的期限，如 收到后5个工作日内；不填则留横线手写", required=False),
)
PANEL_SETTINGS = (
    Setting("多人评分去高低分人数", "panel.trim_from", "int",
            "多人评分（--panel）时，评分人达到此人数，每项先去掉一个最高分和一个最低分再平均；不填为 5", required=False),
    Setting("多人评分保留小数位数", "panel.decimals", "int", "每项平均分保留的小数位数（四舍五入）；不填为 2", required=False),
    Setting("多人评分差异提示（分）", "panel.spread_warn", "number",
            "某项最高分与最低分相差超过此分数时在“评分人明细”中标出；不填则为该项分值的一半", required=False),
)
CITY_SETTINGS = (
    Setting("参评城市", "city.cities", "list", "用“、”分隔，顺序即下拉列表中的顺序"),
    Setting("市本级计为一个单位", "city.city_counts_as_unit", "yesno", "按单位扣分时，市本级未出台也算少 1 个单位"),
    Setting("城市名称字段", "city.name_field", "key", "基础数据字段代码"),
)


# The rubric checks speak the text format's words; a workbook's user sees these instead.
WORKBOOK_WORDS = (
    ("（veto = true）", "（“否决项”填“是”）"),
    ("pass_fail 计分方式", f"“{RULE_LABELS[PASS_FAIL]}”计分方式"),
    ("如 steps = [3]", "“步长”列填如 3"),
    ("如 steps = [0.5]", "“步长”列填如 0.5"),
    ("（fields 中的 key）", "（“分子字段”“分母字段”列填字段代码）"),
    ("per_unit（每个单位扣几分）", "“每单位扣分”"),
    ("unit_fields（计数的基础数据项）", "“计数字段”"),
    ("star.stars", "“星级（从低到高）”"),
    ('["total", "core"]', "综合得分、核心指标得分"),
    (NA_OFF, "（“可不适用”为“否”）"),
    (NA_OFF_FIX, f"请把“可不适用”改为“是”，或清空本行的“{NA_FIELD}”“{NA_EQUALS}”“{NA_ONLY}”"),
    (FIELD_KEYS, "（“设置”表中的“字段代码”，也可填字段名称）"),
    (NA_VALUES, f"“{NA_EQUALS}”只能填（多个用“、”分隔）"),
)


def in_workbook_words(message: str) -> str:
    for text_word, workbook_word in WORKBOOK_WORDS:
        message = message.replace(text_word, workbook_word)
    return message


KIND_SETTINGS = {"star": STAR_SETTINGS, "city": CITY_SETTINGS}  # the rows of each kind's own settings table


def settings_for(kind: str) -> tuple[Setting, ...]:
    return RUBRIC_SETTINGS + KIND_SETTINGS[kind] + REPORT_SETTINGS + PANEL_SETTINGS


def fields_title(kind: str) -> str:
    return KINDS[kind].fields_title


def label_lookup(labels: dict[str, str]) -> dict[str, str]:
    """Folded Chinese label (and the English value itself) -> value, for reading."""
    out = {fold(v): k for k, v in labels.items()}
    out.update({fold(k): k for k in labels})
    return out

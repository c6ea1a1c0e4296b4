"""Build tuoyu_excel/rubrics/liuzhou_star.toml from the researched default CSV.

Run once when the reference CSV changes:
    python scripts/build_star_rubric.py ../shared/reference/liuzhou_star_rubric_default.csv

The scoring rule kind of each item is read off its 评分标准 by hand (table
RULES below) and documented there; everything else is copied from the CSV.
The output is committed; officials then edit the TOML (or an Excel export of it).
"""

import csv
import json
import sys
from pathlib import Path

# Rule kind implied by each item's 评分标准:
#   aon       = all-or-nothing (“有…得10分；无不得分”, “任一班不达标不得分”)
#   ded:N[,M] = deduction in fixed steps from full marks, 扣完为止 (“每缺一项扣3分”)
#   graded    = several components or 酌情 → any value 0..分值 in steps of 0.5
RULES = {
    "2-01": "ded:3", "2-02": "ded:5", "2-03": "graded", "2-04": "ded:5",
    "3-01": "ded:3", "3-02": "graded", "3-03": "ded:5", "3-04": "graded", "3-05": "graded",
    "3-06": "ded:3,2", "3-07": "graded", "3-08": "ded:10",
    "4-01": "graded", "4-02": "ded:2", "4-03": "graded", "4-04": "ded:2,5", "4-05": "graded",
    "4-06": "ded:2", "4-07": "graded", "4-08": "ded:4", "4-09": "graded", "4-10": "graded", "4-11": "graded",
    "5-01": "graded", "5-02": "ded:2", "5-03": "ded:3", "5-04": "graded", "5-05": "ded:3",
    "5-06": "graded", "5-07": "graded", "5-08": "graded", "5-09": "ded:10", "5-10": "graded",
    "6-01": "graded", "6-02": "graded", "6-03": "aon", "6-04": "graded", "6-05": "ded:3",
    "6-06": "graded", "6-07": "graded", "6-08": "graded",
    "7-01": "graded", "7-02": "ded:3", "7-03": "graded", "7-04": "graded", "7-05": "graded",
    "7-06": "graded", "7-07": "ded:2,5", "7-08": "graded", "7-09": "graded", "7-10": "aon",
    "8-01": "graded", "8-02": "graded", "8-03": "ded:2", "8-04": "ded:3", "8-05": "graded",
    "8-06": "graded", "8-07": "graded",
}
# Scored items that may be 不适用 (re-based by 折算分): meal items for an institution
# that serves no meals, infant feeding where there is no 乳儿班. An assumption, documented.
NOT_APPLICABLE_OK = {"1-05", "4-07", "4-09"}
# 1-05 供餐资质 “不供餐的此项不适用”: 不适用 exactly when 供餐方式 is 不供餐 (a 不适用 condition, na_when).
NA_WHEN = {"1-05": '{ field = "meals", equals = ["不供餐"], only = true }'}

HEADER = '''# 柳州市托育机构星级评定评分表（默认版）与评定规则
# 由 scripts/build_star_rubric.py 从研究整理的默认评分表生成；官方评分表发布后可直接修改本文件，
# 或用 `tuoyu rubric export liuzhou_star -o 规则.xlsx` 导出为 Excel 修改后再导入。
# 以“#”开头的行是注释。数字不加引号，文字用英文双引号。

[rubric]
id = "liuzhou_star"
kind = "star"
name = "柳州市托育机构星级评定评分表（默认版）"
version = "2026.1"
total = 1000
# 不得超过：实际收托人数 ≤ 备案托位数
limits = [["enrolled", "capacity"]]

# 评分阶段：每个阶段在评分表中有一列得分。
[[stages]]
key = "self"
label = "机构自评"
header = "自评得分"

[[stages]]
key = "county"
label = "县级初评"
header = "县级初评得分"

[[stages]]
key = "city"
label = "市级核验"
header = "市级核验得分"

# 评定规则（《柳州市托育机构星级评定工作方案》）
[star]
# “评估分数达到750分(含)以上”
pass_mark = 750
# “核心指标得分不得低于80%”；together = 核心指标合计得分率，per_item = 每个核心指标各自不低于80%
core_rate = 0.8
core_rate_reading = "together"
# “在县区卫生健康局备案，且连续运营满一年以上”
min_operation_years = 1
filing_date_field = "filing_date"
start_date_field = "start_date"
# “经各县区卫生健康局认定为普惠托育机构，并执行政府指导价”
required_yes = ["is_puhui", "gov_price"]
# “申请年度内无失信惩戒不良记录，无歧视、体罚……，未发生安全事故……，未发生重大服务纠纷……”
required_no = ["decl_credit", "decl_abuse", "decl_accident", "decl_dispute"]
# 星级从低到高
stars = ["一星级", "二星级", "三星级"]
# “综合评分相同的机构，核心指标得分高的排名在前”
tie_break = ["total", "core"]
# 自评与核验某部分得分相差超过此分数时标注
gap_threshold = 20
# “已定级的托育机构1年后方可申报高一等级的评审”；“每3年复审1次”
rerate_wait_years = 1
review_years = 3

# “柳北区、城中区、鱼峰区、柳南区及柳江区：每年共评定星级机构不超过18家……
#  综合评分排名1-3名为三星级机构，综合评分排名4-9名为二星级机构，综合评分排名10-18名为一星级机构。”
[[star.zones]]
name = "城区"
districts = ["城中区", "鱼峰区", "柳南区", "柳北区", "柳江区"]
quota = 18
award = "rank"
bands = [
  { star = "三星级", ranks = [1, 3] },
  { star = "二星级", ranks = [4, 9] },
  { star = "一星级", ranks = [10, 18] },
]

# “柳城、鹿寨、融安、融水及三江县：每年共评定星级机构不超过12家……
#  综合评分排名1-2名为三星级机构，综合评分排名3-6名为二星级机构，综合评分排名7-12名为一星级机构。”
[[star.zones]]
name = "县"
districts = ["柳城县", "鹿寨县", "融安县", "融水苗族自治县", "三江侗族自治县"]
quota = 12
award = "rank"
bands = [
  { star = "三星级", ranks = [1, 2] },
  { star = "二星级", ranks = [3, 6] },
  { star = "一星级", ranks = [7, 12] },
]
'''

DISTRICTS = ["城中区", "鱼峰区", "柳南区", "柳北区", "柳江区", "柳城县", "鹿寨县", "融安县", "融水苗族自治县", "三江侗族自治县"]

# 申报表 fields: (key, label, type, required, hint, choices)
FIELDS = [
    ("一、机构基本信息", [
        ("name", "机构名称", "text", True, "与营业执照（法人登记证书）一致", []),
        ("credit_code", "统一社会信用代码", "credit_code", True, "18位，与营业执照一致", []),
        ("district", "所在县区", "district", True, "从下拉列表选择", []),
        ("address", "详细地址", "text", True, "", []),
        ("sponsor", "举办者", "text", True, "", []),
        ("legal_rep", "法定代表人", "text", True, "", []),
        ("director", "机构负责人", "text", True, "", []),
        ("contact", "联系人", "text", True, "", []),
        ("phone", "联系电话", "phone", True, "手机或座机号码", []),
        ("filing_date", "备案日期", "date", True, "备案回执上的日期，如 2023-05-10", []),
        ("filing_no", "备案回执编号", "text", True, "", []),
        ("start_date", "开始收托日期", "date", True, "实际开始收托婴幼儿的日期", []),
        ("is_puhui", "是否普惠托育机构", "yesno", True, "经县区卫生健康局认定", []),
        ("gov_price", "是否执行政府指导价", "yesno", True, "", []),
        ("meals", "供餐方式", "choice", True, "", ["自行加工", "外购餐食", "不供餐"]),
        ("fee", "收费标准（元/月）", "number", True, "全日托每月收费", []),
    ]),
    ("二、规模与人员", [
        ("capacity", "备案托位数", "int", True, "备案回执上的托位数", []),
        ("enrolled", "实际收托人数", "int", True, "不得超过备案托位数", []),
        ("classes_infant", "乳儿班数", "int", True, "6—12个月", []),
        ("classes_small", "托小班数", "int", True, "12—24个月", []),
        ("classes_large", "托大班数", "int", True, "24—36个月", []),
        ("classes_mixed", "混合班数", "int", True, "18个月以上混合编班", []),
        ("staff_care", "保育人员数", "int", True, "", []),
        ("staff_health", "卫生保健人员数", "int", True, "", []),
        ("staff_cook", "炊事人员数", "int", True, "", []),
        ("staff_security", "保安人员数", "int", True, "", []),
    ]),
    ("三、申请年度内情况声明", [
        ("decl_credit", "申请年度内是否有失信惩戒不良记录", "yesno", True, "如实填写", []),
        ("decl_abuse", "申请年度内是否有歧视、体罚、变相体罚、侮辱、虐待婴幼儿等行为", "yesno", True, "如实填写", []),
        ("decl_accident", "申请年度内是否发生安全事故和严重婴幼儿伤害事件", "yesno", True, "如实填写", []),
        ("decl_dispute", "申请年度内是否发生重大服务纠纷等造成社会负面影响的事件", "yesno", True, "如实填写", []),
    ]),
    ("四、申报情况", [
        ("first_time", "是否首次申报", "yesno", True, "", []),
        ("previous_star", "原星级", "choice", False, "首次申报选“无”", ["无", "一星级", "二星级", "三星级"]),
        ("previous_date", "原评定日期", "date", False, "首次申报不填", []),
        ("applied_star", "申报星级", "choice", False, "", ["一星级", "二星级", "三星级"]),
    ]),
    ("五、承诺", [
        ("signer", "承诺人（法定代表人）签字", "text", True, "本机构承诺所填信息及佐证材料真实有效", []),
        ("sign_date", "填报日期", "date", True, "", []),
    ]),
]


def q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def main(csv_path: str, out_path: str) -> None:
    rows = list(csv.DictReader(open(csv_path, encoding="utf-8-sig")))
    out = [HEADER]
    out.append("\n# 评分表的部分（部分满分须等于该部分各项分值之和）")
    seen = []
    for row in rows:
        code = row["编号"].split("-")[0]
        if code not in seen:
            seen.append(code)
            veto = row["否决项"] == "是"
            out.append(f"[[parts]]\ncode = {q(code)}\nname = {q(row['部分'])}\ntotal = {row['部分满分']}"
                       + ("\nveto = true" if veto else "") + "\n")
    out.append("# 申报表字段：key 供程序和规则引用，label 是表上显示的文字")
    for section, fields in FIELDS:
        for key, label, ftype, required, hint, choices in fields:
            lines = ["[[fields]]", f"key = {q(key)}", f"label = {q(label)}", f"type = {q(ftype)}",
                     f"section = {q(section)}"]
            if not required:
                lines.append("required = false")
            if hint:
                lines.append(f"hint = {q(hint)}")
            if choices:
                lines.append(f"choices = [{', '.join(q(c) for c in choices)}]")
            out.append("\n".join(lines) + "\n")
    out.append("# 评分项。rule：pass_fail 必备条件（符合/不符合）；all_or_nothing 只能得 0 分或满分；\n"
               "# deduction 从满分按 steps 中的分数逐次扣减、扣完为止；graded 0 至满分间按 0.5 分酌情评分。\n"
               "# allow_na = true：本项可填“不适用”（应得分扣除本项，折算分 = 实得分 ÷ 应得分 × 1000）。\n"
               "# na_when = { field = \"字段代码\", equals = [\"取值\", ...], only = true }：不适用条件，须与 allow_na = true 同用。\n"
               "#   申报表中该字段（下拉选择、是否、县区类的必填字段）为所列取值之一时，本项才可填“不适用”，否则校验报错；\n"
               "#   only = true 表示条件成立时本项只能填“不适用”（不写 only 则条件成立时也可照常评分）。见 1-05。")
    for row in rows:
        code = row["编号"]
        veto = row["否决项"] == "是"
        lines = ["[[items]]", f"code = {q(code)}", f"part = {q(code.split('-')[0])}",
                 f"title = {q(row['项目'])}", f"content = {q(row['评估内容'])}", f"criteria = {q(row['评分标准'])}"]
        if veto:
            lines += ["points = 0", 'rule = "pass_fail"', "veto = true"]
        else:
            lines.append(f"points = {row['分值']}")
            kind = RULES[code]
            if kind == "aon":
                lines.append('rule = "all_or_nothing"')
            elif kind == "graded":
                lines += ['rule = "graded"', "steps = [0.5]"]
            else:
                lines += ['rule = "deduction"', f"steps = [{kind.split(':')[1].replace(',', ', ')}]"]
            if row["核心指标"].strip() == "★":
                lines.append("core = true")
        if code in NOT_APPLICABLE_OK:
            lines.append("allow_na = true")
        if code in NA_WHEN:
            lines.append(f"na_when = {NA_WHEN[code]}")
        lines += [f"method = {q(row['评估方式'])}", f"evidence = {q(row['佐证材料'])}"]
        if row["自拟说明"].strip():
            lines.append(f"note = {q(row['自拟说明'].strip())}")
        out.append("\n".join(lines) + "\n")
    Path(out_path).write_text("\n".join(out), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/reference/liuzhou_star_rubric_default.csv",
         sys.argv[2] if len(sys.argv) > 2 else "tuoyu_excel/rubrics/liuzhou_star.toml")

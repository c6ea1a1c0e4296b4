"""Generate the bundled sample workbooks: samples/star, city, history, panel and samples/README.md.

    .venv/bin/python scripts/make_samples.py [OUT_ROOT]      # default: samples/ of this repository

Reproducible: one fixed seed (random.Random(SEED)), one fixed evaluation date (EVAL_DATE, never
today), fixed workbook timestamps and zip entry times, so the .xlsx files come out byte-identical
on every run. The .xls and .ods copies are made with headless LibreOffice (required; the script
stops with a message when it is missing); their bytes differ between runs, their cell values do not.

Every workbook is made the way an official gets one: the blank template (template.write_template)
filled as a person would (fill.fill_workbook). The sample set is *designed*: each institution has a
target 综合得分 and 核心指标得分 at the 市级核验 stage, and random but allowed per-item deductions (each
with a 扣分说明) add up to exactly that. `expected_star_outcome()` ranks the designed totals by the
rules, for the README and for tests/test_samples.py to hold the tool to.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402

from tuoyu_excel.intake.credit_code import CHARSET, random_credit_code  # noqa: E402
from tuoyu_excel.intake.rubric_file import load_rubric  # noqa: E402
from tuoyu_excel.render.template.fill import fill_workbook  # noqa: E402
from tuoyu_excel.render.template.workbook import write_template  # noqa: E402
from tuoyu_excel.spec.model import ALL_OR_NOTHING, COMPARATIVE, GRADED, NOT_APPLICABLE, PASS, Item  # noqa: E402

SEED = 20261122
EVAL_DATE = dt.date(2026, 11, 22)  # 评定日期 of every sample; also what `tuoyu demo` uses
FIXED_TIME = dt.datetime(2026, 11, 22, 9, 0, 0)  # workbook created/modified and zip entry times
D = Decimal
HALF = D("0.5")
STAR = load_rubric("liuzhou_star")
CITY = load_rubric("guangxi_demo_city")
NO_STAR, PENDING = "未获评", "待裁定"

# ------------------------------------------------------------------------------------------ texts

DISTRICT_CODES = {"城中区": "450202", "鱼峰区": "450203", "柳南区": "450204", "柳北区": "450205", "柳江区": "450206",
                  "柳城县": "450222", "鹿寨县": "450223", "融安县": "450224", "融水苗族自治县": "450225",
                  "三江侗族自治县": "450226"}
ROADS = {
    "城中区": ["文昌路", "龙城路", "五一路", "中山中路", "三中路", "弯塘路", "潭中东路", "东环大道"],
    "鱼峰区": ["荣军路", "箭盘山路", "柳石路", "驾鹤路", "屏山大道", "桂中大道", "东环路"],
    "柳南区": ["航银路", "航生路", "西环路", "柳邕路", "红光路", "鹅山路", "南站路", "航岭路"],
    "柳北区": ["胜利路", "跃进路", "北雀路", "雅儒路", "长风路", "杨柳路", "白沙路", "沙塘路"],
    "柳江区": ["拉堡镇柳堡路", "拉堡镇兴柳路", "拉堡镇基隆大道", "拉堡镇双拥路"],
    "柳城县": ["大埔镇建设路", "大埔镇城南路", "大埔镇滨江路", "大埔镇解放路"],
    "鹿寨县": ["鹿寨镇建中路", "鹿寨镇飞鹿大道", "鹿寨镇桂中路", "鹿寨镇城南路"],
    "融安县": ["长安镇长安大道", "长安镇建设路", "长安镇滨江路"],
    "融水苗族自治县": ["融水镇寿星路", "融水镇新兴路", "融水镇民族路"],
    "三江侗族自治县": ["古宜镇侗乡大道", "古宜镇江峰街", "古宜镇环城路"],
}
BRANDS = ["童心", "七色花", "爱贝", "贝乐", "金色摇篮", "小橡树", "星星树", "禾苗", "蒲公英", "彩虹桥", "萌芽",
          "小蜜蜂", "快乐宝贝", "紫荆花", "小海豚", "春苗", "启航", "阳光宝贝", "乐童", "优贝", "雅贝", "童梦",
          "向日葵", "朵朵", "小脚丫", "喜洋洋", "月亮湾", "柳絮", "小天使", "爱心树", "开心果", "亲亲宝贝", "童趣",
          "嘉禾", "小星星", "贝贝佳", "育英", "馨悦", "乐萌", "布谷鸟", "棉花糖", "小橘灯", "金苹果", "小树苗", "彩贝壳", "欢乐谷"]
LOCAL_BRANDS = {"柳城县": "凤山", "鹿寨县": "鹿鸣", "融安县": "融江", "融水苗族自治县": "苗乡", "三江侗族自治县": "侗乡娃娃",
                "柳北区": "龙城宝贝", "城中区": "小太阳"}
SUFFIXES = ["托育园", "托育中心", "托育服务中心", "婴幼儿照护中心"]
SURNAMES = "覃韦莫蓝黄李陈梁廖周吴刘杨蒙潘龙罗谭欧石唐何邓"
GIVEN = ["丽华", "春燕", "小燕", "海燕", "晓梅", "玉兰", "美玲", "文静", "志强", "建华", "秋萍", "慧敏", "雪梅",
         "翠兰", "婷婷", "丹丹", "俊", "洁", "琳", "芳", "桂芬", "秀英", "金凤", "少华", "永康", "明辉", "艳", "玲玲"]

# 扣分说明 per item; {n} = number of deductions where the item deducts in one fixed step.
REASONS = {
    "2-01": "营业执照、备案回执等{n}项证照未在醒目位置公示", "2-02": "{n}项备案信息与实际不一致（负责人、托位数变更未办理变更备案）",
    "2-03": "装修后室内空气质量检测报告已超过有效期", "2-04": "收费公示与实际收费不一致{n}处",
    "3-01": "{n}处功能分区不合理，婴幼儿生活用房与厨房未有效分隔", "3-02": "部分班级睡眠区与活动区未分区，乳儿班未设喂奶区",
    "3-03": "{n}个班级生均建筑面积不足", "3-04": "室外活动场地面积不足，部分为硬质地面", "3-05": "保健观察室兼作办公室，未设独立隔离室",
    "3-06": "部分家具边角未做防护，洗手池高度不适宜婴幼儿", "3-07": "图书数量不足，部分玩具破损未及时更换",
    "3-08": "{n}个班级人数超过规定规模", "4-01": "卫生保健人员未取得岗位培训合格证，制度未上墙",
    "4-02": "抽查{n}名婴幼儿缺入托体检表或预防接种证查验记录", "4-03": "生长发育监测记录不完整，未按要求定期测量身长体重",
    "4-04": "晨检记录有缺漏，午检未按要求开展", "4-05": "缺勤追踪登记不完整，未登记缺勤原因",
    "4-06": "抽查消毒记录缺{n}天", "4-07": "带量食谱未按季节调整，未开展膳食营养分析",
    "4-08": "{n}项食品留样不规范（留样量不足或未满48小时）", "4-09": "未建立过敏婴幼儿特殊膳食登记",
    "4-10": "委托喂药记录缺家长签字", "4-11": "健康教育活动记录不全",
    "5-01": "一日生活安排表与实际执行不一致", "5-02": "抽查{n}天户外活动时间不足2小时",
    "5-03": "{n}个班级未保证婴幼儿随时饮水", "5-04": "午睡巡视记录不完整", "5-05": "{n}个班级未开展洗手、如厕等生活习惯培养",
    "5-06": "大动作活动材料不足，活动设计未按月龄区分", "5-07": "缺少亲子阅读、语言互动活动记录",
    "5-08": "保育计划未按月龄分层，观察记录不连续", "5-09": "发现{n}名保育人员对婴幼儿哭闹回应不及时、语言生硬",
    "5-10": "家长开放日、育儿讲座开展次数不足", "6-01": "负责人从事托育管理工作年限不足，未参加岗位培训",
    "6-02": "2名保育人员未取得保育师或育婴员证书", "6-03": "托小班保育人员与婴幼儿比例低于1:5",
    "6-04": "未配备专职保安，炊事人员不足", "6-05": "{n}名工作人员健康证过期或缺入职查询记录",
    "6-06": "年度培训学时不足", "6-07": "未开展师德师风专题教育", "6-08": "部分人员未签订劳动合同，年度流失率偏高",
    "7-01": "安全责任书未签订到岗位", "7-02": "{n}处安全隐患（插座未加保护盖、窗户未装防护栏等）",
    "7-03": "设施设备检查记录不连续", "7-04": "部分灭火器过期，疏散通道堆放杂物", "7-05": "监控录像保存不足90天",
    "7-06": "接送卡登记不全，有非指定人员接送记录", "7-07": "消防疏散演练未按季度开展，演练记录不全",
    "7-08": "员工安全培训记录不全", "7-09": "未建立伤害事故登记报告制度", "7-10": "未购买托育机构责任险",
    "8-01": "年度工作计划和总结不完整", "8-02": "入托协议缺少退托条款", "8-03": "{n}项信息未公示（收费标准、膳食、监督电话等）",
    "8-04": "{n}处收费票据不规范", "8-05": "未开展家长满意度调查", "8-06": "婴幼儿档案未实现信息化管理",
    "8-07": "普惠托位占比偏低，未发挥示范带动作用",
}
VETO_NOTES = {"1-04": "市级核验发现：消防安全检查意见书已过期，至核验时未重新办理"}

# --------------------------------------------------------------------------------- star: the plan


@dataclass
class Inst:
    """One sample institution (one workbook, two for a duplicate) and what it is meant to show."""

    district: str
    total: Decimal  # target 实得分 at the 市级核验 stage (综合得分 unless items are 不适用)
    core: Decimal | None = None  # target 核心指标得分 at the 市级核验 stage; None = drawn
    prefix: str = ""  # file-name prefix, for files that demonstrate something
    shows: str = ""  # README: what this file demonstrates
    kind: str = "xlsx"  # xlsx / xls / ods
    form: dict = field(default_factory=dict)  # 申报表 overrides; None = leave blank
    fixed: dict = field(default_factory=dict)  # item code -> value in every stage (not drawn)
    raw: dict = field(default_factory=dict)  # item code -> what is typed instead, in every stage
    veto_fail: str = ""  # 必备条件 code failed at the 市级核验 stage only
    only_core: bool = False  # lose points on 核心指标 only
    no_meals: bool = False  # 不供餐: 1-05, 4-07, 4-09 不适用
    history: tuple = ()  # ((星级, 评定日期, 状态), ...)
    duplicate: bool = False  # a second, revised file of the same institution
    error: bool = False  # the file has an error: not scored
    brand: str = ""
    reason: str = ""  # the eligibility failure (eligibility.Reason code) this file demonstrates
    issue: str = ""  # the issue code (error or warning) this file demonstrates
    # filled in by make_plan
    name: str = ""
    code: str = ""
    files: list = field(default_factory=list)


def _u(district, total, core=None, **kw) -> Inst:
    return Inst(district, D(str(total)), D(str(core)) if core is not None else None, **kw)


def star_plan() -> list[Inst]:
    """The designed sample set: 25 城区 + 16 县 institutions, then 6 error examples."""
    capped = (("一星级", dt.date(2026, 5, 10), "有效"),)
    return [
        # 城中区
        _u("城中区", 968.5, 425, brand="小太阳", shows="城区第1名"),
        _u("城中区", 936, 412, shows="与柳南区一家机构综合得分相同（936分），核心指标得分较高（412分），排在前面"),
        _u("城中区", 866), _u("城中区", 798),
        _u("城中区", 880, prefix="未达条件示例_运营不满一年_", form={"filing_date": dt.date(2026, 2, 10),
                                                                   "start_date": dt.date(2026, 3, 1)},
           reason="OPERATION_TOO_SHORT",
           shows="开始收托日期 2026-03-01，至评定日期不满一年（评分表 1-02 仍填“符合”，工具按日期判定）"),
        # 鱼峰区
        _u("鱼峰区", 951, 418, history=(("二星级", dt.date(2025, 6, 18), "有效"),),
           form={"first_time": "否", "previous_star": "二星级", "previous_date": dt.date(2025, 6, 18)},
           shows="2025-06-18 评为二星级，已满一年，本次可评三星级"),
        _u("鱼峰区", 905.5), _u("鱼峰区", 845.5), _u("鱼峰区", 786, shows="城区第18名，最后一个星级名额"),
        _u("鱼峰区", 902, prefix="未达条件示例_非普惠机构_", form={"is_puhui": "否"}, reason="NOT_IS_PUHUI", shows="“是否普惠托育机构”为“否”"),
        # 柳南区
        _u("柳南区", 936, 405, shows="与城中区一家机构综合得分相同（936分），核心指标得分较低（405分），按规则排在后面（第3、4名分属三星级、二星级）"),
        _u("柳南区", 884),
        _u("柳南区", 822, 370, no_meals=True, shows="不供餐：1-05、4-07、4-09 填“不适用”，综合得分按应得分折算"),
        _u("柳南区", 772.5, shows="符合条件但排在城区第19名，超出18家名额，未获评"),
        _u("柳南区", 890, prefix="重复提交示例_", duplicate=True, issue="DUPLICATE_INSTITUTION",
           shows="同一机构提交了两份表格（统一社会信用代码相同），两份均不参加评定，需确认保留哪一份"),
        # 柳北区
        _u("柳北区", 927.5, kind="xls", shows="WPS/Excel 97-2003 格式（.xls）也能读取"),
        _u("柳北区", 897),
        _u("柳北区", 833, prefix="警告示例_分数带分字_", fixed={"4-11": D(8)}, raw={"4-11": "8分"}, issue="SCORE_WITH_UNIT",
           shows="4-11 填“8分”：按 8 分计算并给出警告，照常评定"),
        _u("柳北区", 758, shows="符合条件但排在城区第20名，未获评"),
        _u("柳北区", 915, prefix="未达条件示例_市级核验必备条件不符合_", veto_fail="1-04", reason="VETO_FAILED",
           shows="自评、初评 1-04 消防安全合格均为“符合”，市级核验为“不符合”（有扣分说明）"),
        # 柳江区
        _u("柳江区", 918, history=capped,
           form={"first_time": "否", "previous_star": "一星级", "previous_date": dt.date(2026, 5, 10)},
           shows="2026-05-10 刚评为一星级，按排名应为二星级，但定级不满一年，保持一星级"),
        _u("柳江区", 873.5), _u("柳江区", 824), _u("柳江区", 811.5),
        _u("柳江区", 712.5, 350, prefix="未达条件示例_综合得分低于750分_", reason="BELOW_PASS_MARK", shows="市级核验综合得分 712.5 分，低于 750 分"),
        # 柳城县
        _u("柳城县", 958, 421, shows="县片区第1名"), _u("柳城县", 889), _u("柳城县", 806.5),
        _u("柳城县", 880, prefix="未达条件示例_未执行政府指导价_", form={"gov_price": "否"}, reason="NOT_GOV_PRICE", shows="“是否执行政府指导价”为“否”"),
        # 鹿寨县
        _u("鹿寨县", 931.5, 410, brand="鹿鸣",
           shows="与融水苗族自治县一家机构综合得分、核心指标得分完全相同，并列第2名，跨越三星级与二星级分界，待裁定"),
        _u("鹿寨县", 871.5, prefix="警告示例_数字存为文本_", fixed={"5-06": D(18)}, raw={"5-06": "18"}, issue="SCORE_TEXT_NUMBER",
           shows="5-06 的分数是以文本形式保存的“18”：按 18 分计算并给出警告，照常评定"),
        _u("鹿寨县", 781, history=(("一星级", dt.date(2024, 3, 20), "有效"), ("一星级", dt.date(2025, 8, 20), "撤销")),
           form={"first_time": "否", "previous_star": "一星级", "previous_date": dt.date(2024, 3, 20)},
           shows="曾于 2025-08-20 被撤销一星级称号（历史记录），本次照常排名并在结果中注明"),
        _u("鹿寨县", 870, prefix="未达条件示例_申请年度内有重大服务纠纷_", form={"decl_dispute": "是"}, reason="DECLARED_DECL_DISPUTE",
           shows="申报表声明“申请年度内是否发生重大服务纠纷……”为“是”"),
        # 融安县
        _u("融安县", 917, kind="ods", shows="LibreOffice/WPS 的 .ods 格式也能读取"), _u("融安县", 840.5),
        _u("融安县", 763.5, shows="符合条件但排在县片区第13名，超出12家名额，未获评"),
        # 融水苗族自治县
        _u("融水苗族自治县", 931.5, 410, brand="苗乡",
           shows="与鹿寨县一家机构综合得分、核心指标得分完全相同，并列第2名，待裁定"),
        _u("融水苗族自治县", 856),
        _u("融水苗族自治县", 905, 335, only_core=True, prefix="未达条件示例_核心指标得分率不足80%_",
           reason="CORE_RATE_LOW", shows="综合得分 905 分，但只在核心指标上失分，核心指标 335/430（77.9%），低于 80%"),
        # 三江侗族自治县
        _u("三江侗族自治县", 902.5, history=(("二星级", dt.date(2023, 6, 1), "有效"),),
           form={"first_time": "否", "previous_star": "二星级", "previous_date": dt.date(2023, 6, 1)},
           shows="2023-06-01 评为二星级，已满三年，列入“复审到期”名单"),
        _u("三江侗族自治县", 822),
        # error examples: not scored
        _u("城中区", 850, prefix="错误示例_必填项未填写_", form={"director": None}, error=True, issue="VALUE_REQUIRED",
           shows="申报表“机构负责人”未填写"),
        _u("鱼峰区", 860, prefix="错误示例_分数超过满分_", fixed={"4-03": D(20)}, raw={"4-03": 25}, error=True, issue="SCORE_OVER_MAX",
           shows="4-03（满分 20 分）填了 25 分"),
        _u("柳北区", 840, prefix="错误示例_分数填了汉字_", fixed={"4-11": D(8)}, raw={"4-11": "八"}, error=True, issue="SCORE_NOT_NUMBER",
           shows="4-11 的分数填了汉字“八”"),
        _u("柳江区", 870, prefix="错误示例_信用代码校验位错误_", error=True, issue="FIELD_CREDIT_CODE",
           shows="统一社会信用代码最后一位（校验位）错误"),
        _u("鹿寨县", 830, prefix="错误示例_收托人数超过托位数_", error=True, issue="ENROLLED_OVER_CAPACITY", shows="实际收托人数大于备案托位数"),
        _u("融安县", 845, prefix="错误示例_日期晚于评定日期_", form={"filing_date": dt.date(2027, 4, 12)}, error=True,
           issue="FIELD_DATE_FUTURE",
           shows="备案日期填成 2027-04-12，晚于评定日期"),
    ]


# ------------------------------------------------------------------------------ star: the people


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def phone(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return rng.choice(["138", "139", "135", "150", "152", "177", "180", "187", "189"]) + \
            "".join(rng.choice("0123456789") for _ in range(8))
    return "0772-" + rng.choice("2356789") + "".join(rng.choice("0123456789") for _ in range(6))


def day_between(rng: random.Random, a: dt.date, b: dt.date) -> dt.date:
    return a + dt.timedelta(days=rng.randrange((b - a).days + 1))


def base_form(rng: random.Random, inst: Inst, seq: int) -> dict:
    county = STAR.star.zone_of[inst.district] == "县"
    legal = person(rng)
    filing = day_between(rng, dt.date(2019, 6, 1), dt.date(2024, 9, 30))
    start = filing + dt.timedelta(days=rng.randrange(7, 60))
    capacity = rng.randrange(40, 155, 5)
    enrolled = int(capacity * rng.uniform(0.62, 0.95))
    infant = rng.choice([0, 0, 1])
    large = max(1, enrolled // 45)
    small = max(1, (enrolled - infant * 8 - large * 20) // 15)
    mixed = rng.choice([0, 0, 0, 1])
    meals = "不供餐" if inst.no_meals else rng.choice(["自行加工"] * 5 + ["外购餐食"])
    sponsor = legal if rng.random() < 0.3 else rng.choice([
        f"柳州市{inst.brand}教育咨询有限公司", f"柳州{inst.brand}托育服务有限公司", f"广西{inst.brand}教育科技有限公司"])
    fee = rng.randrange(900, 1650, 50) if county else rng.randrange(1300, 2300, 50)
    total = inst.total
    applied = "三星级" if total >= 930 else "二星级" if total >= 860 else "一星级"
    form = dict(
        name=inst.name, credit_code=inst.code, district=inst.district,
        address=f"柳州市{inst.district}{rng.choice(ROADS[inst.district])}{rng.randrange(1, 399)}号",
        sponsor=sponsor, legal_rep=legal, director=person(rng), contact=person(rng), phone=phone(rng),
        filing_date=filing, filing_no=f"TY{DISTRICT_CODES[inst.district]}{filing.year}{seq:03d}", start_date=start,
        is_puhui="是", gov_price="是", meals=meals, fee=fee, capacity=capacity, enrolled=enrolled,
        classes_infant=infant, classes_small=small, classes_large=large, classes_mixed=mixed,
        staff_care=max(4, enrolled // 5 + rng.randrange(0, 3)), staff_health=rng.choice([1, 1, 2]),
        staff_cook=0 if meals != "自行加工" else rng.choice([1, 2, 2, 3]), staff_security=rng.choice([1, 1, 2]),
        decl_credit="否", decl_abuse="否", decl_accident="否", decl_dispute="否",
        first_time="是", previous_star="无", applied_star=applied, signer=legal,
        sign_date=day_between(rng, dt.date(2026, 8, 15), dt.date(2026, 10, 20)),
    )
    form.update(inst.form)
    return form


def make_plan() -> tuple[random.Random, list[Inst]]:
    """The plan with names and credit codes drawn; the same rng then draws the scores."""
    rng = random.Random(SEED)
    plan = star_plan()
    brands = [b for b in BRANDS]
    rng.shuffle(brands)
    used_names, codes = set(), set()
    for inst in plan:
        if not inst.brand:
            local = LOCAL_BRANDS.get(inst.district)
            inst.brand = local if local and all(local not in n for n in used_names) else brands.pop()
        place = inst.district if STAR.star.zone_of[inst.district] == "县" else f"柳州市{inst.district}"
        inst.name = place + inst.brand + rng.choice(SUFFIXES)
        used_names.add(inst.name)
        while not inst.code or inst.code in codes:
            inst.code = random_credit_code(rng)
        codes.add(inst.code)
    return rng, plan


# ------------------------------------------------------------------------------ star: the scores


def lower_values(item: Item, current: Decimal) -> list[Decimal]:
    """The values this item may take below `current` (its allowed values, or the graded grid)."""
    allowed = item.allowed_values()
    if allowed is None:
        return [item.step * k for k in range(int(current / item.step))]
    return sorted(a for a in allowed if a < current)


def higher_values(item: Item, current: Decimal) -> list[Decimal]:
    allowed = item.allowed_values()
    if allowed is None:
        return [current + item.step * k for k in range(1, int((item.points - current) / item.step) + 1)]
    return sorted(a for a in allowed if a > current)


def allocate(rng: random.Random, items: list[Item], loss: Decimal, values: dict[str, Decimal]) -> None:
    """Take exactly `loss` points off `items` in allowed steps: a few rule deductions, the rest graded."""
    remaining = loss
    for item in rng.sample(items, len(items)):
        if remaining <= 0 or item.rule == GRADED or rng.random() > 0.45:
            continue
        if item.rule == ALL_OR_NOTHING and (rng.random() > 0.25 or item.points > remaining * D("0.6")):
            continue
        cands = [item.points - v for v in lower_values(item, item.points)
                 if item.points - v <= min(remaining, item.points / 2 if item.rule != ALL_OR_NOTHING else item.points)]
        if cands:
            lost = min(cands) if rng.random() < 0.5 else rng.choice(cands)
            values[item.code] -= lost
            remaining -= lost
    graded = [i for i in items if i.rule == GRADED]
    for floor in (D("0.6"), D("0.3"), D(0)):
        rounds = 0
        while remaining > 0 and rounds < 40:
            rounds += 1
            for item in rng.sample(graded, len(graded)):
                room = values[item.code] - item.points * floor
                cap = min(remaining, room, max(item.points / 4, D(1)))
                if cap < HALF:
                    continue
                whole = int(cap)
                lost = D(rng.randint(1, whole)) if whole >= 1 and rng.random() < 0.8 else HALF * rng.randint(1, int(cap / HALF))
                values[item.code] -= lost
                remaining -= lost
                if remaining <= 0:
                    break
    if remaining != 0:
        raise RuntimeError(f"cannot take {loss} points off {len(items)} items")


def city_stage_values(rng: random.Random, inst: Inst) -> dict[str, object]:
    na = {"1-05", "4-07", "4-09"} if inst.no_meals else set()
    values: dict[str, object] = {}
    for item in STAR.items:
        if item.code in na:
            values[item.code] = NOT_APPLICABLE
        elif item.veto:
            values[item.code] = PASS
        else:
            values[item.code] = inst.fixed.get(item.code, item.points)
    scored = [i for i in STAR.scored_items if i.code not in na and i.code not in inst.fixed]
    core_items = [i for i in scored if i.core]
    core_possible = sum((i.points for i in STAR.scored_items if i.core and i.code not in na), D(0))
    possible = sum((i.points for i in STAR.scored_items if i.code not in na), D(0))
    fixed_loss = sum((STAR.item_by_code[c].points - v for c, v in inst.fixed.items()), D(0))
    loss = possible - inst.total
    if inst.only_core:
        core_loss = loss
    elif inst.core is not None:
        core_loss = core_possible - inst.core
    else:
        share = D(str(round(rng.uniform(0.3, 0.45), 2)))
        core_loss = min((loss * share / HALF).quantize(D(1)) * HALF, loss - fixed_loss)
        if not inst.error:  # keep every designed-eligible institution at 80 % or better
            core_loss = min(core_loss, core_possible - D("0.8") * core_possible - 2)
    allocate(rng, core_items, core_loss, values)
    allocate(rng, [i for i in scored if not i.core], loss - core_loss - fixed_loss, values)
    if inst.veto_fail:
        values[inst.veto_fail] = "不符合"
    return values


def earlier_stage(rng: random.Random, later: dict[str, object], keep: float, fixed: dict) -> dict[str, object]:
    """An earlier stage: each deduction of the later stage kept with probability `keep`, else smaller or none."""
    out = {}
    for item in STAR.items:
        v = later[item.code]
        if item.veto:
            out[item.code] = PASS if v == "不符合" else v
        elif isinstance(v, Decimal) and v < item.points and item.code not in fixed and rng.random() > keep:
            up = higher_values(item, v)
            out[item.code] = item.points if rng.random() < 0.5 else rng.choice(up)
        else:
            out[item.code] = v
    return out


def star_scores(rng: random.Random, inst: Inst) -> tuple[dict, dict]:
    city = city_stage_values(rng, inst)
    county = earlier_stage(rng, city, 0.75, inst.fixed)
    restored = ""
    if rng.random() < 0.15:  # now and then the city restores points after new evidence
        lost = [i for i in STAR.scored_items if isinstance(city[i.code], Decimal) and city[i.code] < i.points
                and i.code not in inst.fixed and lower_values(i, city[i.code])]
        if lost:
            item = rng.choice(lost)
            county[item.code] = rng.choice(lower_values(item, city[item.code]))
            restored = item.code
    self_ = earlier_stage(rng, county, rng.uniform(0.25, 0.8), inst.fixed)
    scores = {"self": self_, "county": county, "city": city}
    return scores, star_notes(scores, inst, restored)


def star_notes(scores: dict, inst: Inst, restored: str) -> dict[str, str]:
    notes = {}
    for item in STAR.scored_items:
        stage_values = [scores[s][item.code] for s in ("self", "county", "city")]
        numbers = [v for v in stage_values if isinstance(v, Decimal)]
        if not numbers or min(numbers) >= item.points:
            continue
        lost = item.points - min(numbers)
        step = item.steps[0] if len(item.steps) == 1 else item.step
        n = int((lost / step).to_integral_value(rounding=ROUND_CEILING)) if item.rule != GRADED else 0
        text = REASONS[item.code].format(n=n)
        first = next(s for s, v in zip(("自评", "县级初评", "市级核验"), stage_values, strict=True)
                     if isinstance(v, Decimal) and v < item.points)
        if first != "自评":
            text = f"{first}发现：{text}"
        if item.code == restored:
            text += "；市级核验时机构已补充材料，酌情恢复部分分数"
        notes[item.code] = text
    for code, note in VETO_NOTES.items():
        if inst.veto_fail == code:
            notes[code] = note
    return notes


def typed_scores(scores: dict, inst: Inst) -> dict:
    """What is typed in the workbook: the drawn values, with `raw` texts put in every stage."""
    return {s: {**values, **inst.raw} for s, values in scores.items()}


# ------------------------------------------------------------------------------ star: the outcome


def card_total(inst: Inst) -> Decimal:
    """The 综合得分 the tool should compute (折算 when items are 不适用)."""
    if not inst.no_meals:
        return inst.total
    possible = D(1000) - STAR.item_by_code["4-07"].points - STAR.item_by_code["4-09"].points
    return (inst.total / possible * 1000).quantize(D("0.01"), rounding=ROUND_HALF_UP)


def eligible(inst: Inst) -> bool:
    """Scored (no error, not a duplicate) and meeting every condition, as designed."""
    return not (inst.error or inst.duplicate or inst.reason)


def expected_star_outcome() -> dict[str, tuple[str, int, str]]:
    """Credit code -> (片区, 排名, 星级) of every eligible institution, by the rules and the history.

    Ranks by 综合得分, then 核心指标得分; only the designed ties have equal totals, and those have a
    designed 核心指标得分, so a drawn one never decides an order.
    """
    _, plan = make_plan()
    out = {}
    for zone in STAR.star.zones:
        mine = sorted((i for i in plan if eligible(i) and i.district in zone.districts),
                      key=lambda i: (-card_total(i), -(i.core or 0)))
        groups: list[list[Inst]] = []
        for inst in mine:
            same = groups and inst.core is not None and (card_total(groups[-1][0]), groups[-1][0].core) == (
                card_total(inst), inst.core)
            groups[-1].append(inst) if same else groups.append([inst])
        place = 1
        for group in groups:
            stars = {_band(zone, p) for p in range(place, place + len(group))}
            star = stars.pop() if len(stars) == 1 else PENDING
            for inst in group:
                out[inst.code] = (zone.name, place, _apply_history(inst, star))
            place += len(group)
    return out


def _band(zone, place: int) -> str:
    return next((b.star for b in zone.bands if b.rank_from <= place <= b.rank_to), NO_STAR)


def _apply_history(inst: Inst, star: str) -> str:
    if not inst.history or star in (NO_STAR, PENDING):
        return star
    rated, day, status = max(inst.history, key=lambda h: h[1])
    stars = STAR.star.stars
    waiting = dt.date(day.year + STAR.star.rerate_wait_years, day.month, day.day) > EVAL_DATE
    if status == "有效" and waiting and stars.index(star) > stars.index(rated):
        return rated
    return star


# ------------------------------------------------------------------------------ star: the files


def file_name(rng: random.Random, inst: Inst, revised: bool = False) -> str:
    if inst.prefix:
        stem = inst.prefix + inst.name + ("（修改版）" if revised else "")
    else:
        short = inst.name.removeprefix(f"柳州市{inst.district}").removeprefix(inst.district)
        stem = rng.choice([inst.name, f"{inst.name}（星级评定）", f"{inst.district}_{short}_星级评定申报表及评分表"])
    return f"{stem}.{inst.kind}"


def break_form(rng: random.Random, inst: Inst, form: dict) -> dict:
    if "信用代码" in inst.prefix:
        good = form["credit_code"]
        form["credit_code"] = good[:-1] + rng.choice([c for c in CHARSET if c != good[-1]])
    if "收托人数" in inst.prefix:
        form["enrolled"] = form["capacity"] + rng.randrange(5, 20)
    return {k: v for k, v in form.items() if v is not None}


def write_star(out: Path, template: Path, rng: random.Random, plan: list[Inst], soffice: str) -> None:
    out.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="tuoyu-samples-") as tmp:
        for seq, inst in enumerate(plan, 1):
            form = break_form(rng, inst, base_form(rng, inst, seq))
            scores, notes = star_scores(rng, inst)
            name = file_name(rng, inst)
            inst.files.append(name)
            _write_filled(out, Path(tmp), template, STAR, name, form, typed_scores(scores, inst), notes, soffice)
            if inst.duplicate:  # the revised copy: same institution, re-drawn scores
                scores, notes = star_scores(rng, inst)
                name = file_name(rng, inst, revised=True)
                inst.files.append(name)
                _write_filled(out, Path(tmp), template, STAR, name, form, typed_scores(scores, inst), notes, soffice)
    lock = out / f"~${plan[0].files[0]}"
    user = "Administrator"
    lock.write_bytes(bytes([len(user)]) + user.encode().ljust(53, b" ") + bytes([len(user), 0])
                     + user.encode("utf-16-le").ljust(106, b" "))
    (out / "误放的文件.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
                                       b"trailer\n<< /Root 1 0 R >>\n%%EOF\n")


def _write_filled(out: Path, tmp: Path, template: Path, rubric, name: str, form: dict, scores: dict,
                  notes: dict, soffice: str) -> None:
    stem, kind = name.rsplit(".", 1)
    target = out / name if kind == "xlsx" else tmp / f"{stem}.xlsx"
    fill_workbook(template, target, rubric, form, scores, notes)
    stabilise(target)
    if kind != "xlsx":
        convert(soffice, target, kind, out)


# ------------------------------------------------------------------------------ history


def write_history(out: Path, plan: list[Inst]) -> Path:
    """The rating history the city keeps (headers as in `tuoyu template history`)."""
    out.mkdir(parents=True)
    rows = [(i.code, i.name, star, day, status) for i in plan for star, day, status in i.history]
    rng = random.Random(SEED + 1)
    rows += [(random_credit_code(rng), "柳州市柳北区晨光托育中心", "三星级", dt.date(2025, 12, 5), "有效"),
             (random_credit_code(rng), "柳州市城中区馨苗托育园", "二星级", dt.date(2024, 11, 30), "有效")]
    rows.sort(key=lambda r: (r[3], r[0]))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "历史记录"
    ws.append(["统一社会信用代码", "机构名称", "星级", "评定日期", "状态"])
    for row in rows:
        ws.append(list(row))
        ws.cell(ws.max_row, 1).number_format = "@"
        ws.cell(ws.max_row, 4).number_format = "yyyy-mm-dd"
    for col, width in zip("ABCDE", (24, 40, 10, 14, 10), strict=True):
        ws.column_dimensions[col].width = width
    wb.properties.creator = "柳州市卫生健康委员会"
    path = out / "历史评定.xlsx"
    wb.save(path)
    stabilise(path)
    return path


# ------------------------------------------------------------------------------ panel (多人评分)

PANEL_SEED = SEED + 3  # its own generator: the star, city and history samples do not move
PANEL_ASSESSORS = ("韦海燕", "莫志强", "黄秋萍")  # the 市级核验 评分组, one copy each
PANEL_DISTRICTS = {"城中区": 5, "鱼峰区": 5, "柳南区": 5, "柳北区": 5, "柳江区": 4,
                   "柳城县": 4, "鹿寨县": 3, "融安县": 3, "融水苗族自治县": 3, "三江侗族自治县": 3}
PANEL_NO_MEALS = 7  # this institution (in plan order) does not serve meals: 不适用 in every copy
PANEL_WIDE = (3, 22, 31)  # here one assessor deducts over half of an item's points: 评分人明细 flags it


@dataclass
class PanelInst:
    """One institution of samples/panel: the form, the earlier stages (the same in every copy) and each
    assessor's 市级核验 scores."""

    inst: Inst
    form: dict = field(default_factory=dict)
    scores: dict = field(default_factory=dict)  # assessor -> stage -> item code -> value
    files: dict = field(default_factory=dict)  # assessor -> file name
    wide: str = ""  # the item whose scores spread over half its points


def panel_plan() -> list[PanelInst]:
    """40 institutions × 3 assessors, all eligible, averaged totals distinct (no 待裁定)."""
    rng = random.Random(PANEL_SEED)
    taken = {i.name for i in make_plan()[1]}  # never an institution of samples/star
    totals = [D(760) + HALF * k for k in range(0, 430, 3)]  # 760 … 974.5, at least 1.5 apart
    rng.shuffle(totals)
    plan, codes, brands, seq = [], set(), set(), 200
    for district, count in PANEL_DISTRICTS.items():
        for _ in range(count):
            n = len(plan)
            inst = Inst(district, totals.pop(), no_meals=(n == PANEL_NO_MEALS))
            place = district if STAR.star.zone_of[district] == "县" else f"柳州市{district}"
            while not inst.name or inst.name in taken or (district, inst.brand) in brands:
                inst.brand = rng.choice(BRANDS)
                inst.name = place + inst.brand + rng.choice(SUFFIXES)
            taken.add(inst.name)
            brands.add((district, inst.brand))  # one 贝乐 per 县区: two would read as one institution
            while not inst.code or inst.code in codes:
                inst.code = random_credit_code(rng)
            codes.add(inst.code)
            seq += 1
            plan.append(_panel_inst(rng, inst, seq, n in PANEL_WIDE))
    return plan


def _panel_inst(rng: random.Random, inst: Inst, seq: int, wide: bool) -> PanelInst:
    form = base_form(rng, inst, seq)
    agreed = city_stage_values(rng, inst)  # what the panel roughly agrees on
    county = earlier_stage(rng, agreed, 0.75, {})
    self_ = earlier_stage(rng, county, rng.uniform(0.25, 0.8), {})
    out = PanelInst(inst, form)
    for who in PANEL_ASSESSORS:
        city = {code: _assessor_value(rng, STAR.item_by_code[code], v) for code, v in agreed.items()}
        out.scores[who] = {"self": self_, "county": county, "city": city}
        out.files[who] = f"{inst.name}_评分人{who}.xlsx"
    if wide:  # the last assessor found much more wrong on one non-core item: over half its points below the others
        *others, last = (out.scores[who]["city"] for who in PANEL_ASSESSORS)
        lows = {i.code: [v for v in lower_values(i, min(o[i.code] for o in others))
                         if min(o[i.code] for o in others) - v > i.points / 2]
                for i in STAR.scored_items if i.rule == GRADED and not i.core and isinstance(agreed[i.code], Decimal)}
        out.wide = rng.choice(sorted(code for code, values in lows.items() if values))
        last[out.wide] = max(lows[out.wide])
    return out


def _assessor_value(rng: random.Random, item: Item, agreed: object) -> object:
    """One assessor's score of an item: now and then one or two steps off what the panel agrees on.
    必备条件 and 不适用 are the panel's (unanimous)."""
    if not isinstance(agreed, Decimal) or item.veto or item.rule == ALL_OR_NOTHING or rng.random() > 0.15:
        return agreed
    down, up = lower_values(item, agreed), higher_values(item, agreed)
    moves = [v for v in (*down[-2:], *up[:2]) if abs(v - agreed) <= 2]
    return rng.choice(moves) if moves else agreed


def panel_mean(values: list[Decimal]) -> Decimal:
    """The rubric's panel rule for three assessors: the mean, half up to 2 decimals."""
    return (sum(values, D(0)) / len(values)).quantize(D("0.01"), rounding=ROUND_HALF_UP)


def panel_card(p: PanelInst) -> tuple[Decimal, Decimal]:
    """(综合得分, 核心指标得分) of the averaged items, 折算 when items are 不适用."""
    total = core = possible = D(0)
    for item in STAR.scored_items:
        values = [p.scores[who]["city"][item.code] for who in PANEL_ASSESSORS]
        if not isinstance(values[0], Decimal):
            continue
        mean = panel_mean(values)
        total, possible = total + mean, possible + item.points
        core += mean if item.core else 0
    if possible != 1000:
        total = (total / possible * 1000).quantize(D("0.01"), rounding=ROUND_HALF_UP)
    return total, core


def assessor_total(p: PanelInst, who: str) -> Decimal:
    """One assessor's own 综合得分 (折算 when items are 不适用): what 评分人明细 lists."""
    values = [(i, p.scores[who]["city"][i.code]) for i in STAR.scored_items]
    total = sum((v for _, v in values if isinstance(v, Decimal)), D(0))
    possible = sum((i.points for i, v in values if isinstance(v, Decimal)), D(0))
    return total if possible == 1000 else (total / possible * 1000).quantize(D("0.01"), rounding=ROUND_HALF_UP)


def expected_panel_outcome(plan: list[PanelInst] | None = None) -> dict[str, tuple[str, int, str, Decimal]]:
    """Credit code -> (片区, 排名, 星级, 综合得分) with --panel: the averaged totals ranked by the rules."""
    plan = plan if plan is not None else panel_plan()
    out = {}
    for zone in STAR.star.zones:
        cards = sorted(((panel_card(p), p) for p in plan if p.inst.district in zone.districts),
                       key=lambda c: (-c[0][0], -c[0][1]))
        if len({c for c, _ in cards}) != len(cards):
            raise RuntimeError("panel samples: two averaged totals tie")
        for (total, core), p in cards:
            core_possible = sum((i.points for i in STAR.scored_items if i.core
                                 and isinstance(p.scores[PANEL_ASSESSORS[0]]["city"][i.code], Decimal)), D(0))
            if total < 750 or core < core_possible * D("0.8"):
                raise RuntimeError(f"panel samples: {p.inst.name} is not eligible ({total}, core {core})")
        for place, ((total, _), p) in enumerate(cards, 1):
            out[p.inst.code] = (zone.name, place, _band(zone, place), total)
    return out


def write_panel(out: Path, template: Path, plan: list[PanelInst]) -> None:
    out.mkdir(parents=True)
    for p in plan:
        for who in PANEL_ASSESSORS:
            scores = p.scores[who]
            fill_workbook(template, out / p.files[who], STAR, p.form, scores, star_notes(scores, p.inst, ""),
                          assessors={"city": who})
            stabilise(out / p.files[who])


# ------------------------------------------------------------------------------ city

# 城市: (常住人口, 托位数, 县级行政区数, 已建县级中心数, 已注册机构, 已备案机构, 3岁以下婴幼儿, 入托婴幼儿,
#        市本级联席会议, 未出台联席会议的县数, 区号, 评估组扣分项数)
CITY_FIGURES = {
    "南宁市": (8_891_000, 37_340, 12, 9, 820, 742, 248_900, 27_380, "是", 0, "0771", 1),
    "柳州市": (4_170_000, 18_350, 10, 8, 410, 381, 112_600, 13_510, "是", 0, "0772", 0),
    "桂林市": (4_930_000, 17_750, 17, 10, 445, 387, 133_100, 11_980, "是", 1, "0773", 2),
    "梧州市": (2_820_000, 8_740, 7, 3, 210, 168, 81_800, 6_380, "是", 2, "0774", 4),
    "北海市": (1_880_000, 7_330, 4, 3, 160, 148, 54_500, 6_000, "是", 0, "0779", 2),
    "防城港市": (1_050_000, 3_570, 4, 2, 75, 66, 31_500, 2_990, "是", 1, "0770", 3),
    "钦州市": (3_300_000, 9_240, 4, 1, 190, 150, 102_300, 7_160, "否", 2, "0777", 6),
    "贵港市": (4_340_000, 11_280, 5, 2, 230, 177, 143_200, 9_310, "是", 3, "0775", 7),
    "玉林市": (5_800_000, 17_400, 7, 4, 330, 290, 185_600, 15_960, "是", 1, "0775", 3),
    "百色市": (3_580_000, 9_670, 12, 5, 180, 140, 114_600, 7_450, "否", 4, "0776", 8),
    "贺州市": (2_010_000, 7_040, 5, 4, 110, 101, 60_300, 5_430, "是", 0, "0774", 3),
    "河池市": (3_420_000, 8_550, 11, 4, 150, 118, 99_200, 5_950, "是", 5, "0778", 9),
    "来宾市": (2_070_000, 7_250, 6, 5, 105, 95, 60_000, 6_000, "是", 1, "0772", 4),
    "崇左市": (2_080_000, 6_030, 7, 3, 95, 80, 62_400, 5_300, "是", 2, "0771", 5),
}
CITY_KEYS = ("population", "nursery_places", "county_total", "county_centers", "orgs_registered", "orgs_filed",
             "infants", "infants_enrolled", "city_joint_meeting", "counties_no_joint_meeting")
MISTYPED_CITY = ("崇左市", "1")  # typed full points on item 1 although its rate is below the average
CITY_REASONS = {
    "2.1": "市级婴幼儿照护服务指导中心尚在建设中", "3.1": "未纳入本级为民办实事工程", "4.2": "未提供联席会议纪要",
    "5": "预算经费未足额到位", "6": "部分县（市、区）未明确专人负责", "7": "实施方案未联合印发",
    "8": "专项规划未明确资金来源和运营方式", "9": "辖区国有投资平台公司尚未投资建设托育机构", "10.1": "国企房屋租赁期限未放宽",
    "10.2": "非独立场所改造托育点尚未通过验收", "11": "未纳入政府购买服务目录", "12.1": "税费优惠政策落实材料不全",
    "12.2": "部分托育机构未执行居民生活水价、电价", "12.3": "社保补贴未落实", "13": "属地院校未开设相关专业",
    "14": "未开发托育机构相关责任险", "16": "社区育儿指导服务覆盖不足", "17.1": "新建小区配套托育场地未达标准",
    "17.2": "“四同步”制度未全面落实", "18": "老旧小区改造未配置托育服务设施", "19": "社会力量举办托育机构数量不足",
    "20": "托幼一体化推进缓慢", "21": "中央预算内资金支持项目未按期投入运营", "23": "“医养育结合”做法尚未形成可推广经验",
    "24": "未提供互联网直播互动式育儿服务", "25": "未制定托育机构卫生评价标准", "26.1": "尚未评选市级示范性托育机构",
    "26.2": "辖区内获广西示范性托育机构不足2家", "27": "母婴室配置率未达100%", "28.1": "托育行业品牌培育不足",
    "28.2": "信息管理系统尚未上线", "29.1": "机构信息公开不全", "29.2": "监督检查记录不全", "30.1": "部分机构年内未实地巡查",
    "30.2": "未纳入公共安全重点保障范围", "31.1": "备案宣传不到位", "31.2": "行业组织作用发挥不足", "32": "信用监管机制未建立",
    "33": "有1起涉托育服务信访事件",
}


def city_rate(figures: dict, item: Item) -> Fraction:
    return Fraction(figures[item.numerator]) * Fraction(int(item.scale)) / Fraction(figures[item.denominator])


def city_averages(all_figures: dict[str, dict]) -> dict[str, tuple[Fraction, Fraction]]:
    """Per comparative item: (Σ分子 ÷ Σ分母, mean of the cities' rates). The samples keep every city
    clearly on one side of both, so whichever reading the tool takes the typed scores agree."""
    out = {}
    for item in (i for i in CITY.items if i.rule == COMPARATIVE):
        pooled = (Fraction(sum(f[item.numerator] for f in all_figures.values())) * int(item.scale)
                  / sum(f[item.denominator] for f in all_figures.values()))
        mean = sum(city_rate(f, item) for f in all_figures.values()) / len(all_figures)
        out[item.code] = (pooled, mean)
    return out


def computed_points(item: Item, city: str, figures: dict, averages: dict) -> Decimal:
    if item.rule == COMPARATIVE:
        rate = city_rate(figures, item)
        pooled, mean = averages[item.code]
        if (rate > pooled) != (rate > mean) or min(abs(rate - pooled), abs(rate - mean)) < Fraction(1, 100):
            raise RuntimeError(f"{city} {item.code}: rate too close to the average")
        return item.points if rate > pooled else D(0)
    missing = figures["counties_no_joint_meeting"] + (figures["city_joint_meeting"] == "否")
    return max(item.points - item.per_unit * missing, D(0))


def city_workbook(rng: random.Random, city: str, figures: dict, averages: dict) -> tuple[dict, dict, dict]:
    *_, area, lost_count = CITY_FIGURES[city]
    form = dict(city_name=city, reporter=f"{city}卫生健康委员会", contact=person(rng),
                phone=f"{area}-{rng.choice('2356789')}{rng.randrange(100000, 999999)}",
                report_date=day_between(rng, dt.date(2026, 9, 20), dt.date(2026, 10, 31)), **figures)
    plain = [i for i in CITY.items if not i.computed]
    lost_review = set(i.code for i in rng.sample(plain, lost_count))
    lost_self = set(rng.sample(sorted(lost_review), lost_count // 3))
    scores: dict[str, dict] = {"self": {}, "review": {}}
    for item in CITY.items:
        if item.computed:
            value = computed_points(item, city, figures, averages)
            if (city, item.code) == MISTYPED_CITY:
                value = item.points
            scores["self"][item.code] = scores["review"][item.code] = value
        else:
            scores["self"][item.code] = D(0) if item.code in lost_self else item.points
            scores["review"][item.code] = D(0) if item.code in lost_review else item.points
    notes = {c: (CITY_REASONS.get(c, "佐证材料不足") if c in lost_self else f"评估组查阅资料：{CITY_REASONS.get(c, '佐证材料不足')}")
             for c in sorted(lost_review)}
    return form, scores, notes


def city_plan() -> list[dict]:
    """The 14 city workbooks' content, in rubric order (own seed: independent of the star samples)."""
    rng = random.Random(SEED + 2)
    all_figures = {c: dict(zip(CITY_KEYS, v[:10], strict=True)) for c, v in CITY_FIGURES.items()}
    averages = city_averages(all_figures)
    plan = []
    for city in CITY.city.cities:
        form, scores, notes = city_workbook(rng, city, all_figures[city], averages)
        name = (f"警告示例_比较项得分与基础数据不符_{city}示范城市创建评分表.xlsx" if city == MISTYPED_CITY[0]
                else rng.choice([f"{city}示范城市创建评分表.xlsx", f"{city}_婴幼儿照护服务示范城市创建自评及评估表.xlsx"]))
        plan.append({"file": name, "city": city, "figures": all_figures[city], "form": form, "scores": scores,
                     "notes": notes})
    return plan


def write_city(out: Path, template: Path, plan: list[dict], soffice: str) -> None:
    out.mkdir(parents=True)
    for c in plan:
        _write_filled(out, out, template, CITY, c["file"], c["form"], c["scores"], c["notes"], soffice)


# ------------------------------------------------------------------------------ file plumbing


def stabilise(path: Path) -> None:
    """Fixed document timestamps and zip entry times, so the same content gives the same bytes."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                              lambda m: m.group(1) + stamp.encode() + m.group(3), data)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, data)
    path.write_bytes(buf.getvalue())


def soffice_path() -> str:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for cand in ("/usr/lib/libreoffice/program/soffice", "/opt/libreoffice/program/soffice",
                 "/Applications/LibreOffice.app/Contents/MacOS/soffice"):
        if Path(cand).is_file():
            return cand
    sys.exit("错误：生成 .xls 和 .ods 样例需要 LibreOffice（soffice），但没有找到。"
             "请先运行 scripts/install_system_deps.sh（或安装 LibreOffice）后重试。")


def convert(soffice: str, source: Path, kind: str, out_dir: Path) -> Path:
    """Convert with headless LibreOffice, in a private throw-away profile."""
    with tempfile.TemporaryDirectory(prefix="tuoyu-soffice-") as profile:
        cmd = [soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{profile}",
               "--convert-to", kind, "--outdir", str(out_dir), str(source)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=240)
    target = out_dir / f"{source.stem}.{kind}"
    if proc.returncode != 0 or not target.is_file():
        sys.exit(f"错误：LibreOffice 转换 {source.name} 为 .{kind} 失败：{proc.stderr.strip() or proc.stdout.strip()}")
    return target


# ------------------------------------------------------------------------------ README


def fmt(value: Decimal) -> str:
    return format(value.normalize(), "f")


def readme(plan: list[Inst], cities: list, panel: list[PanelInst]) -> str:
    outcome = expected_star_outcome()
    lines = [README_HEAD.format(date=EVAL_DATE.isoformat(), seed=SEED), "",
             "| 文件 | 县区 | 市级核验综合得分 | 预期结果 | 演示内容 |", "|---|---|---|---|---|"]
    for inst in plan:
        shows = inst.shows or "正常申报"
        if inst.code in outcome:
            zone, rank, star = outcome[inst.code]
            result = f"{zone}片区第 {rank} 名，{star}"
        elif inst.error or inst.duplicate:
            result = "表格有错误，不参加评定"
        else:
            result = "未达评定条件"
        for name in inst.files:
            lines.append(f"| {name} | {inst.district} | {fmt(card_total(inst))} | {result} | {shows} |")
    lines += [f"| ~${plan[0].files[0]} | — | — | 自动跳过 | Excel/WPS 打开表格时产生的临时锁定文件，工具不读取 |",
              "| 误放的文件.pdf | — | — | 无法读取 | 不是表格文件（PDF），校验报告中列出 |", ""]
    lines += _star_summary(plan, outcome)
    lines += ["", *_panel_readme(panel)]
    lines += ["", README_CITY_HEAD, "",
              "| 文件 | 城市 | 每千人口托位数 | 县级中心覆盖率 | 备案率 | 入托率 | 评估得分（核算） | 预期排名 | 演示内容 |",
              "|---|---|---|---|---|---|---|---|---|"]
    all_figures = {c["city"]: c["figures"] for c in cities}
    totals = expected_city_totals(cities)
    ranks = {c: 1 + sum(1 for t in totals.values() if t > totals[c]) for c in totals}
    for c in cities:
        name, city, f = c["file"], c["city"], c["figures"]
        rates = [city_rate(f, i) for i in CITY.items if i.rule == COMPARATIVE]
        shown = " | ".join(f"{float(r):.2f}" for r in rates)
        note = ("第1项自评、评估均填 8 分，但每千人口托位数低于全区平均水平，工具按 0 分核算并给出警告"
                if city == MISTYPED_CITY[0] else "正常填报")
        lines.append(f"| {name} | {city} | {shown} | {fmt(totals[city])} | 第 {ranks[city]} 名 | {note} |")
    pooled = city_averages(all_figures)
    avg = "；".join(f"第{c}项 {float(p):.2f}" for c, (p, _) in pooled.items())
    lines += ["", f"全区平均水平（14市合计：Σ分子 ÷ Σ分母）：{avg}。各市的比率都明显高于或低于平均水平，"
              "按“各市比率的算术平均”计算也得到相同的高低结论。", "",
              "## history/", "", "`历史评定.xlsx`（表头与 `tuoyu template history` 一致）：", ""]
    for inst in plan:
        for star, day, status in inst.history:
            lines.append(f"- {inst.name}：{star}，{day.isoformat()}，{status}")
    lines += ["- 另有 2 家不在样例中的机构的有效记录（柳州市柳北区晨光托育中心、柳州市城中区馨苗托育园）。", ""]
    return "\n".join(lines)


def _panel_readme(panel: list[PanelInst]) -> list[str]:
    outcome = expected_panel_outcome(panel)
    who = "、".join(PANEL_ASSESSORS)
    lines = [README_PANEL_HEAD.format(n=len(panel), who=who, files=sum(len(p.files) for p in panel),
                                     date=EVAL_DATE.isoformat()), "",
             f"| 机构 | 县区 | {' | '.join(PANEL_ASSESSORS)} | 平均后综合得分 | 预期结果（--panel） | 说明 |",
             "|---|---|" + "---|" * len(PANEL_ASSESSORS) + "---|---|---|"]
    for p in panel:
        zone, rank, star, total = outcome[p.inst.code]
        own = " | ".join(fmt(assessor_total(p, w)) for w in PANEL_ASSESSORS)
        notes = []
        if p.inst.no_meals:
            notes.append("不供餐：1-05、4-07、4-09 三人都填“不适用”，按应得分折算")
        if p.wide:
            item = STAR.item_by_code[p.wide]
            values = "、".join(fmt(p.scores[w]["city"][p.wide]) for w in PANEL_ASSESSORS)
            notes.append(f"{p.wide}（{fmt(item.points)} 分）三人评 {values} 分，相差超过一半，“评分人明细”中标出")
        lines.append(f"| {p.inst.name} | {p.inst.district} | {own} | {fmt(total)} | {zone}片区第 {rank} 名，{star} | "
                     f"{'；'.join(notes) or '—'} |")
    lines += ["", "预期结果（加 `--panel`，市级核验，评定日期 " + EVAL_DATE.isoformat() + "）：", ""]
    for zone in STAR.star.zones:
        mine = [v for v in outcome.values() if v[0] == zone.name]
        counts = "，".join(f"{s} {sum(1 for v in mine if v[2] == s)} 家" for s in (*reversed(STAR.star.stars), NO_STAR))
        lines.append(f"- {zone.name}片区（名额 {zone.quota} 家）：参加排名 {len(mine)} 家；{counts}；没有并列（待裁定 0 家）。")
    lines += [f"- {len(panel)} 家机构各由 {len(PANEL_ASSESSORS)} 位评分人评分，全部符合评定条件；"
              f"“评分人明细”中标出差异较大的项目 {sum(1 for p in panel if p.wide)} 家。",
              f"- 不加 `--panel`：同一机构的 {len(PANEL_ASSESSORS)} 份表格按“机构重复提交”报错，"
              f"{sum(len(p.files) for p in panel)} 份都不参加评定。"]
    return lines


def expected_city_totals(cities: list[dict] | None = None) -> dict[str, Decimal]:
    """City -> 评估得分 as the tool should compute it (computed items from the figures, not as typed)."""
    cities = cities if cities is not None else city_plan()
    averages = city_averages({c["city"]: c["figures"] for c in cities})
    out = {}
    for c in cities:
        review = c["scores"]["review"]
        out[c["city"]] = sum((computed_points(i, c["city"], c["figures"], averages) if i.computed
                              else review[i.code] for i in CITY.items), D(0))
    return out


def _star_summary(plan: list[Inst], outcome: dict) -> list[str]:
    lines = ["### 各县区表格数", "", "| 县区 | 片区 | 机构数 | 表格数 |", "|---|---|---|---|"]
    for district in STAR.star.districts:
        mine = [i for i in plan if i.district == district]
        lines.append(f"| {district} | {STAR.star.zone_of[district]} | {len(mine)} | {sum(len(i.files) for i in mine)} |")
    lines += ["", "### 预期星级评定结果（市级核验，评定日期 " + EVAL_DATE.isoformat() + "，使用 history/历史评定.xlsx）", ""]
    for zone in STAR.star.zones:
        mine = [v for k, v in outcome.items() if v[0] == zone.name]
        counts = "，".join(f"{s} {sum(1 for v in mine if v[2] == s)} 家"
                          for s in (*reversed(STAR.star.stars), NO_STAR, PENDING))
        lines.append(f"- {zone.name}片区（名额 {zone.quota} 家）：参加排名 {len(mine)} 家；{counts}。")
    lines.append("- 城区的一星级多出 1 家：第 6 名按排名应为二星级，因定级不满一年保持一星级（历史记录）。")
    errors = sum(len(i.files) for i in plan if i.error or i.duplicate)
    lines.append(f"- 不参加评定的表格 {errors} 份（错误示例 {sum(1 for i in plan if i.error)} 份、重复提交 2 份），"
                 f"另有 1 个 PDF 无法读取；未达评定条件 {sum(1 for i in plan if i.reason)} 家。")
    return lines


README_HEAD = """# 样例数据

这些表格用于演示和测试（`tuoyu demo` 会读取它们），全部为虚构数据：机构名称、人员、电话均为编造，
统一社会信用代码按 GB 32100 规则生成（校验位正确，但不对应任何真实单位）。

- **评定日期固定为 {date}**：样例中与日期有关的内容（运营是否满一年、定级是否满一年、复审是否到期、
  日期是否晚于评定日期）都以这一天为准。演示和测试都使用这个日期，不使用“今天”。
- 由 `scripts/make_samples.py` 生成（固定随机种子 {seed}），可随时重新生成：
  `.venv/bin/python scripts/make_samples.py`（会删除并重写 `star/`、`city/`、`history/`、`panel/` 和本文件）。
  .xls 和 .ods 两个文件由 LibreOffice 转换得到，需要安装 LibreOffice。
- 每份表格都是先生成空白模板，再像填表人一样填写：自评、县级初评、市级核验三列都已填写，
  通常 自评 ≥ 初评 ≥ 核验；每个失分项都写了扣分说明。

## star/ 星级评定（柳州市，十个县区）"""

README_PANEL_HEAD = """## panel/ 多人评分（柳州市，{n} 家机构 × 3 位评分人）

市级核验由评分组 {who} 三人分别评分（见主 README“多人评分”）：每家机构 3 份表格，文件名写明评分人
（`机构名称_评分人韦海燕.xlsx`），共 {files} 份。同一机构的 3 份申报表、自评和县级初评得分完全相同；市级核验一列
各人分别打分（每项偶尔相差 0.5～2 分），并在评分表最下方“评分人”行写明姓名；必备条件三人都为“符合”，
“不适用”三人一致。运行：`tuoyu star samples/panel --stage city --panel --date {date}`（`tuoyu demo` 也运行这一步）。

下表三位评分人的分数为各人的合计（综合得分）；平均后综合得分＝每项三人平均、保留 2 位小数（四舍五入）后相加
（不供餐的机构再按应得分折算），不是三人合计的平均。"""

README_CITY_HEAD = """## city/ 示范城市创建评分（广西 14 个设区市）

每个城市一份，“自评得分”和“评估得分”两列都已填写，基础数据为虚构但量级合理的数字。
下表比率依次为：每千人口托位数（个）、县级指导中心覆盖率（%）、托育机构备案率（%）、婴幼儿入托率（%）。"""


# ------------------------------------------------------------------------------ main


def main(out_root: Path | str = ROOT / "samples") -> dict:
    """Delete and rewrite out_root/star, city, history, panel and out_root/README.md; return what was made."""
    out_root = Path(out_root)
    soffice = soffice_path()
    rng, plan = make_plan()
    for sub in ("star", "city", "history", "panel"):
        shutil.rmtree(out_root / sub, ignore_errors=True)
    out_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tuoyu-templates-") as tmp:
        star_template = write_template(STAR, Path(tmp))
        city_template = write_template(CITY, Path(tmp))
        write_star(out_root / "star", star_template, rng, plan, soffice)
        cities = city_plan()
        write_city(out_root / "city", city_template, cities, soffice)
        panel = panel_plan()
        write_panel(out_root / "panel", star_template, panel)
    write_history(out_root / "history", plan)
    (out_root / "README.md").write_text(readme(plan, cities, panel) + "\n", encoding="utf-8")
    return {"plan": plan, "cities": cities, "panel": panel}


if __name__ == "__main__":
    made = main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "samples")
    files = sum(len(i.files) for i in made["plan"])
    print(f"samples: {files} star workbooks, {len(made['cities'])} city workbooks, 1 history workbook, "
          f"{sum(len(p.files) for p in made['panel'])} panel workbooks")

"""The shipped city rubric (guangxi_demo_city) against the seed text.

Source: 广西开展全国婴幼儿照护服务示范城市创建活动评分细则 — six parts, 33 numbered
items, 100 points. An item with several scored clauses is split into sub-criteria
"N.1", "N.2", … in the order written; ``content`` is the seed's clause verbatim.
"""

from decimal import Decimal

import pytest

from tuoyu_excel.intake.rubric_file import load_rubric
from tuoyu_excel.spec.model import ALL_OR_NOTHING, COMPARATIVE, PER_UNIT


@pytest.fixture(scope="module")
def rubric():
    return load_rubric("guangxi_demo_city")


# 项目 / 分值 column of the seed: “一、核心指标 22”, “二、党政责任 12”, “三、政策体系 20”,
# “四、服务供给 20”, “五、创新融合 14”, “六、监管服务 12”, “合计 100分”.
PARTS = [
    ("1", "一、核心指标", 22),
    ("2", "二、党政责任", 12),
    ("3", "三、政策体系", 20),
    ("4", "四、服务供给", 20),
    ("5", "五、创新融合", 14),
    ("6", "六、监管服务", 12),
]

# Every sub-criterion: (code, part, points, the seed's sentence for it, verbatim).
# A clause that ends in “；” in the seed is cut before the “；”.
ITEMS = [
    ("1", "1", 8, "每千人口拥有3岁以下婴幼儿托位数高于全区平均水平得8分，否则不得分。"),
    ("2.1", "1", 3, "市级婴幼儿照护服务指导中心建成的得3分，否则不得分"),
    ("2.2", "1", 3, "辖区内已建成的县级婴幼儿照护服务指导中心覆盖率高于全区平均水平得3分，否则不得分。"),
    ("3.1", "1", 3, "将婴幼儿照护服务纳入本级为民办实事工程的得3分，否则不得分"),
    ("3.2", "1", 5, "规范做好已注册登记托育机构的备案审核，托育机构注册登记后备案率高于全区平均水平得5分，否则不得分。"),
    ("4.1", "2", 3, "市本级及所辖县（市、区）均出台婴幼儿照护服务发展联席会议制度的得3分，每少1个县（市、区）未出台的扣1分，扣完为止。"),
    ("4.2", "2", 2, "每年至少召开1次以上联席会议，有会议纪要和研究内容的得2分，否则不得分。"),
    ("5", "2", 3, "本级财政安排有婴幼儿照护服务发展预算经费，投入足额到位，管理规范的得3分，否则不得分。"),
    ("6", "2", 2, "市、县（市、区）卫生健康行政部门均落实专人具体负责本辖区托育机构行业管理等工作的得2分，否则不得分。"),
    ("7", "2", 2, "市级卫生健康、发展改革部门联合出台本级《关于创建全国婴幼儿照护服务示范城市的实施方案》，成立相关领导小组，"
                  "明确相关部门责任，并深入开展创建活动的得2分，否则不得分。"),
    ("8", "3", 2, "将婴幼儿照护服务纳入国民经济和社会发展规划，制定“十四五”托育服务体系建设专项规划或实施方案，"
                  "明确托育服务体系建设目标、建设任务、资金来源和运营方式等得2分，否则不得分。"),
    ("9", "3", 2, "支持辖区内国有企业利用存量低效用地和闲置物业等开展托育服务，辖区内国有投资平台公司投资建设有托育机构的得2分，否则不得分。"),
    ("10.1", "3", 2, "支持将各类房屋和设施用于发展托育，鼓励适当放宽最长租赁期限，国企房屋租赁期限最长放宽到20年的得2分，否则不得分。"),
    ("10.2", "3", 2, "有非独立场所按照相关安全规定标准改造建设托育点并通过验收且无需变更土地和房屋性质的得2分，否则不得分。"),
    ("11", "3", 2, "市本级将婴幼儿照护服务纳入政府购买服务目录的得2分，否则不得分。"),
    ("12.1", "3", 2, "落实国家支持婴幼儿照护服务发展的有关税费优惠政策的得2分，否则不得分。"),
    ("12.2", "3", 1, "落实托育机构用水、用电，执行居民生活水价、电价政策的得1分，否则不得分。"),
    ("12.3", "3", 2, "对吸纳符合条件劳动者的托育机构按规定给予社保补贴的得2分，否则不得分。"),
    ("13", "3", 2, "支持属地高等院校和职业院校（含技工院校）开设婴幼儿发展与健康管理、婴幼儿保育等学科建设，培养托育服务专业人才的得2分，否则不得分。"),
    ("14", "3", 3, "支持保险机构开发相关责任险及托育机构运营相关保险的得3分，否则不得分。"),
    ("15", "4", 1, "全面落实产假、配偶陪产假等政策的得1分，否则不得分。"),
    ("16", "4", 2, "将婴幼儿照护纳入城乡社区服务范围，发挥基层医疗机构和妇联的优势作用，开展托育、育儿指导和养护培训等服务，"
                   "加强婴幼儿身心健康、社会交往、认知水平等方面早期发展干预的得2分，否则不得分。"),
    ("17.1", "4", 3, "新建城镇居住小区按每百户不低于20平方米的标准配套建设婴幼儿照护服务场地，将社区托育服务设施建设纳入城乡社区配套用房建设范围的得3分，否则不得分"),
    ("17.2", "4", 3, "全面落实新建住宅配套托育服务设施“四同步”制度的得3分，否则不得分。"),
    ("18", "4", 3, "在老城区和已建成居住区改造工程中，通过购置、置换、租赁等方式，按每百户不低于15平方米的标准配置托育服务设施的得3分，否则不得分。"),
    ("19", "4", 2, "支持企事业单位、社会组织或个人举办一批规范化、专业化、集团化的托育服务机构，"
                   "重点办在社区、办在学校、办在园区、办在医院等女职工密集的地方得2分，否则不得分。"),
    ("20", "4", 2, "积极推进托幼一体化建设，支持本地幼儿园开设托班的得2分，否则不得分。"),
    ("21", "4", 2, "积极争取本年度普惠托育专项行动中央预算内资金，获得支持的托育机构年内完成建设或改造，辖区内有2家以上通过备案并投入运营得2分，否则不得分。"),
    ("22", "4", 2, "婴幼儿入托率高于全区平均水平得2分，否则不得分。"),
    ("23", "5", 2, "以促进婴幼儿身心健康和安全为目标，探索“医养育结合”服务模式，群众满意度高，辖区内至少有1家机构其做法可推广、可复制的得2分，否则不得分。"),
    ("24", "5", 1, "积极开发科学育儿公益课程、父母课堂等，能提供互联网直播互动式家庭育儿服务的得1分，否则不得分。"),
    ("25", "5", 2, "市本级制定有托育机构卫生评价标准，把托育机构卫生健康管理的各项要求融入到妇幼、疾控、卫生监督等日常工作中，"
                   "落实业务指导和监督责任的得2分，否则不得分。"),
    ("26.1", "5", 2, "市本级制定有示范性托育机构评估办法，并评选一批具有示范效应的市级示范性托育机构的得2分，否则不得分。"),
    ("26.2", "5", 2, "辖区内至少有2家机构获得广西示范性托育机构的得2分，否则不得分。"),
    ("27", "5", 2, "加强公共场所母婴设施建设和改造，应配置母婴设施的公共场所建成标准化的母婴室，配置率达100%的得2分，否则不得分。"),
    ("28.1", "5", 1, "推进托育制造产业发展，培育托育服务、乳粉奶业、动画设计与制作等行业品牌的得1分，否则不得分。"),
    # the seed writes an ASCII comma and space after 管理系统; kept as written
    ("28.2", "5", 2, "利用互联网、大数据、物联网、人工智能等技术，研发应用婴幼儿照护服务信息管理系统, 推进“互联网+托育服务”的得2分，否则不得分。"),
    ("29.1", "6", 2, "建立市、县联动的托育服务综合监管制度，推进托育服务政务信息公开和机构信息公开的得2分，否则不得分。"),
    ("29.2", "6", 2, "落实卫生健康部门和各有关部门在制度建设、行业规划、行政执法等方面的监管责任，定期对托育机构开展监督检查，"
                     "积极查处托育机构违法违规行为的得2分，否则不得分。"),
    ("30.1", "6", 1, "落实县级对托育机构安全管理的主体责任，开展“双随机、一公开”监管机制，年内对每个机构至少实地巡查指导1次得1分，否则不得分。"),
    ("30.2", "6", 1, "将托育服务纳入公共安全重点保障范围，全面落实安全和健康的得1分，否则不得分。"),
    ("31.1", "6", 1, "全面落实托育机构应当向县级卫生健康部门备案的法律责任，向托育机构宣传到位的得1分，否则不得分。"),
    ("31.2", "6", 1, "能充分发挥群团组织和行业组织的作用，加强宣传教育和社会监督，托育服务行业自律好的得1分，否则不得分。"),
    ("32", "6", 2, "依法实施守信联合激励和失信联合惩戒，建立以信用为基础的新型监管机制的得2分，否则不得分。"),
    ("33", "6", 2, "本辖区内托育机构服务质量好、声誉口碑好，婴幼儿家庭满意程度高，本地区婴幼儿照护服务工作2年无违法行政案件、"
                   "无技术事故、无安全事故及信访事件，未发生涉及婴幼儿照护服务方面的负面舆情的得2分，否则不得分。"),
]

# “高于全区平均水平” items, rate = numerator / denominator × scale:
#   1   “每千人口拥有3岁以下婴幼儿托位数高于全区平均水平” → 托位数 / 常住人口 × 1000
#   2.2 “县级婴幼儿照护服务指导中心覆盖率高于全区平均水平” → 已建成指导中心的县数 / 县级行政区数 × 100
#   3.2 “托育机构注册登记后备案率高于全区平均水平”       → 已备案 / 已注册登记 × 100
#   22  “婴幼儿入托率高于全区平均水平”                   → 入托婴幼儿数 / 3岁以下婴幼儿数 × 100
COMPARATIVE_ITEMS = {
    "1": ("nursery_places", "3岁以下婴幼儿托位数（个）", "population", "常住人口（人）", 1000),
    "2.2": ("county_centers", "已建成县级婴幼儿照护服务指导中心的县（市、区）数", "county_total", "县级行政区数（个）", 100),
    "3.2": ("orgs_filed", "已备案托育机构数", "orgs_registered", "已注册登记托育机构数", 100),
    "22": ("infants_enrolled", "入托婴幼儿数（人）", "infants", "3岁以下婴幼儿数（人）", 100),
}

CITIES = ("南宁市", "柳州市", "桂林市", "梧州市", "北海市", "防城港市", "钦州市",
          "贵港市", "玉林市", "百色市", "贺州市", "河池市", "来宾市", "崇左市")


def test_header(rubric):
    assert rubric.id == "guangxi_demo_city"
    assert rubric.kind == "city"
    assert rubric.name == "广西开展全国婴幼儿照护服务示范城市创建活动评分细则"
    assert rubric.star is None
    # “合计 100分”
    assert rubric.total == Decimal(100)


def test_parts_sum_to_100(rubric):
    assert [(p.code, p.name, p.total) for p in rubric.parts] == [(c, n, Decimal(t)) for c, n, t in PARTS]
    assert not any(p.veto for p in rubric.parts)
    for part in rubric.parts:
        assert sum(i.points for i in rubric.part_items(part.code)) == part.total
    assert sum(p.total for p in rubric.parts) == Decimal(100)


def test_every_sub_criterion_with_points(rubric):
    assert [(i.code, i.part, i.points) for i in rubric.items] == [(c, p, Decimal(n)) for c, p, n, _ in ITEMS]


def test_content_is_the_seed_sentence(rubric):
    for code, _, _, sentence in ITEMS:
        item = rubric.item_by_code[code]
        assert item.content == sentence, code
        assert item.title and item.criteria, code
        # the scoring phrase is taken from the sentence itself
        assert item.criteria in item.content, code
        assert f"得{item.points}分" in item.criteria, code


def test_all_33_numbered_items_present(rubric):
    assert sorted({int(i.code.split(".")[0]) for i in rubric.items}) == list(range(1, 34))
    # an item with one criterion has a bare code; one with several has N.1, N.2, ...
    split = {"2": 2, "3": 2, "4": 2, "10": 2, "12": 3, "17": 2, "26": 2, "28": 2, "29": 2, "30": 2, "31": 2}
    for number in map(str, range(1, 34)):
        codes = [i.code for i in rubric.items if i.code.split(".")[0] == number]
        n = split.get(number, 1)
        assert codes == ([number] if n == 1 else [f"{number}.{k}" for k in range(1, n + 1)])


def test_comparative_items(rubric):
    found = {i.code for i in rubric.items if i.rule == COMPARATIVE}
    assert found == set(COMPARATIVE_ITEMS)
    for code, (num, num_label, den, den_label, scale) in COMPARATIVE_ITEMS.items():
        item = rubric.item_by_code[code]
        assert (item.numerator, item.denominator, item.scale) == (num, den, Decimal(scale))
        assert rubric.field_by_key[num].label == num_label
        assert rubric.field_by_key[den].label == den_label
        assert rubric.field_by_key[num].type == rubric.field_by_key[den].type == "int"
        assert item.criteria == f"高于全区平均水平得{item.points}分，否则不得分"
        assert item.allowed_values() == {Decimal(0), item.points}


def test_joint_meeting_per_unit(rubric):
    # 4.1 “市本级及所辖县（市、区）均出台婴幼儿照护服务发展联席会议制度的得3分，
    #      每少1个县（市、区）未出台的扣1分，扣完为止。”
    item = rubric.item_by_code["4.1"]
    assert item.rule == PER_UNIT
    assert (item.points, item.per_unit) == (Decimal(3), Decimal(1))
    assert item.unit_fields == ("counties_no_joint_meeting", "city_joint_meeting")
    assert rubric.field_by_key["counties_no_joint_meeting"].type == "int"
    assert rubric.field_by_key["counties_no_joint_meeting"].label == "未出台联席会议制度的县（市、区）数"
    assert rubric.field_by_key["city_joint_meeting"].type == "yesno"
    assert rubric.field_by_key["city_joint_meeting"].label == "市本级是否出台联席会议制度"
    assert item.allowed_values() == {Decimal(3), Decimal(2), Decimal(1), Decimal(0)}
    # the 市本级 counts as one unit (documented setting)
    assert rubric.city.city_counts_as_unit is True


def test_everything_else_all_or_nothing(rubric):
    # “……得N分，否则不得分”
    computed = set(COMPARATIVE_ITEMS) | {"4.1"}
    for item in rubric.items:
        if item.code not in computed:
            assert item.rule == ALL_OR_NOTHING, item.code
            assert item.criteria == f"得{item.points}分，否则不得分", item.code
            assert item.content.rstrip("。").endswith(f"得{item.points}分，否则不得分"), item.code
    assert {i.code for i in rubric.items if i.computed} == computed


def test_stages(rubric):
    assert [(s.key, s.label, s.header) for s in rubric.stages] == [
        ("self", "市级自评", "自评得分"),
        ("review", "评估组评估", "评估得分"),
    ]


def test_fourteen_cities(rubric):
    assert rubric.city.cities == CITIES
    assert rubric.city.name_field == "city_name"
    assert rubric.field_by_key["city_name"].label == "城市名称"
    assert rubric.field_by_key["city_name"].type == "city"


def test_form_fields(rubric):
    assert [(f.label, f.type) for f in rubric.form] == [
        ("城市名称", "city"),
        ("填报单位", "text"),
        ("联系人", "text"),
        ("联系电话", "phone"),
        ("填报日期", "date"),
        ("常住人口（人）", "int"),
        ("3岁以下婴幼儿托位数（个）", "int"),
        ("县级行政区数（个）", "int"),
        ("已建成县级婴幼儿照护服务指导中心的县（市、区）数", "int"),
        ("已注册登记托育机构数", "int"),
        ("已备案托育机构数", "int"),
        ("3岁以下婴幼儿数（人）", "int"),
        ("入托婴幼儿数（人）", "int"),
        ("市本级是否出台联席会议制度", "yesno"),
        ("未出台联席会议制度的县（市、区）数", "int"),
    ]
    assert all(f.section for f in rubric.form)
    # every raw figure says what to count
    assert all(f.hint for f in rubric.form if f.type in ("int", "yesno"))

"""Loading rubrics: the shipped star rubric as the Liuzhou plan states it, the
content hash, and one broken rubric per check (rubric_check.py) and per reader
rule (rubric_load.py).

Each broken rubric is the shipped TOML, parsed with ``tomllib``, with one thing
changed; every failure must be a ``RubricError`` naming the file and the key,
with a Chinese message.
"""

import re
import tomllib
from decimal import Decimal

import pytest

from tuoyu_excel.errors import RubricError
from tuoyu_excel.intake.rubric_file import load_rubric
from tuoyu_excel.spec.load import rubric_from_dict, shipped_path

SOURCE = "测试.toml"


def shipped_data(name: str) -> dict:
    return tomllib.loads(shipped_path(name).read_text(encoding="utf-8"))


def item(data: dict, code: str) -> dict:
    return next(t for t in data["items"] if t["code"] == code)


def field(data: dict, key: str) -> dict:
    return next(t for t in data["fields"] if t["key"] == key)


def zone(data: dict, name: str) -> dict:
    return next(z for z in data["star"]["zones"] if z["name"] == name)


def is_chinese(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None


@pytest.fixture(scope="module")
def star():
    return load_rubric("liuzhou_star")


# ---------------------------------------------------------------- the star rubric


def test_star_items_and_points(star):
    assert star.kind == "star"
    assert len(star.items) == 68
    assert len(star.veto_items) == 10
    assert len(star.scored_items) == 58
    assert star.total == Decimal(1000)
    assert sum(i.points for i in star.items) == Decimal(1000)


def test_star_core_items(star):
    # “核心指标得分不得低于80%”
    core = [i for i in star.items if i.core]
    assert len(core) == 21
    assert star.core_total == Decimal(430)
    assert all(i.scored for i in core)


def test_star_parts(star):
    # “评定内容包括必备条件、机构资质、机构设置、卫生保健、保育照护、人员管理、安全管理、机构管理共八大项内容”
    assert [p.name for p in star.parts] == ["一、必备条件", "二、机构资质", "三、机构设置", "四、卫生保健",
                                            "五、保育照护", "六、人员管理", "七、安全管理", "八、机构管理"]
    veto, *scored = star.parts
    assert veto.veto and veto.total == 0
    assert [p.total for p in scored] == [Decimal(n) for n in (60, 140, 200, 200, 140, 180, 80)]
    assert {i.code for i in star.part_items(veto.code)} == {i.code for i in star.veto_items}


def test_star_not_applicable(star):
    assert star.item_by_code["1-05"].allow_na
    assert not star.item_by_code["1-01"].allow_na


def test_star_settings(star):
    s = star.star
    # “评估分数达到750分(含)以上，核心指标得分不得低于80%”
    assert s.pass_mark == Decimal(750)
    assert s.core_rate == Decimal("0.8")
    # “在县区卫生健康局备案，且连续运营满一年以上”
    assert s.min_operation_years == 1
    # “从低到高分别为一星级、二星级、三星级”
    assert s.stars == ("一星级", "二星级", "三星级")
    # “综合评分相同的机构，核心指标得分高的排名在前”
    assert s.tie_break == ("total", "core")
    # “每3年复审1次”；“已定级的托育机构1年后方可申报高一等级的评审”
    assert (s.review_years, s.rerate_wait_years) == (3, 1)
    # “经各县区卫生健康局认定为普惠托育机构，并执行政府指导价”
    assert s.required_yes == ("is_puhui", "gov_price")


def _bands(z):
    return [(b.star, b.rank_from, b.rank_to) for b in z.bands]


def test_star_zone_urban(star):
    # “柳北区、城中区、鱼峰区、柳南区及柳江区：每年共评定星级机构不超过18家，其中一星级机构9家、
    #  二星级机构6家、三星级机构3家。……综合评分排名1-3名为三星级机构，综合评分排名4-9名为二星级机构，
    #  综合评分排名10-18名为一星级机构。”
    z = star.star.zones[0]
    assert z.name == "城区"
    assert set(z.districts) == {"柳北区", "城中区", "鱼峰区", "柳南区", "柳江区"}
    assert (z.quota, z.award) == (18, "rank")
    assert _bands(z) == [("三星级", 1, 3), ("二星级", 4, 9), ("一星级", 10, 18)]
    assert {b.star: b.rank_to - b.rank_from + 1 for b in z.bands} == {"一星级": 9, "二星级": 6, "三星级": 3}


def test_star_zone_counties(star):
    # “柳城、鹿寨、融安、融水及三江县：每年共评定星级机构不超过12家，其中一星级机构6家、二星级机构4家、
    #  三星级机构2家。……综合评分排名1-2名为三星级机构，综合评分排名3-6名为二星级机构，
    #  综合评分排名7-12名为一星级机构。”
    z = star.star.zones[1]
    assert z.name == "县"
    assert set(z.districts) == {"柳城县", "鹿寨县", "融安县", "融水苗族自治县", "三江侗族自治县"}
    assert (z.quota, z.award) == (12, "rank")
    assert _bands(z) == [("三星级", 1, 2), ("二星级", 3, 6), ("一星级", 7, 12)]
    assert {b.star: b.rank_to - b.rank_from + 1 for b in z.bands} == {"一星级": 6, "二星级": 4, "三星级": 2}


def test_star_total_quota(star):
    # “全市每年共评定星级机构不超过30家”
    assert len(star.star.zones) == 2
    assert sum(z.quota for z in star.star.zones) == 30
    assert len(star.star.districts) == 10  # “五城区及五县”


def test_load_by_path(star):
    again = load_rubric(shipped_path("liuzhou_star"))
    assert again == star
    assert again.source == "liuzhou_star.toml"


# ---------------------------------------------------------------- content hash


def test_content_hash_is_stable(star):
    assert re.fullmatch(r"[0-9a-f]{16}", star.content_hash)
    assert load_rubric("liuzhou_star").content_hash == star.content_hash
    data = shipped_data("liuzhou_star")
    # the hash is of the content, not of where it was loaded from
    assert rubric_from_dict(data, "a.toml").content_hash == rubric_from_dict(data, "b.toml").content_hash
    assert rubric_from_dict(data, "a.toml").content_hash == star.content_hash


def test_content_hash_changes_with_points(star):
    data = shipped_data("liuzhou_star")
    item(data, "2-01")["points"] = 13
    data["parts"][1]["total"] = 63
    data["rubric"]["total"] = 1003
    changed = rubric_from_dict(data, SOURCE)
    assert changed.item_by_code["2-01"].points == Decimal(13)
    assert changed.content_hash != star.content_hash


def test_content_hash_changes_with_text(star):
    data = shipped_data("liuzhou_star")
    item(data, "2-01")["criteria"] += "。"
    assert rubric_from_dict(data, SOURCE).content_hash != star.content_hash


# ---------------------------------------------------------------- one broken rubric per check

STAR, CITY = "liuzhou_star", "guangxi_demo_city"


def _set_bands(data, name, bands):
    zone(data, name)["bands"] = bands


BROKEN = [
    # rubric_check._unique_codes
    pytest.param(STAR, lambda d: item(d, "2-02").update(code="2-01"), "items", "2-01", id="duplicate-item-code"),
    pytest.param(STAR, lambda d: d["parts"][2].update(code="2"), "parts", "2", id="duplicate-part-code"),
    pytest.param(STAR, lambda d: field(d, "address").update(key="name"), "fields", "name", id="duplicate-field-key"),
    pytest.param(STAR, lambda d: field(d, "address").update(label="机构名称"), "fields", "机构名称",
                 id="duplicate-field-label"),
    # rubric_check._parts_known
    pytest.param(STAR, lambda d: item(d, "2-01").update(part="9"), "items[编号=2-01].part", "“9”不存在",
                 id="unknown-part"),
    # rubric_check._item_rules
    pytest.param(STAR, lambda d: item(d, "2-01").update(rule="bonus"), "items[编号=2-01].rule", "“bonus”未知",
                 id="unknown-rule-kind"),
    pytest.param(STAR, lambda d: item(d, "2-01").update(rule="comparative"), "items[编号=2-01].rule", "未知",
                 id="city-rule-in-star-rubric"),
    pytest.param(STAR, lambda d: item(d, "2-01").update(rule="pass_fail"), "items[编号=2-01]", "pass_fail",
                 id="pass-fail-on-scored-item"),
    pytest.param(STAR, lambda d: item(d, "1-01").update(part="2"), "items[编号=1-01].part", "必备条件",
                 id="veto-item-in-scored-part"),
    pytest.param(STAR, lambda d: item(d, "1-01").update(points=5), "items[编号=1-01].points", "分值应为 0",
                 id="veto-item-with-points"),
    pytest.param(STAR, lambda d: item(d, "2-01").update(points=0), "items[编号=2-01].points", "应大于 0",
                 id="scored-item-without-points"),
    # rubric_check._rule_parameters
    pytest.param(STAR, lambda d: item(d, "2-01").pop("steps"), "items[编号=2-01].steps", "steps",
                 id="deduction-without-steps"),
    pytest.param(STAR, lambda d: item(d, "2-01").update(steps=[11]), "items[编号=2-01].steps", "不超过分值",
                 id="deduction-step-over-points"),
    pytest.param(STAR, lambda d: item(d, "2-03").update(steps=[3]), "items[编号=2-03].steps", "整数倍",
                 id="graded-step-not-dividing-points"),
    pytest.param(STAR, lambda d: item(d, "2-03").update(steps=[0.5, 1]), "items[编号=2-03].steps", "只能有一个",
                 id="graded-two-steps"),
    pytest.param(CITY, lambda d: item(d, "1").update(numerator="托位数"), "items[编号=1].numerator", "“托位数”不存在",
                 id="comparative-numerator-not-a-field"),
    pytest.param(CITY, lambda d: item(d, "22").pop("denominator"), "items[编号=22].denominator", "分母",
                 id="comparative-without-denominator"),
    pytest.param(CITY, lambda d: item(d, "2.2").update(scale=0), "items[编号=2.2].scale", "大于 0",
                 id="comparative-zero-scale"),
    pytest.param(CITY, lambda d: item(d, "4.1").pop("unit_fields"), "items[编号=4.1]", "unit_fields",
                 id="per-unit-without-unit-fields"),
    pytest.param(CITY, lambda d: item(d, "4.1").pop("per_unit"), "items[编号=4.1]", "per_unit",
                 id="per-unit-without-per-unit"),
    pytest.param(CITY, lambda d: item(d, "4.1").update(unit_fields=["县数"]), "items[编号=4.1].unit_fields",
                 "“县数”不存在", id="per-unit-field-not-a-field"),
    # rubric_check._sums
    pytest.param(STAR, lambda d: d["parts"].append({"code": "9", "name": "九、其他", "total": 0}), "parts[编号=9]",
                 "没有任何评分项", id="part-without-items"),
    pytest.param(STAR, lambda d: d["parts"][1].update(total=70), "parts[编号=2].total", "相加为 60",
                 id="part-sum-wrong"),
    pytest.param(STAR, lambda d: d["rubric"].update(total=999), "rubric.total", "相加为 1000", id="total-wrong"),
    pytest.param(CITY, lambda d: d["parts"][0].update(total=20), "parts[编号=1].total", "相加为 22",
                 id="city-part-sum-wrong"),
    # rubric_check._core_flags
    pytest.param(STAR, lambda d: item(d, "1-01").update(core=True), "items[编号=1-01].core", "核心指标",
                 id="core-flag-on-veto-item"),
    # rubric_check._form_fields
    pytest.param(STAR, lambda d: field(d, "capacity").update(type="integer"), "fields[key=capacity].type",
                 "“integer”未知", id="unknown-field-type"),
    pytest.param(STAR, lambda d: field(d, "meals").pop("choices"), "fields[key=meals].choices", "可选值",
                 id="choice-without-choices"),
    # rubric_check._stages
    pytest.param(STAR, lambda d: d.update(stages=[]), "stages", "至少", id="no-stage"),
    pytest.param(STAR, lambda d: d["stages"][1].update(key="self"), "stages.key", "self", id="duplicate-stage"),
    pytest.param(STAR, lambda d: d["stages"][1].update(header="自评得分"), "stages.header", "自评得分",
                 id="duplicate-stage-header"),
    # rubric_check._star_settings
    pytest.param(STAR, lambda d: d["star"].update(core_rate=80), "star.core_rate", "0 到 1", id="bad-core-rate"),
    pytest.param(STAR, lambda d: d["star"].update(core_rate=0), "star.core_rate", "0 到 1", id="zero-core-rate"),
    pytest.param(STAR, lambda d: d["star"].update(pass_mark=1001), "star.pass_mark", "超过了总分",
                 id="pass-mark-over-total"),
    pytest.param(STAR, lambda d: d["star"]["required_yes"].append("is_public"), "star.required_yes", "“is_public”不存在",
                 id="star-refers-to-unknown-field"),
    pytest.param(STAR, lambda d: d["star"].update(tie_break=["core", "total"]), "star.tie_break", "排序依据",
                 id="bad-tie-break"),
    pytest.param(STAR, lambda d: zone(d, "城区")["districts"].append("柳城县"), "star.zones[name=县].districts", "柳城县",
                 id="district-in-two-zones"),
    pytest.param(STAR, lambda d: zone(d, "县").update(name="城区"), "star.zones", "名称重复", id="duplicate-zone-name"),
    # rubric_check._zone_bands
    pytest.param(STAR, lambda d: zone(d, "城区").update(districts=[]), "star.zones[name=城区].districts", "至少",
                 id="zone-without-districts"),
    pytest.param(STAR, lambda d: zone(d, "城区").update(bands=[]), "star.zones[name=城区].bands", "至少",
                 id="zone-without-bands"),
    pytest.param(STAR, lambda d: zone(d, "城区")["bands"][0].update(star="四星级"), "star.zones[name=城区].bands[1].star",
                 "“四星级”不在", id="unknown-star-in-band"),
    pytest.param(STAR, lambda d: zone(d, "城区")["bands"][1].update(star="三星级"), "star.zones[name=城区].bands",
                 "两次", id="same-star-twice-in-zone"),
    pytest.param(STAR, lambda d: zone(d, "城区")["bands"][1].update(ranks=[5, 9]), "star.zones[name=城区].bands[2].ranks",
                 "应从第 4 名开始", id="zone-bands-with-gap"),
    pytest.param(STAR, lambda d: zone(d, "县")["bands"][1].update(ranks=[2, 6]), "star.zones[name=县].bands[2].ranks",
                 "应从第 3 名开始", id="overlapping-bands"),
    pytest.param(STAR, lambda d: zone(d, "城区").update(quota=17), "star.zones[name=城区].quota", "第 18 名",
                 id="quota-inconsistent-with-bands"),
    pytest.param(STAR, lambda d: _set_bands(d, "城区", [{"star": "一星级", "ranks": [1, 3]},
                                                        {"star": "二星级", "ranks": [4, 9]},
                                                        {"star": "三星级", "ranks": [10, 18]}]),
                 "star.zones[name=城区].bands", "最高星级", id="bands-lowest-star-first"),
    pytest.param(STAR, lambda d: zone(d, "城区").update(award="score", bands=[{"star": "三星级", "min_score": 850},
                                                                              {"star": "二星级", "min_score": 900}]),
                 "star.zones[name=城区].bands[2].min_score", "从高到低", id="score-bands-not-descending"),
    # rubric_check._city_settings
    pytest.param(CITY, lambda d: d["city"].update(name_field="城市"), "city.name_field", "“城市”不存在",
                 id="city-name-field-unknown"),
    pytest.param(CITY, lambda d: d["city"].update(cities=[]), "city.cities", "不能为空", id="no-cities"),
    pytest.param(CITY, lambda d: d["city"]["cities"].append("南宁市"), "city.cities", "不能重复",
                 id="duplicate-city"),
    # rubric_load._Reader: missing keys
    pytest.param(STAR, lambda d: item(d, "2-01").pop("title"), "items[编号=2-01].title", "缺少",
                 id="missing-item-title"),
    pytest.param(STAR, lambda d: d["items"][10].pop("code"), "items[11].code", "缺少", id="missing-item-code"),
    pytest.param(STAR, lambda d: d["rubric"].pop("id"), "rubric.id", "缺少", id="missing-rubric-id"),
    pytest.param(STAR, lambda d: d.pop("star"), "(顶层).star", "缺少", id="missing-star-table"),
    pytest.param(CITY, lambda d: d["city"].pop("name_field"), "city.name_field", "缺少", id="missing-city-name-field"),
    pytest.param(STAR, lambda d: zone(d, "城区")["bands"][0].pop("star"), "star.zones[name=城区].bands[1].star",
                 "缺少", id="missing-band-star"),
    # rubric_load._Reader: wrong value types
    pytest.param(STAR, lambda d: item(d, "2-01").update(points="十"), "items[编号=2-01].points", "“十”不是数字",
                 id="points-not-a-number"),
    pytest.param(STAR, lambda d: item(d, "2-01").update(points=True), "items[编号=2-01].points", "应为数字",
                 id="points-bool"),
    pytest.param(STAR, lambda d: item(d, "2-01").update(points=-10), "items[编号=2-01].points", "不小于 0",
                 id="points-negative"),
    pytest.param(STAR, lambda d: item(d, "2-01").update(points="nan"), "items[编号=2-01].points", "不小于 0",
                 id="points-nan"),
    pytest.param(STAR, lambda d: item(d, "2-01").update(steps=3), "items[编号=2-01].steps", "应为列表",
                 id="steps-not-a-list"),
    pytest.param(STAR, lambda d: item(d, "2-01").update(steps=["三"]), "items[编号=2-01].steps", "“三”不是数字",
                 id="step-not-a-number"),
    pytest.param(STAR, lambda d: item(d, "2-01").update(core="是"), "items[编号=2-01].core", "true 或 false",
                 id="flag-not-bool"),
    pytest.param(STAR, lambda d: item(d, "2-01").update(title=5), "items[编号=2-01].title", "非空文字",
                 id="title-not-text"),
    pytest.param(STAR, lambda d: item(d, "2-01").update(title="  "), "items[编号=2-01].title", "非空文字",
                 id="title-blank"),
    pytest.param(STAR, lambda d: d["rubric"].update(kind="county"), "rubric.kind", "“county”不是可选值",
                 id="unknown-rubric-kind"),
    pytest.param(STAR, lambda d: d["star"].update(core_rate_reading="average"), "star.core_rate_reading",
                 "不是可选值", id="unknown-core-rate-reading"),
    pytest.param(STAR, lambda d: d["star"].update(min_operation_years=True), "star.min_operation_years", "整数",
                 id="years-bool"),
    pytest.param(STAR, lambda d: zone(d, "城区").update(quota=-1), "star.zones[name=城区].quota", "整数",
                 id="quota-negative"),
    pytest.param(STAR, lambda d: zone(d, "城区").update(quota=1.5), "star.zones[name=城区].quota", "整数",
                 id="quota-not-integer"),
    pytest.param(STAR, lambda d: zone(d, "城区").update(award="lottery"), "star.zones[name=城区].award",
                 "不是可选值", id="unknown-award"),
    pytest.param(STAR, lambda d: zone(d, "城区")["bands"].__setitem__(0, "三星级"), "star.zones[name=城区].bands[1]",
                 "{ star", id="band-not-a-table"),
    pytest.param(STAR, lambda d: zone(d, "城区")["bands"][0].update(ranks=[1]), "star.zones[name=城区].bands[1].ranks",
                 "两个整数", id="ranks-not-a-pair"),
    pytest.param(STAR, lambda d: d.update(rubric="liuzhou_star"), "rubric", "应为表", id="rubric-not-a-table"),
    pytest.param(STAR, lambda d: d.update(items={"code": "2-01"}), "items", "表数组", id="items-not-an-array"),
    pytest.param(CITY, lambda d: d["city"].update(city_counts_as_unit="是"), "city.city_counts_as_unit",
                 "true 或 false", id="city-flag-not-bool"),
]


@pytest.mark.parametrize(("name", "mutate", "key", "fragment"), BROKEN)
def test_broken_rubric(name, mutate, key, fragment):
    data = shipped_data(name)
    rubric_from_dict(shipped_data(name), SOURCE)  # the unbroken text loads
    mutate(data)
    with pytest.raises(RubricError) as info:
        rubric_from_dict(data, SOURCE)
    err = info.value
    assert err.source == SOURCE
    assert err.key == key
    assert fragment in err.message
    assert is_chinese(err.message)
    assert str(err) == f"规则文件 {SOURCE} 的 {key}：{err.message}"


def test_rubric_error_is_a_value_error():
    with pytest.raises(ValueError):
        rubric_from_dict({}, SOURCE)


# ---------------------------------------------------------------- reading files


def test_invalid_toml_syntax(tmp_path):
    path = tmp_path / SOURCE
    path.write_text('[rubric]\nid = "liuzhou_star\nkind = "star"\n', encoding="utf-8")
    with pytest.raises(RubricError) as info:
        load_rubric(path)
    assert info.value.source == SOURCE
    assert info.value.key == "格式"
    assert "不是有效的 TOML" in info.value.message


def test_missing_file(tmp_path):
    path = tmp_path / "没有这个文件.toml"
    with pytest.raises(RubricError) as info:
        load_rubric(path)
    assert info.value.source == str(path)
    assert info.value.key == "文件"
    assert "找不到规则文件" in info.value.message
    assert "liuzhou_star" in info.value.message


def test_file_not_utf8(tmp_path):
    path = tmp_path / SOURCE
    path.write_bytes(shipped_path("liuzhou_star").read_text(encoding="utf-8").encode("gbk"))
    with pytest.raises(RubricError) as info:
        load_rubric(path)
    assert (info.value.source, info.value.key) == (SOURCE, "文件")
    assert "无法读取" in info.value.message


def test_edited_copy_loads_from_path(tmp_path):
    # an official's edited copy, saved with a BOM by Notepad, loads and names its file
    path = tmp_path / SOURCE
    path.write_text(shipped_path("guangxi_demo_city").read_text(encoding="utf-8"), encoding="utf-8-sig")
    rubric = load_rubric(path)
    assert rubric.source == SOURCE
    assert rubric == load_rubric("guangxi_demo_city")

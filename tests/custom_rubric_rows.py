"""A different rubric, typed into Excel as an official would: 东河市 stars by score bands.

Two zones (东区: 甲区、乙区, no quota; 西区: 丙县, at most 2 stars), 4 parts of 250 points, 20 items
of 50 points (1000 in all), pass mark 600, stars 三星级 < 四星级 < 五星级 given by 综合得分
(≥ 900 五星级, ≥ 800 四星级, ≥ 700 三星级) instead of by rank within a quota.

    from custom_rubric_rows import CUSTOM_ROWS, write_book
    path = write_book(tmp_path / "东河规则.xlsx", CUSTOM_ROWS)

Rows are literal, sheet by sheet; the comments give the Excel row numbers tests point at.
"""

from __future__ import annotations

import copy
from pathlib import Path

import openpyxl

ITEM_HEADER = ["编号", "部分", "项目", "评估内容", "评分标准", "分值", "核心指标", "否决项", "计分方式", "步长",
               "可不适用", "评估方式", "佐证材料"]


def _part_items(part: str, titles: list[str]) -> list[list]:
    """Five 50-point items: x-01 core and graded by 1, x-02 graded by 0.5, x-03 deduction 5/10,
    x-04 all or nothing, x-05 graded by 1."""
    kinds = [("★", "酌情评分", 1), ("", "酌情评分", 0.5), ("", "按固定分数扣分", "5、10"), ("", "全有或全无", ""),
             ("", "酌情评分", 1)]
    return [[f"{part}-0{n}", part, title, f"{title}符合要求。", "按要求酌情评分。", 50, core, "", rule, step, "否",
             "查阅资料", "相关记录"]
            for n, (title, (core, rule, step)) in enumerate(zip(titles, kinds, strict=True), start=1)]


ITEMS = [ITEM_HEADER,                                                                         # row 1
         *_part_items("1", ["场地设施", "环境创设", "证照公示", "消防验收", "玩具图书"]),          # rows 2-6
         *_part_items("2", ["一日生活", "回应照护", "户外活动", "入托适应", "家园共育"]),          # rows 7-11
         *_part_items("3", ["晨午检", "卫生消毒", "膳食营养", "食品留样", "安全管理"]),           # rows 12-16
         *_part_items("4", ["负责人资质", "人员配比", "人员培训", "健康检查", "档案管理"])]       # rows 17-21

PARTS = [["编号", "名称", "满分", "必备条件部分"],
         ["1", "一、基础条件", 250, ""],  # row 2
         ["2", "二、保育照护", 250, ""],  # row 3
         ["3", "三、卫生安全", 250, ""],  # row 4
         ["4", "四、队伍管理", 250, ""]]  # row 5

SETTINGS = [
    ["【基本信息】"],                                                        # row 1
    ["项目", "内容", "说明"],                                                 # row 2
    ["规则编号", "donghe_star"],                                             # row 3
    ["类型", "星级评定"],                                                     # row 4
    ["名称", "东河市托育机构星级评定评分表"],                                     # row 5
    ["版本", "2027.1"],                                                      # row 6
    ["总分", 1000],                                                          # row 7
    ["合格分", 600],                                                         # row 8
    ["核心指标得分率", 0.8],                                                   # row 9
    ["核心指标得分率口径", "合计"],                                             # row 10
    ["连续运营年限", 1],                                                      # row 11
    ["星级（从低到高）", "三星级、四星级、五星级"],                                # row 12
    ["排序依据", "综合得分、核心指标得分"],                                       # row 13
    ["须为“是”的申报项", "is_puhui、gov_price"],                               # row 14
    ["须为“否”的声明项", "decl_credit、decl_abuse、decl_accident、decl_dispute"],  # row 15
    ["备案日期字段", "filing_date"],                                          # row 16
    ["开始收托日期字段", "start_date"],                                        # row 17
    ["自评与核验差异提示（分）", 30],                                            # row 18
    ["升级等待年限", 1],                                                      # row 19
    ["复审周期（年）", 3],                                                    # row 20
    [],
    ["【评分阶段】"],                                                        # row 22
    ["代码", "名称", "得分列标题"],
    ["self", "机构自评", "自评得分"],                                          # row 24
    ["review", "专家评审", "评审得分"],                                        # row 25
    [],
    ["【片区】"],                                                            # row 27
    ["片区", "县区", "名额", "评定方式"],
    ["东区", "甲区、乙区", 0, "按分数"],                                        # row 29
    ["西区", "丙县", 2, "按分数"],                                             # row 30
    [],
    ["【星级档次】"],                                                         # row 32
    ["片区", "星级", "起始名次", "结束名次", "最低分"],
    ["东区", "五星级", None, None, 900],                                     # row 34
    ["东区", "四星级", None, None, 800],                                     # row 35
    ["东区", "三星级", None, None, 700],                                     # row 36
    ["西区", "五星级", None, None, 900],                                     # row 37
    ["西区", "四星级", None, None, 800],                                     # row 38
    ["西区", "三星级", None, None, 700],                                     # row 39
    [],
    ["【申报表字段】"],                                                       # row 41
    ["字段代码", "名称", "类型", "必填", "可选值", "说明", "分组"],
    ["name", "机构名称", "文字", "是", None, "与营业执照一致", "一、机构基本信息"],  # row 43
    ["credit_code", "统一社会信用代码", "统一社会信用代码", "是", None, "18位", "一、机构基本信息"],
    ["district", "所在县区", "县区", "是", None, "从下拉列表选择", "一、机构基本信息"],
    ["filing_date", "备案日期", "日期", "是", None, "备案回执上的日期", "一、机构基本信息"],
    ["start_date", "开始收托日期", "日期", "是", None, None, "一、机构基本信息"],
    ["is_puhui", "是否普惠托育机构", "是否", "是", None, None, "一、机构基本信息"],
    ["gov_price", "是否执行政府指导价", "是否", "是", None, None, "一、机构基本信息"],
    ["capacity", "备案托位数", "整数", "是", None, None, "二、规模"],
    ["enrolled", "实际收托人数", "整数", "是", None, "不得超过备案托位数", "二、规模"],
    ["decl_credit", "申请年度内是否有失信惩戒不良记录", "是否", "是", None, None, "三、声明"],
    ["decl_abuse", "申请年度内是否有体罚、虐待婴幼儿等行为", "是否", "是", None, None, "三、声明"],
    ["decl_accident", "申请年度内是否发生安全事故", "是否", "是", None, None, "三、声明"],
    ["decl_dispute", "申请年度内是否发生重大服务纠纷", "是否", "是", None, None, "三、声明"],
    ["applied_star", "申报星级", "下拉选择", "否", "三星级、四星级、五星级", None, "四、申报"],  # row 56
    [],
    ["【数值限制】"],                                                         # row 58
    ["字段", "不得超过"],
    ["enrolled", "capacity"],                                               # row 60
]

CUSTOM_ROWS = {"评分项": ITEMS, "部分": PARTS, "设置": SETTINGS}


def rows_copy() -> dict[str, list[list]]:
    """A deep copy of CUSTOM_ROWS, for a test to break one cell of."""
    return copy.deepcopy(CUSTOM_ROWS)


def write_book(path: Path, sheets: dict[str, list[list]]) -> Path:
    """Write `sheets` (name -> rows, None = empty cell) with openpyxl, as Excel would save them."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def set_cell(sheets: dict[str, list[list]], ref: str, value: object) -> None:
    """Set one cell, given as 评分项!F12, in `sheets` (rows are padded as needed)."""
    sheet, a1 = ref.split("!")
    letters = "".join(ch for ch in a1 if ch.isalpha())
    row = int(a1[len(letters):]) - 1
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    rows = sheets[sheet]
    while len(rows) <= row:
        rows.append([])
    rows[row] += [None] * (col - len(rows[row]))
    rows[row][col - 1] = value

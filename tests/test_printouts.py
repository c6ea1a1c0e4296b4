"""Every printed sheet of the sample results, as LibreOffice prints it (headless, one PDF per workbook), read
back as a person would look at the paper: the star results (samples/star with the history), the 鹿寨县
初评报告, the check report, the city results (samples/city) and an annotated copy's 校验意见.

Each sheet must start on a page with its title row; every header of its table must be printed whole (a
header wrapped over two lines reads whole in the page's text); no text may be printed over other text (a
file name running into the next row, a clipped cell's text over its neighbour); and its Chinese text must
come out at a readable size: the font size times the scale the sheet's page setup made LibreOffice apply,
measured on the paper (pdf_text.printed_size), at least MIN_PT (9 pt for the lists an official reads most).
Rule ids, rule files, 校验码 values, command-line flags and 2026-11-22-style dates appear on 运行信息 only.

A few pages are kept as PNG in test-artifacts/ (print_*.png) to look at.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from office import convert
from openpyxl.utils import get_column_letter
from pdf_text import Page, overlapping, printed_size, read_pages
from support import EVAL_DATE
from support.rulings import TIED, fill_rulings

from tuoyu_excel.cli.main import main
from tuoyu_excel.intake.rubric_file import load_rubric

pytestmark = pytest.mark.office

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
ARTIFACTS = ROOT / "test-artifacts"
DATE = EVAL_DATE.isoformat()
STAR = "柳州市托育机构星级评定——"
CITY = "广西婴幼儿照护服务示范城市创建评分——"
MIN_PT = 8.0
LISTS_PT = 9.0  # the lists an official reads and forwards most
ANNOTATED = "错误示例_分数超过满分_柳州市鱼峰区乐萌托育服务中心.xlsx"
FOOTER = re.compile(r"^第\d+页，共\d+页")

# Per workbook, its visible sheets in order: (sheet, title row text, minimum printed size in points, or None
# for a sheet this suite does not measure: see UNMEASURED).
SHEETS = {
    "star": [("汇总", STAR + "结果汇总", LISTS_PT), ("星级评定结果", STAR + "星级评定结果", LISTS_PT),
             ("待裁定", STAR + "待裁定机构名单", LISTS_PT), ("未达条件名单", STAR + "未达条件名单", LISTS_PT),
             ("得分明细", STAR + "得分明细", MIN_PT), ("自评与核验差异", STAR + "自评与核验差异", LISTS_PT),
             ("校验问题", STAR + "校验问题", LISTS_PT),
             ("图表", "城区：综合得分（按片区排名，颜色表示星级）", MIN_PT), ("运行信息", "运行信息", MIN_PT)],
    # the same samples ruled and published (issue 22): the 公示 notice and the 公示核查 form
    "final": [("汇总", STAR + "结果汇总", LISTS_PT), ("星级评定结果", STAR + "星级评定结果", LISTS_PT),
              ("待裁定", STAR + "待裁定机构名单", LISTS_PT), ("未达条件名单", STAR + "未达条件名单", LISTS_PT),
              ("得分明细", STAR + "得分明细", MIN_PT), ("自评与核验差异", STAR + "自评与核验差异", LISTS_PT),
              ("校验问题", STAR + "校验问题", LISTS_PT), ("公示", "柳州市星级托育机构拟命名名单（公示）", LISTS_PT),
              ("公示核查", STAR + "公示核查结果", LISTS_PT),
              ("图表", "城区：综合得分（按片区排名，颜色表示星级）", MIN_PT), ("运行信息", "运行信息", MIN_PT)],
    "county": [("初评报告", "鹿寨县托育机构星级评定初评报告", MIN_PT), ("机构明细", "鹿寨县托育机构星级评定初评机构明细", LISTS_PT),
               ("上报名单", "鹿寨县托育机构星级评定上报名单", LISTS_PT), ("校验问题", "鹿寨县初评校验问题", LISTS_PT),
               ("运行信息", "运行信息", MIN_PT)],
    "check": [("汇总", STAR + "校验报告", MIN_PT), ("问题清单", STAR + "校验问题清单", LISTS_PT),
              ("运行信息", "运行信息", MIN_PT)],
    "city": [("城市排名", CITY + "城市排名", MIN_PT), ("得分明细", CITY + "得分明细", MIN_PT),
             ("全区平均水平", CITY + "全区平均水平", LISTS_PT), ("校验问题", CITY + "校验问题", LISTS_PT),
             ("运行信息", "运行信息", MIN_PT)],
    "annotated": [("校验意见", "校验意见", LISTS_PT), ("填表说明", "柳州市托育机构星级评定评分表（默认版）填表说明", None),
                  ("申报表", "柳州市托育机构星级评定评分表（默认版）——申报表", None),
                  ("评分表", "柳州市托育机构星级评定评分表（默认版）", None)],
}
# Why a sheet is not measured here. The annotated copy's own sheets are the institution's filled template, printed as the template is (its layout
# is byte-compared in tests/test_templates_committed.py), not a sheet the check writes.
UNMEASURED = {("annotated", "填表说明"), ("annotated", "申报表"), ("annotated", "评分表")}
# Headers of tables that are not repeated on every page (print titles): found on the sheet's pages.
OWN_HEADERS = {
    ("star", "汇总"): ["片区", "三星级", "二星级", "一星级", "未获评", "待裁定", "合计", "县区", "申报", "参加排名",
                      "未达评定条件", "表格有错误", "项目", "数量", "评定参数", "内容"],
    ("star", "图表"): ["片区排名", "机构名称", "评定星级", "综合得分"],
    ("final", "汇总"): ["片区", "三星级", "二星级", "一星级", "未获评", "待裁定", "合计", "县区", "申报", "参加排名",
                       "未达评定条件", "表格有错误", "项目", "数量", "评定参数", "内容"],
    ("final", "图表"): ["片区排名", "机构名称", "评定星级", "综合得分"],
    ("final", "公示"): ["序号", "星级", "机构名称", "所在县区", "统一社会信用代码"],  # one page: nothing repeats
    ("county", "机构明细"): ["项目", "申报内容", "核实情况（评估组填写）", "编号", "自评", "初评", "说明", "部分", "分值",
                         "差值（初评−自评）", "初评得分", "扣分说明"],
}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, tuple[Path, list[Page]]]:
    """Each workbook of the samples and the pages LibreOffice prints of it (one conversion a workbook)."""
    root = tmp_path_factory.mktemp("printouts")
    books = {name: root / f"{name}.xlsx" for name in ("star", "county", "check", "city")}
    history = SAMPLES / "history" / "历史评定.xlsx"
    star = SAMPLES / "star"
    assert main(["star", str(star), "--date", DATE, "--history", str(history), "-o", str(books["star"])]) == 1
    assert main(["report", str(star), "--county", "鹿寨县", "--date", DATE, "-o", str(books["county"])]) == 1
    assert main(["check", str(star), "--date", DATE, "-o", str(books["check"]), "--annotate", str(root / "copies")]) == 1
    assert main(["city", str(SAMPLES / "city"), "--date", DATE, "-o", str(books["city"])]) == 1  # the samples have issues
    books["annotated"] = shutil.copy(root / "copies" / ANNOTATED, root / "annotated.xlsx")
    ruled = fill_rulings(books["star"], root / "已裁定.xlsx", {TIED[0]: ("三星级", "会议纪要"), TIED[1]: ("二星级", "同上")})
    books["final"] = root / "final.xlsx"
    assert main(["star", str(star), "--date", DATE, "--history", str(history), "--rulings", str(ruled),
                 "--notice-date", "2026-11-25", "-o", str(books["final"])]) == 1  # the samples' broken examples
    return {name: (path, read_pages(convert(path, "pdf", root / "pdf"))) for name, path in books.items()}


def body(page: Page) -> str:
    """The page's text without white space and without the footer (LibreOffice draws it first)."""
    return FOOTER.sub("", page.flat)


def sheet_pages(name: str, pages: list[Page]) -> dict[str, list[Page]]:
    """Each sheet's pages: from the page whose text starts with its title row to the next sheet's."""
    starts, at = [], 0
    for sheet, title, _ in SHEETS[name]:
        wanted = re.sub(r"\s+", "", title)
        found = next((n for n in range(at, len(pages)) if body(pages[n]).startswith(wanted)), None)
        assert found is not None, f"{name}: no page starts with the title row of {sheet} ({title})"
        starts.append(found)
        at = found + 1
    ends = starts[1:] + [len(pages)]
    return {sheet: pages[a:b] for (sheet, _, _), a, b in zip(SHEETS[name], starts, ends, strict=True)}


def repeated_headers(ws) -> list[str]:
    """The texts of the header rows printed on every page (print titles), of the columns shown."""
    if not ws.print_title_rows:
        return []
    first, last = (int(n) for n in re.findall(r"\d+", ws.print_title_rows))
    hidden = {k for k, d in ws.column_dimensions.items() if d.hidden}
    texts = []
    for row in ws.iter_rows(min_row=first, max_row=last):
        texts += [c.value for c in row if isinstance(c.value, str) and c.value.strip()
                  and get_column_letter(c.column) not in hidden]
    return texts


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("name", list(SHEETS))
def test_every_sheet_has_its_title_row_first(printed, name):
    path, pages = printed[name]
    wb = openpyxl.load_workbook(path)
    visible = [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]
    assert visible == [sheet for sheet, _, _ in SHEETS[name]]
    for sheet, title, _ in SHEETS[name]:
        assert flat(str(wb[sheet]["A1"].value)) == flat(title), sheet  # the title is the sheet's row 1
    assert all(sheet_pages(name, pages).values())


@pytest.mark.parametrize("name", list(SHEETS))
def test_headers_print_whole_and_nothing_overprints(printed, name):
    path, pages = printed[name]
    wb = openpyxl.load_workbook(path)
    for sheet, got in sheet_pages(name, pages).items():
        if (name, sheet) in UNMEASURED:
            continue
        ws = wb[sheet]
        text = "".join(body(p) for p in got)
        headers = repeated_headers(ws) + OWN_HEADERS.get((name, sheet), [])
        assert headers, f"{name}/{sheet}: no table header found to check"
        missing = [h for h in headers if flat(h) not in text]
        assert not missing, f"{name}/{sheet}: headers not printed whole: {missing}"
        if ws.print_title_rows:  # repeated: the table's first header (its last title row's) on every page of it
            last = int(re.findall(r"\d+", ws.print_title_rows)[-1])
            first = flat(next(c.value for c in ws[last] if isinstance(c.value, str) and c.value.strip()))
            assert all(first in body(p) for p in got), f"{name}/{sheet}: header not repeated on every page"
        for page in got:
            over = overlapping(page.words)
            assert not over, f"{name}/{sheet} page {page.number}: text printed over text: {over[:3]}"


@pytest.mark.parametrize("name", list(SHEETS))
def test_text_prints_at_a_readable_size(printed, name):
    _, pages = printed[name]
    for sheet, got in sheet_pages(name, pages).items():
        limit = dict((s, m) for s, _, m in SHEETS[name])[sheet]
        if limit is None:
            continue
        sizes = [(s, w.text, p.number) for p in got for w in p.words if (s := printed_size(w)) is not None]
        assert sizes, f"{name}/{sheet}: no Chinese text measured"
        smallest = min(sizes)
        assert smallest[0] >= limit, f"{name}/{sheet}: “{smallest[1]}” printed at {smallest[0]:.1f} pt on page " \
                                     f"{smallest[2]} (at least {limit} pt)"


@pytest.mark.parametrize("name", list(SHEETS))
def test_technical_words_only_on_run_info(printed, name):
    """Rule ids and files, the 校验码, flags and ISO dates are for 运行信息; the other sheets speak Chinese."""
    _, pages = printed[name]
    rubric = load_rubric("guangxi_demo_city" if name == "city" else "liuzhou_star")
    for sheet, got in sheet_pages(name, pages).items():
        if sheet == "运行信息" or (name, sheet) in UNMEASURED:
            continue
        text = "".join(p.text for p in got)
        for word in (rubric.id, ".toml", rubric.content_hash, "Σ", "--", "SHA-256"):
            assert word not in text, f"{name}/{sheet}: “{word}” printed"
        assert not ISO_DATE.search(text), f"{name}/{sheet}: a date printed as {ISO_DATE.search(text).group()}"
        assert not re.search(r"\b[A-Z]+(_[A-Z]+)+\b", text), f"{name}/{sheet}: an issue code printed"
    run_info = "".join(p.text for p in sheet_pages(name, pages).get("运行信息", []))
    assert name == "annotated" or (rubric.id in run_info and rubric.content_hash in run_info)


def test_pages_kept_to_look_at(printed):
    """A few pages as PNG, for a person to look at (test-artifacts/print_*.png)."""
    ARTIFACTS.mkdir(exist_ok=True)
    wanted = {"star": ("星级评定结果", "汇总"), "check": ("汇总",), "county": ("初评报告",), "city": ("城市排名",),
              "annotated": ("校验意见",)}
    for name, sheets in wanted.items():
        path, pages = printed[name]
        pdf = path.parent / "pdf" / f"{path.stem}.pdf"
        for sheet in sheets:
            page = sheet_pages(name, pages)[sheet][0].number
            out = ARTIFACTS / f"print_{name}_{sheet}"
            subprocess.run(["pdftoppm", "-r", "70", "-png", "-singlefile", "-f", str(page), "-l", str(page), str(pdf),
                            str(out)], check=True, timeout=120)
            assert out.with_suffix(".png").stat().st_size > 10_000

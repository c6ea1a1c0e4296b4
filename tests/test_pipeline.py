"""The whole run over a folder: preflight → read → validate → score → eligibility, file by file.

The main test builds a folder as an official receives it — clean, broken, duplicate, lock,
non-spreadsheet, encrypted, corrupt and wrong-version files — and asserts the EXACT sorted list of
(code, file, cell) issues, and that the clean files are still scored.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import shutil
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from msoffcrypto.format.ooxml import OOXMLFile
from office import convert
from support.star import (
    CITY,
    EVAL_DATE,
    STAR,
    copy_template,
    edit,
    field_cell,
    filled,
    fillings,
    full_scores,
    keys,
    note_cell,
    raw_workbook,
    score_cell,
    template,
    valid_form,
)

from tuoyu_excel.core.pipeline import STATUS_ERROR, STATUS_OK, STATUS_UNREADABLE, STATUS_WARN, process_file, run
from tuoyu_excel.core.scoring import score
from tuoyu_excel.core.star.eligibility import check_eligibility
from tuoyu_excel.intake.validate import validate
from tuoyu_excel.issues import IssueLog
from tuoyu_excel.layout import submission as layout
from tuoyu_excel.render.template.fill import fill_workbook
from tuoyu_excel.render.template.workbook import write_template

D = Decimal
FORM = "申报表"
SCORE = "评分表"


def sc(stage, code):
    return f"{SCORE}!{score_cell(STAR, stage, code)}"


def fc(key):
    return f"{FORM}!{field_cell(STAR, key)}"


def with_city(changes: dict[str, object]) -> dict[str, dict[str, object]]:
    scores = full_scores(STAR)
    scores["city"].update(changes)
    return scores


# ---- the folder an official receives ------------------------------------------------------------

def make_folder(folder: Path) -> None:
    folder.mkdir()
    filled(folder / "01_阳光托育.xlsx", seed=1)
    deductions = {"2-03": D("17.5"), "3-06": 15, "4-07": "不适用"}
    filled(folder / "02_彩虹托育.xlsx", seed=2, scores=with_city(deductions), notes={"2-03": "台账不全", "3-06": "缺消毒记录"})
    warned = with_city({"2-03": "8分"})
    warned["self"]["3-02"] = "八"
    filled(folder / "03_有警告.xlsx", seed=3, scores=warned)
    broken_form = {**valid_form(4), "credit_code": "91450200MA5K00001X", "enrolled": 90, "capacity": 80,
                   "filing_date": dt.date(2027, 1, 1)}
    broken = with_city({"2-03": 25, "3-02": "八", "5-01": "", "1-02": "不适用", "3-06": 19})
    path = filled(folder / "04_有错误.xlsx", form=broken_form, scores=broken)
    edit(path, lambda wb: wb[SCORE].__setitem__(score_cell(STAR, "city", "4-01"), "#REF!"))
    filled(folder / "05_重复A.xlsx", seed=5)
    filled(folder / "06_重复B.xlsx", form={**valid_form(5), "name": "另一个名字"})
    write_template(dataclasses.replace(STAR, version="2025.1"), folder)
    shutil.move(folder / layout.template_filename(dataclasses.replace(STAR, version="2025.1")), folder / "07_旧版本.xlsx")
    path = filled(folder / "08_旧版式.xlsx", seed=8)
    edit(path, lambda wb: wb[layout.META_SHEET].cell(layout.META_KEYS.index("layout_version") + 1, 2, "0"))
    whole = (folder / "01_阳光托育.xlsx").read_bytes()
    (folder / "09_截断.xlsx").write_bytes(whole[: len(whole) // 2])  # a download that stopped half way
    with zipfile.ZipFile(folder / "10_压缩炸弹.xlsx", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", b"\0" * (12 * 1024 * 1024))
    plain = openpyxl.Workbook()
    plain.active.append(["机构名称", "得分"])
    plain.save(folder / "11_别的表格.xlsx")
    copy_template(folder / "12_示范城市.xlsx", CITY)
    with open(folder / "01_阳光托育.xlsx", "rb") as src, open(folder / "13_加密.xlsx", "wb") as out:
        OOXMLFile(src).encrypt("123456", out)
    (folder / "说明.txt").write_text("各机构评分表见附件。\n", encoding="utf-8")
    (folder / "照片.xlsx").write_bytes(b"\xff\xd8\xff\xe0" + bytes(200))  # a JPEG renamed .xlsx
    (folder / "~$01_阳光托育.xlsx").write_bytes(b"\x08zhangsan" + bytes(150))  # Excel's owner (lock) file
    (folder / ".~lock.02_彩虹托育.xlsx#").write_text("zhangsan,host,2026-11-22", encoding="utf-8")  # WPS/LibreOffice
    (folder / ".隐藏.xlsx").write_bytes(whole)
    (folder / "旧文件").mkdir()
    filled(folder / "旧文件" / "01_阳光托育.xlsx", seed=1)


EXPECTED = sorted([
    # 03: warnings only — still scored
    ("SCORE_WITH_UNIT", "03_有警告.xlsx", sc("city", "2-03")),
    ("NOTE_MISSING", "03_有警告.xlsx", f"{SCORE}!{note_cell(STAR, '2-03')}"),
    ("EARLIER_STAGE_VALUE", "03_有警告.xlsx", sc("self", "3-02")),
    # 04: every error, each at its cell
    ("FIELD_CREDIT_CODE", "04_有错误.xlsx", fc("credit_code")),
    ("FIELD_DATE_FUTURE", "04_有错误.xlsx", fc("filing_date")),
    ("ENROLLED_OVER_CAPACITY", "04_有错误.xlsx", fc("enrolled")),
    ("NA_NOT_ALLOWED", "04_有错误.xlsx", sc("city", "1-02")),
    ("SCORE_OVER_MAX", "04_有错误.xlsx", sc("city", "2-03")),
    ("SCORE_NOT_NUMBER", "04_有错误.xlsx", sc("city", "3-02")),
    ("SCORE_NOT_ALLOWED", "04_有错误.xlsx", sc("city", "3-06")),
    ("SCORE_FORMULA_ERROR", "04_有错误.xlsx", sc("city", "4-01")),
    ("VALUE_REQUIRED", "04_有错误.xlsx", sc("city", "5-01")),
    # 05/06: the same institution twice — both flagged, neither scored
    ("DUPLICATE_INSTITUTION", "05_重复A.xlsx", fc("credit_code")),
    ("DUPLICATE_INSTITUTION", "06_重复B.xlsx", fc("credit_code")),
    # one issue for each file that cannot be used
    ("FILE_WRONG_RUBRIC", "07_旧版本.xlsx", ""),
    ("FILE_WRONG_LAYOUT", "08_旧版式.xlsx", ""),
    ("FILE_CORRUPT", "09_截断.xlsx", ""),
    ("FILE_TOO_LARGE", "10_压缩炸弹.xlsx", ""),
    ("FILE_NOT_TEMPLATE", "11_别的表格.xlsx", ""),
    ("FILE_WRONG_KIND", "12_示范城市.xlsx", ""),
    ("FILE_ENCRYPTED", "13_加密.xlsx", ""),
    ("FILE_NOT_SPREADSHEET", "照片.xlsx", ""),
    ("FILE_NOT_SPREADSHEET", "说明.txt", ""),
])


def digest(folder: Path) -> dict[str, tuple[str, int]]:
    return {str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_folder_gives_exactly_the_expected_issues_and_scores_the_clean_files(tmp_path):
    folder = tmp_path / "收到的材料"
    make_folder(folder)
    before = digest(folder)
    progress = []
    result = run(folder, STAR, "city", EVAL_DATE, progress=lambda n, total, name: progress.append((n, total, name)))

    assert keys(result.issues) == EXPECTED
    files = {f.file: f for f in result.files}
    assert sorted(files) == sorted({k[1] for k in EXPECTED} | {"01_阳光托育.xlsx", "02_彩虹托育.xlsx"})
    assert not any(name.startswith(("~$", ".")) for name in files)  # lock and hidden files skipped
    assert [p[0] for p in progress] == list(range(1, len(files) + 1))

    scored = {name: f.card.total for name, f in files.items() if f.scored}
    # 02: 2-03 −2.5, 3-06 −5, 4-07 (20) 不适用 → 实得 972.5 / 应得 980 → 折算 992.35; 03: 2-03 “8分” → 988
    assert scored == {"01_阳光托育.xlsx": D(1000), "02_彩虹托育.xlsx": D("992.35"), "03_有警告.xlsx": D(988)}
    card = files["02_彩虹托育.xlsx"].card
    assert (card.earned, card.possible) == (D("972.5"), D(980))
    assert [f.eligible for f in (files["01_阳光托育.xlsx"], files["02_彩虹托育.xlsx"])] == [True, True]
    assert files["03_有警告.xlsx"].status == STATUS_WARN and files["01_阳光托育.xlsx"].status == STATUS_OK
    assert files["04_有错误.xlsx"].status == STATUS_ERROR and not files["04_有错误.xlsx"].scored
    assert files["09_截断.xlsx"].status == STATUS_UNREADABLE
    dup = [i for i in result.issues if i.code == "DUPLICATE_INSTITUTION"]
    assert "06_重复B.xlsx" in dup[0].message and "05_重复A.xlsx" in dup[1].message
    assert not files["05_重复A.xlsx"].scored and not files["06_重复B.xlsx"].scored
    assert digest(folder) == before  # inputs never modified


def test_every_issue_is_a_complete_record(tmp_path):
    folder = tmp_path / "材料"
    make_folder(folder)
    for issue in run(folder, STAR, "city", EVAL_DATE).issues:
        assert issue.severity in ("错误", "警告") and issue.message and issue.file
        if issue.cell:
            assert issue.sheet and issue.row == int("".join(ch for ch in issue.cell if ch.isdigit()))
        assert "{" not in issue.message  # every placeholder filled


@pytest.mark.parametrize("start", ["fork", "spawn"])
def test_parallel_run_gives_exactly_the_serial_result(tmp_path, monkeypatch, start):
    """Large folders go to worker processes (fork on Linux from a single-threaded process, spawn from the
    window and on Windows): the same files, issues, scores and checksums, in the same order, as one process."""
    import multiprocessing

    import tuoyu_excel.core.supervisor as supervisor

    folder = tmp_path / "收到的材料"
    make_folder(folder)
    before = digest(folder)
    monkeypatch.setenv("TUOYU_WORKERS", "1")
    serial = run(folder, STAR, "city", EVAL_DATE)
    monkeypatch.setenv("TUOYU_WORKERS", "2")
    monkeypatch.setattr(supervisor, "pool_context", lambda: multiprocessing.get_context(start))
    progress = []
    parallel = run(folder, STAR, "city", EVAL_DATE, progress=lambda n, total, name: progress.append((n, name)))

    def summary(result):
        return [(f.file, f.sha256, f.status, [(i.code, i.sheet, i.cell) for i in f.issues],
                 f.card.total if f.card else None, f.stage_cards.keys() if f.card else None, f.reasons)
                for f in result.files]

    assert summary(parallel) == summary(serial) and keys(parallel.issues) == EXPECTED
    assert progress == [(n, f.file) for n, f in enumerate(serial.files, 1)]
    assert digest(folder) == before


def test_run_accepts_a_single_file_or_a_list(tmp_path):
    a = filled(tmp_path / "a.xlsx", seed=1)
    b = filled(tmp_path / "b.xlsx", seed=2)
    assert [f.file for f in run(a, STAR, "self", EVAL_DATE).files] == ["a.xlsx"]
    assert [f.card.total for f in run([b, a], STAR, "self", EVAL_DATE).files] == [D(1000), D(1000)]


def test_xlsm_is_accepted(tmp_path):
    path = filled(tmp_path / "a.xlsx")
    xlsm = shutil.copyfile(path, tmp_path / "a.xlsm")
    assert process_file(Path(xlsm), STAR, "city", EVAL_DATE).card == process_file(path, STAR, "city", EVAL_DATE).card


def test_issues_are_capped_per_file_with_a_notice(tmp_path):
    scores = {"city": {i.code: "乱填" for i in STAR.items}}
    path = filled(tmp_path / "a.xlsx", scores=scores)
    result = process_file(path, STAR, "city", EVAL_DATE, cap=10)
    assert len(result.issues) == 11
    assert result.issues[-1].code == "ISSUE_CAP" and "前 10 条" in result.issues[-1].message
    assert not result.scored


def test_issue_log_cap_counts_what_it_dropped():
    log = IssueLog("a.xlsx", cap=3)
    for n in range(7):
        log.add("VALUE_REQUIRED", SCORE, f"A{n + 1}", label="x")
    log.extend([log.items[0]])
    assert [i.code for i in log.items] == ["VALUE_REQUIRED"] * 3 + ["ISSUE_CAP"]
    assert log.dropped == 5


# ---- LibreOffice re-saves: .xlsx, .xls (WPS "97-2003"), .ods -------------------------------------

def varied_scores() -> dict[str, dict[str, object]]:
    """With 供餐方式 不供餐 in the form: 1-05 供餐资质 is then 不适用 in every stage (its na_when)."""
    scores = full_scores(STAR)
    scores["self"].update({"2-03": 20, "4-07": 20, "1-05": "不适用"})
    scores["county"].update({"2-03": D("18.5"), "4-07": "不适用", "3-06": 17, "1-05": "不适用"})
    scores["city"].update({"2-03": D("17.5"), "4-07": "不适用", "4-09": "不适用", "3-06": 15, "2-01": 7,
                           "1-05": "不适用", "5-10": D("27.5")})
    return scores


@pytest.mark.office
@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods"])
def test_libreoffice_resave_scores_identically(tmp_path, fmt):
    notes = {"2-03": "晨检记录不全", "3-06": "消毒记录缺两周", "2-01": "证照复印件过期", "5-10": "观察记录不足"}
    form = {**valid_form(7), "fee": D("1850.5"), "phone": "13800138000", "meals": "不供餐"}
    original = filled(tmp_path / "机构.xlsx", form=form, scores=varied_scores(), notes=notes)
    resaved = convert(original, fmt, tmp_path / "out")
    assert resaved.suffix == f".{fmt}"
    for stage in ("self", "county", "city"):
        a = process_file(original, STAR, stage, EVAL_DATE)
        b = process_file(resaved, STAR, stage, EVAL_DATE)
        assert [i.key()[0::2] for i in a.issues] == [i.key()[0::2] for i in b.issues]
        assert a.card is not None and a.card == b.card
        assert a.submission.form == b.submission.form
        assert a.submission.scores == b.submission.scores
        assert a.submission.notes == b.submission.notes
        assert a.reasons == b.reasons


@pytest.mark.office
def test_error_value_after_libreoffice_recalculation_is_a_formula_error(tmp_path):
    """A formula that evaluates to #DIV/0! (cached by LibreOffice as an error cell) is reported as such."""
    path = filled(tmp_path / "机构.xlsx")
    cell = score_cell(STAR, "city", "2-03")
    edit(path, lambda wb: wb[SCORE].__setitem__(cell, "=1/0"))
    recalculated = convert(path, "xlsx", tmp_path / "out")
    result = process_file(recalculated, STAR, "city", EVAL_DATE)
    assert [(i.key(), i.found) for i in result.issues] == [
        (("SCORE_FORMULA_ERROR", "机构.xlsx", f"{SCORE}!{cell}"), "#DIV/0!")]


# ---- property: random valid fillings written into real workbooks ------------------------------------

@settings(max_examples=25, deadline=None)
@given(fillings())
def test_property_workbook_scores_match_in_memory_scores(values):
    notes = {code: "原因" for code in values}
    scores = {"self": values}
    with tempfile.TemporaryDirectory(prefix="tuoyu-prop-") as tmp:
        path = fill_workbook(template(STAR.id), Path(tmp) / "p.xlsx", STAR, valid_form(1), scores, notes)
        result = process_file(path, STAR, "self", EVAL_DATE, assess=check_eligibility)
    raw = raw_workbook(STAR, scores=scores, notes=notes)
    log = IssueLog(raw.file)
    sub = validate(raw, STAR, "self", EVAL_DATE, log)
    assert result.issues == [] and log.items == []
    assert result.card == score(sub, STAR, "self")
    card = result.card
    assert card.earned == sum(v for v in card.items.values() if v is not None) <= 1000
    assert card.total <= 1000
    codes = [r.code for r in result.reasons]
    assert ("BELOW_PASS_MARK" in codes) == (card.total < 750)
    assert ("CORE_RATE_LOW" in codes) == (card.core < D("0.8") * card.core_possible)

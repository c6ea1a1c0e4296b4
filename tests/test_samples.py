"""The bundled samples: reproducible from scripts/make_samples.py, and they show what samples/README.md says.

If a test here fails after a change to the rubric, the layout or the fill helper, regenerate the
samples (`.venv/bin/python scripts/make_samples.py`) and review the diff of samples/README.md.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import python_calamine as pc
from support.samples import make_samples

from tuoyu_excel.intake.preflight import SPREADSHEET_SUFFIXES
from tuoyu_excel.layout import submission as layout

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SUBDIRS = ("star", "city", "history", "panel")


ms = make_samples()


def _is_workbook(path: Path) -> bool:
    return path.suffix.lower() in SPREADSHEET_SUFFIXES and not path.name.startswith("~$")


def _values(path: Path) -> dict[str, list[list]]:
    """Every sheet's cell values (hidden sheets included), as python-calamine reads them."""
    wb = pc.CalamineWorkbook.from_path(str(path))
    try:
        return {name: wb.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in wb.sheet_names}
    finally:
        wb.close()


def _form_value(path: Path, rubric, key: str) -> object:
    grid = _values(path)[layout.form_sheet(rubric)]
    return grid[layout.form_field_rows(rubric)[key]][layout.FORM_VALUE_COL]


# ---- the committed set -------------------------------------------------------------------------


def test_star_samples_cover_every_district():
    books = [p for p in (SAMPLES / "star").iterdir() if _is_workbook(p)]
    districts = Counter(_form_value(p, ms.STAR, "district") for p in books)
    assert 40 <= len(books) <= 55
    assert set(districts) == set(ms.STAR.star.districts)
    urban = sum(n for d, n in districts.items() if ms.STAR.star.zone_of[d] == "城区")
    assert urban > 18 and len(books) - urban > 12  # both quotas bite
    assert sorted(p.suffix for p in books if p.suffix != ".xlsx") == [".ods", ".xls"]


def test_star_samples_include_a_lock_file_and_a_non_spreadsheet():
    names = [p.name for p in (SAMPLES / "star").iterdir()]
    assert sum(n.startswith("~$") for n in names) == 1
    assert (SAMPLES / "star" / "误放的文件.pdf").read_bytes().startswith(b"%PDF-1.4")


def test_city_samples_are_the_fourteen_cities():
    books = sorted((SAMPLES / "city").iterdir())
    assert all(_is_workbook(p) for p in books)
    assert sorted(_form_value(p, ms.CITY, "city_name") for p in books) == sorted(ms.CITY.city.cities)


def test_history_sample_has_the_history_headers():
    from tuoyu_excel.intake.history import read_history
    from tuoyu_excel.layout.history import HEADERS

    grid = _values(SAMPLES / "history" / "历史评定.xlsx")["历史记录"]
    assert tuple(grid[0][:5]) == HEADERS
    read = read_history(SAMPLES / "history" / "历史评定.xlsx", ms.STAR)
    records, issues = read.records, read.issues
    assert issues == [] and len(records) == 7


def test_samples_were_made_from_the_current_rubrics():
    """A rubric edit changes its hash, and the tool then refuses the old workbooks: regenerate the samples."""
    stale = []
    for sub, rubric in (("star", ms.STAR), ("city", ms.CITY), ("panel", ms.STAR)):
        for path in (SAMPLES / sub).iterdir():
            if _is_workbook(path):
                meta = dict((r[0], r[1]) for r in _values(path)[layout.META_SHEET] if len(r) >= 2)
                if meta.get("rubric_hash") != rubric.content_hash:
                    stale.append(f"{sub}/{path.name}")
    assert not stale, "samples made from an older rubric; run .venv/bin/python scripts/make_samples.py: " + ", ".join(stale[:3])


# ---- what the samples demonstrate ------------------------------------------------------------------


@pytest.fixture(scope="module")
def star_result():
    from tuoyu_excel.core.star.rating import evaluate_star
    from tuoyu_excel.intake.history import read_history

    history = read_history(SAMPLES / "history" / "历史评定.xlsx", ms.STAR).records
    return evaluate_star(SAMPLES / "star", ms.STAR, "city", ms.EVAL_DATE, history)


def test_star_ranking_is_the_designed_one(star_result):
    got = {p.candidate.key: (p.zone, p.rank, p.star) for p in star_result.placements}
    assert got == ms.expected_star_outcome()
    stars = Counter((p.zone, p.star) for p in star_result.placements)
    assert stars[("城区", "未获评")] == 2 and stars[("县", "未获评")] == 1
    assert stars[("县", "待裁定")] == 2
    assert [h.date.isoformat() for h in star_result.review_due] == ["2023-06-01"]


def test_each_ineligible_sample_fails_for_its_one_reason(star_result):
    _, plan = ms.make_plan()
    designed = {i.name: i.reason for i in plan if i.reason}
    got = {f.submission.text("name"): [r.code for r in f.reasons] for f in star_result.ineligible}
    assert got == {name: [reason] for name, reason in designed.items()}


def test_each_error_sample_shows_its_issue(star_result):
    _, plan = ms.make_plan()
    by_name = {i.name: i for i in plan}
    excluded = {}
    for f in star_result.excluded:
        name = f.submission.text("name") if f.submission else f.file
        excluded.setdefault(name, set()).update(i.code for i in f.issues if i.severity == "错误")
    expected = {i.name: {i.issue} for i in plan if i.error or i.duplicate}
    expected["误放的文件.pdf"] = {"FILE_NOT_SPREADSHEET"}
    assert excluded == expected
    warned = {f.submission.text("name"): {i.code for i in f.issues} for f in star_result.run.files
              if f.card is not None and f.issues}
    assert warned == {n: {by_name[n].issue} for n in by_name if by_name[n].issue and not by_name[n].error
                      and not by_name[n].duplicate}


def test_city_totals_and_the_mistyped_comparative_item():
    from tuoyu_excel.core.city.evaluate import evaluate_cities

    result = evaluate_cities(SAMPLES / "city", ms.CITY, "review", eval_date=ms.EVAL_DATE)
    assert {s.city: s.total for s in result.scores} == ms.expected_city_totals()
    flagged = [(s.city, i.code) for s in result.scores for i in s.issues]
    assert flagged == [(ms.MISTYPED_CITY[0], "COMPUTED_SCORE_DIFFERS")]
    assert result.run.issues == [i for s in result.scores for i in s.issues]


# ---- reproducible ------------------------------------------------------------------------------


@pytest.mark.office
def test_regenerating_gives_the_committed_samples(tmp_path):
    ms.main(tmp_path)
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == (SAMPLES / "README.md").read_text(encoding="utf-8")
    for sub in SUBDIRS:
        made = sorted(p.name for p in (tmp_path / sub).iterdir())
        committed = sorted(p.name for p in (SAMPLES / sub).iterdir())
        assert made == committed, sub
        for name in made:
            new, old = tmp_path / sub / name, SAMPLES / sub / name
            if _is_workbook(new):
                assert _values(new) == _values(old), f"{sub}/{name}"
            else:
                assert new.read_bytes() == old.read_bytes(), f"{sub}/{name}"


@pytest.mark.office
def test_xlsx_samples_are_byte_stable(tmp_path):
    """Fixed timestamps: regenerating gives the same .xlsx bytes (no churn in git)."""
    ms.main(tmp_path / "a")
    ms.main(tmp_path / "b")
    for path in (tmp_path / "a").rglob("*.xlsx"):
        twin = tmp_path / "b" / path.relative_to(tmp_path / "a")
        assert path.read_bytes() == twin.read_bytes(), path.name

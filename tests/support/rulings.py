"""The bundled star samples as the rulings and kept-history tests use them, and the 待裁定 sheet filled
and the 公示核查 sheet filled
as the commission fills them (openpyxl, which ignores the sheet protection as Excel's 撤销保护 would).

    folder = clean_samples(tmp_path / "收到")
    fill_rulings(results, filled, {TIED[0]: ("三星级", "主任办公会议纪要"), TIED[1]: ("二星级", "同上")})
    fill_checks(final, checked, {"柳州市城中区小太阳托育园": ("不予命名", "核查发现……")})
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl

from tuoyu_excel.cli.main import main
from tuoyu_excel.layout.results import CHECKS, R_NAME, RULINGS, DecisionSheet

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples" / "star"
HISTORY = ROOT / "samples" / "history" / "历史评定.xlsx"
DATE = "2026-11-22"  # samples/README.md: the samples' 评定日期
# samples/README.md: “与融水苗族自治县一家机构综合得分、核心指标得分完全相同，并列第2名，跨越三星级与二星级分界，待裁定”
TIED = ("融水苗族自治县苗乡托育园", "鹿寨县鹿鸣托育中心")
TIED_FILES = {TIED[0]: "融水苗族自治县_苗乡托育园_星级评定申报表及评分表.xlsx", TIED[1]: "鹿寨县鹿鸣托育中心（星级评定）.xlsx"}
SHOWING_ISSUES = ("错误示例", "重复提交示例", "警告示例")  # sample files made to show errors and warnings


def clean_samples(dest: Path, leave_out: tuple[str, ...] = ()) -> Path:
    """The star samples without the files that exist to show errors or warnings (and the stray PDF and
    lock file), so a run on them is clean but for the tie; `leave_out`: more file names to drop."""
    dest.mkdir(parents=True, exist_ok=True)
    for path in sorted(SAMPLES.iterdir()):
        name = path.name
        if name.startswith(SHOWING_ISSUES) or name.startswith("~$") or path.suffix == ".pdf" or name in leave_out:
            continue
        shutil.copyfile(path, dest / name)
    return dest


def decision_table(path: Path, layout: DecisionSheet = RULINGS) -> tuple[int, list[dict[str, object]]]:
    """(header row number as Excel shows it, rows as dicts by header) of a decision sheet (待裁定, 公示核查)."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = [tuple(r) for r in wb[layout.name].iter_rows(values_only=True)]
    finally:
        wb.close()
    headers = layout.headers
    header = next(n for n, r in enumerate(rows) if tuple(r[:len(headers)]) == headers)
    end = next((n for n in range(header + 1, len(rows)) if not any(v not in (None, "") for v in rows[n])), len(rows))
    return header + 1, [dict(zip(headers, r, strict=False)) for r in rows[header + 1:end]]  # a signature line follows


def rulings_table(path: Path) -> tuple[int, list[dict[str, object]]]:
    return decision_table(path, RULINGS)


def decision_cell(path: Path, name: str, header: str, layout: DecisionSheet = RULINGS) -> str:
    """The A1 cell of `header` in the row of institution `name` of a decision sheet."""
    header_row, rows = decision_table(path, layout)
    n = next(k for k, r in enumerate(rows) if r[R_NAME] == name)
    return f"{chr(ord('A') + layout.headers.index(header))}{header_row + 1 + n}"


def cell_of(path: Path, name: str, header: str) -> str:
    return decision_cell(path, name, header, RULINGS)


def fill_decisions(src: Path, dest: Path, decisions: dict[str, tuple[str | None, str | None]],
                   edits: dict[str, object] | None = None, layout: DecisionSheet = RULINGS) -> Path:
    """A copy of results workbook `src` with the decision and its basis typed for the named institutions
    in sheet `layout` (text starting with "=" stored as typed text), and any other `edits` (A1 -> value) made."""
    wb = openpyxl.load_workbook(src)
    ws = wb[layout.name]
    for name, (decision, basis) in decisions.items():
        for header, value in ((layout.decision, decision), (layout.basis, basis)):
            cell = ws[decision_cell(src, name, header, layout)]
            cell.value = value
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"
    for a1, value in (edits or {}).items():
        ws[a1].value = value
    dest.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dest)
    return dest


def fill_rulings(src: Path, dest: Path, decisions: dict[str, tuple[str | None, str | None]],
                 edits: dict[str, object] | None = None) -> Path:
    return fill_decisions(src, dest, decisions, edits, RULINGS)


def fill_checks(src: Path, dest: Path, decisions: dict[str, tuple[str | None, str | None]],
                edits: dict[str, object] | None = None) -> Path:
    """A copy of final results `src` with 核查结果 and 核查依据 typed for the named institutions."""
    return fill_decisions(src, dest, decisions, edits, CHECKS)


def run_star(capsys, source: Path, out: Path, *more: str, date: str = DATE) -> tuple[int, str, str]:
    """`tuoyu star source -o out --date date more…` through the CLI entry: (exit code, stdout, stderr)."""
    code = main(["star", str(source), "--date", date, "-o", str(out), *more])
    got = capsys.readouterr()
    return code, got.out, got.err

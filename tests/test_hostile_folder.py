"""One folder holding every kind of bad file found so far, beside valid workbooks (issue 15's "must show").

`check --annotate`, `star` (the bad .xls files also given as --history) and `city` (with a bad .xls
as --averages) each run as a separate program, as an official starts them, and must: finish within
120 s, name every bad file, score the valid ones, stay under 1.5 GB in any one process (the largest
resident set of the program and its workers), leave every input byte-identical, and exit 1
(done, with issues).

The bad files: an .xls whose DIMENSIONS claim 16 million rows (python-calamine would ask for 171 GB
and abort); an .xls whose FORMULA record claims a 65 535-byte formula (a Rust panic); an .ods asking
for 400 million spaces; an .xlsx with a padded relationships part and a hidden, renamed sheet part;
an .xlsx whose styles.xml holds 2.3 million cell formats (150 MB: openpyxl would take minutes and
gigabytes to annotate it); entity and shared-string bombs, a zip bomb, a truncated, an encrypted and
a CSV file named .xlsx; a folder named like a workbook; a file named in GBK bytes (unpacked from a
zip made on Chinese Windows); a file whose name is 255 bytes long.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from support.city import write_city
from support.results import sheet_rows
from support.star import CITY, EVAL_DATE, STAR, filled, score_cell, store_text, template
from test_hardening import add_bombs_and_broken_files
from test_hostile_parts import with_hidden_sheet_part, with_huge_dimensions, with_space_bomb

from tuoyu_excel.layout import submission as layout

pytestmark = pytest.mark.office

ROOT = Path(__file__).resolve().parents[1]
DATE = EVAL_DATE.isoformat()
GBK_NAME = "阳光托育.xlsx".encode("gbk")
LONG_NAME = "托" * 83 + "a.xlsx"  # 83 × 3 + 6 = 255 bytes: the longest name Linux allows
assert len(LONG_NAME.encode()) == 255
SECONDS = 120
PEAK_MB = 1536
FORMULA = b"\x06\x00"  # BIFF8 FORMULA record type

# each bad file and the words its line in the summary must carry
BAD = {
    "维度.xls": "无法读取",
    "公式损坏.xls": "无法读取",
    "空格.ods": "无法读取",
    "填充.xlsx": "无法读取",
    "实体炸弹.xlsx": "无法读取",
    "共享字符串炸弹.xlsx": "无法读取",
    "压缩炸弹.xlsx": "无法读取",
    "截断.xlsx": "无法读取",
    "加密.xlsx": "无法读取",
    "名单.xlsx": "无法读取",
    "文件夹.xlsx": "无法读取",
}


def with_formula_panic(xlsx_dir: Path, dst: Path) -> Path:
    """An .xls (saved by LibreOffice) whose one FORMULA record claims 0xFFFF bytes of formula tokens:
    python-calamine panics (pyo3 PanicException) on opening it."""
    from office import convert

    wb = openpyxl.Workbook()
    wb.active.title = "历史记录"
    wb.active.append(["统一社会信用代码", "机构名称", "星级", "评定日期", "状态"])
    wb.active["F2"] = "=1+2"
    wb.save(xlsx_dir / "公式.xlsx")
    data = bytearray(convert(xlsx_dir / "公式.xlsx", "xls", xlsx_dir / "xls").read_bytes())
    patched = 0
    for match in re.finditer(re.escape(FORMULA), bytes(data)):
        at = match.start()
        if 20 < struct.unpack_from("<H", data, at + 2)[0] < 100 and struct.unpack_from("<HH", data, at + 4) == (1, 5):
            struct.pack_into("<H", data, at + 4 + 20, 0xFFFF)  # cce, after row, col, xf, value (8), flags, chn
            patched += 1
    assert patched == 1
    dst.write_bytes(bytes(data))
    return dst


def with_heavy_styles(src: Path, dst: Path, formats: int = 2_300_000) -> Path:
    """`formats` more cell formats in styles.xml (about 150 MB unpacked, a few MB packed: varied enough
    that the zip-bomb guard's compression ratio lets it through, as in the file that was reported)."""
    rng = random.Random(15)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/styles.xml":
                xml = data.decode()
                head = re.search(r'<cellXfs count="(\d+)">', xml)
                extra = "".join(f'<xf numFmtId="{rng.randrange(50)}" fontId="0" fillId="0" borderId="0" xfId="0"/>'
                                for _ in range(formats))
                xml = xml.replace(head.group(0), f'<cellXfs count="{int(head.group(1)) + formats}">', 1)
                data = xml.replace("</cellXfs>", extra + "</cellXfs>", 1).encode()
            zout.writestr(info, data)
    return dst


def with_an_issue(path: Path) -> Path:
    """A text typed where the self-assessment of 3-02 belongs: one error at a cell, so an annotated copy is made."""
    store_text(path, layout.SCORE_SHEET, {score_cell(STAR, "self", "3-02"): "二十"})
    return path


def add_bad_files(folder: Path, seed: Path, work: Path) -> None:
    from office import convert

    with_huge_dimensions(convert(seed, "xls", work / "xls"), folder / "维度.xls")
    with_formula_panic(work, folder / "公式损坏.xls")
    with_space_bomb(convert(seed, "ods", work / "ods"), folder / "空格.ods")
    with_hidden_sheet_part(seed, folder / "填充.xlsx", pad_rels=True)
    add_bombs_and_broken_files(folder, seed)
    (folder / "文件夹.xlsx").mkdir()


@pytest.fixture(scope="module")
def star_folder(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("star")
    seed = filled(work / "seed.xlsx", seed=61)
    folder = work / "收到的材料"
    folder.mkdir()
    for n in range(3):
        filled(folder / f"0{n + 1}_正常.xlsx", seed=62 + n)
    with open(os.path.join(os.fsencode(folder), GBK_NAME), "wb") as out:  # a valid workbook, GBK-named
        out.write(filled(work / "gbk.xlsx", seed=66).read_bytes())
    with_an_issue(filled(folder / LONG_NAME, seed=67))
    with_heavy_styles(with_an_issue(filled(work / "styles_seed.xlsx", seed=68)), folder / "样式.xlsx")
    add_bad_files(folder, seed, work)
    return folder


@pytest.fixture(scope="module")
def city_folder(tmp_path_factory, star_folder: Path) -> Path:
    work = tmp_path_factory.mktemp("city")
    folder = work / "各市材料"
    folder.mkdir()
    for name in ("南宁市", "柳州市", "桂林市"):
        write_city(folder, template(CITY.id), CITY, name)
    for name in BAD:
        src = star_folder / name
        if src.is_dir():
            (folder / name).mkdir()
        else:
            (folder / name).write_bytes(src.read_bytes())
    return folder


def digests(folder: Path) -> dict[bytes, str]:
    """Every input by its name as bytes (a GBK name is not valid text), with the SHA-256 of its content."""
    out = {}
    for root, _dirs, files in os.walk(os.fsencode(folder)):
        for name in files:
            path = os.path.join(root, name)
            with open(path, "rb") as fh:
                out[path] = hashlib.sha256(fh.read()).hexdigest()
    return out


def run_measured(*args: object) -> tuple[subprocess.CompletedProcess, float]:
    """`python -m tuoyu_excel args` as its own program, and the largest resident set (MB) of it or any
    of its worker processes (measured by a small parent that only waits for it)."""
    probe = ("import json, resource, subprocess, sys; done = subprocess.run(sys.argv[1:], capture_output=True); "
             "print(json.dumps({'rc': done.returncode, 'out': done.stdout.decode('utf-8', 'replace'), "
             "'err': done.stderr.decode('utf-8', 'replace'), "
             "'peak_kb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))")
    done = subprocess.run([sys.executable, "-c", probe, sys.executable, "-m", "tuoyu_excel", *map(str, args)],
                          cwd=ROOT, capture_output=True, text=True, timeout=SECONDS,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert done.returncode == 0, done.stderr[-3000:]
    got = json.loads(done.stdout)
    return subprocess.CompletedProcess(args, got["rc"], got["out"], got["err"]), got["peak_kb"] / 1024


def assert_finished_with_issues(done: subprocess.CompletedProcess, peak_mb: float) -> None:
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Traceback" not in done.stderr and "程序内部错误" not in done.stderr, done.stderr[-3000:]
    assert "panicked" not in done.stderr, done.stderr[-3000:]  # a worker's last words are not for the official
    assert peak_mb < PEAK_MB, peak_mb


def test_check_with_annotated_copies(star_folder: Path, tmp_path: Path):
    before = digests(star_folder)
    copies = tmp_path / "标注副本"
    done, peak = run_measured("check", star_folder, "--rubric", "liuzhou_star", "--stage", "self", "--date", DATE,
                              "-o", tmp_path / "校验报告.xlsx", "--annotate", copies)
    assert_finished_with_issues(done, peak)
    lines = done.stdout.splitlines()
    for name, words in BAD.items():
        assert any(line.startswith(f"  {name}：") and words in line for line in lines), name
    for name in ("01_正常.xlsx", "02_正常.xlsx", "03_正常.xlsx", "阳光托育.xlsx"):
        assert any(line.startswith(f"  {name}：通过") for line in lines), name
    # the 255-byte name is checked and annotated under its own name; the heavy styles are not loaded
    assert (copies / LONG_NAME).is_file()
    annotated = lines[next(n for n, line in enumerate(lines) if line.startswith("标注副本")):]
    heavy = next(line for line in annotated if line.startswith("  样式.xlsx："))
    assert "样式表（styles.xml）过大" in heavy, heavy
    assert not (copies / "样式.xlsx").exists()
    assert not [p.name for p in copies.iterdir() if p.name.startswith(".")]  # no temporary file left
    assert digests(star_folder) == before


@pytest.mark.parametrize("history", ["维度.xls", "公式损坏.xls"])
def test_star_with_a_bad_history(star_folder: Path, tmp_path: Path, history: str):
    before = digests(star_folder)
    out = tmp_path / "结果.xlsx"
    done, peak = run_measured("star", star_folder, "--date", DATE, "--history", star_folder / history, "-o", out)
    assert_finished_with_issues(done, peak)
    for name in BAD:
        assert name in done.stdout, name
    assert f"历史评定记录表 {history} 无法读取" in done.stdout
    # next year's history is not written from an unreadable one (its rows would be lost)
    assert "命名时不会生成更新后的历史评定记录" in done.stdout
    assert not list(tmp_path.glob("历史评定记录_更新至*.xlsx"))
    wb = openpyxl.load_workbook(out)
    ranked = {row["统一社会信用代码"] for row in sheet_rows(wb, "星级评定结果")}
    # the three valid workbooks, the GBK-named one, and the long-named and heavy-styled ones (their one
    # error is in the self-assessment column; the city's ranking reads the 市级核验 column)
    assert len(ranked) == 6
    summary = [v for row in wb["汇总"].iter_rows(values_only=True) for v in row if isinstance(v, str)]
    assert any("无法读取" in v and "不得据此公示" in v for v in summary)
    issues = [row for row in wb["校验问题"].iter_rows(values_only=True)]
    assert any(row[0] == history and row[-1] == "HISTORY_UNREADABLE" for row in issues)
    assert digests(star_folder) == before


def test_city_with_bad_averages(city_folder: Path, tmp_path: Path):
    before = digests(city_folder)
    out = tmp_path / "城市结果.xlsx"
    done, peak = run_measured("city", city_folder, "--date", DATE, "--averages", city_folder / "公式损坏.xls", "-o", out)
    assert_finished_with_issues(done, peak)
    assert "参与评分城市 3 个" in done.stdout
    wb = openpyxl.load_workbook(out, read_only=True)
    issues = [row for row in wb["校验问题"].iter_rows(values_only=True)]
    assert set(BAD) <= {row[0] for row in issues}  # the summary lists the first few; the workbook all
    assert any(row[0] == "公式损坏.xls" and row[-1] == "AVERAGES_UNREADABLE" for row in issues)
    assert digests(city_folder) == before


def test_an_overlong_output_name_is_written(star_folder: Path, tmp_path: Path):
    """`-o` with a 255-byte name: the lock-file probe (~$ + name) must not crash the run."""
    out = tmp_path / ("结" * 83 + "b.xlsx")
    done, _ = run_measured("star", star_folder, "--date", DATE, "-o", out)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr[-2000:]
    assert out.is_file() and zipfile.ZipFile(out).testzip() is None

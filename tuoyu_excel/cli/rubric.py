"""``tuoyu rubric list|export|check|import``: officials replace the rubric without a programmer.

- list: the shipped rubrics, plus rubric files (*.toml, *.xlsx) in the folder (default: the
  current one) and in its 规则 sub-folder, with id, version and totals.
- export: a rubric (shipped name or file) → an editable 规则.xlsx (or .toml text).
- check: every problem of a rubric file, each with its cell (xlsx) or key (toml).
- import: a rubric file → TOML text that loads back equal.

Exit codes: 0 = done and the rubric is sound, 1 = the rubric has problems (listed), 2 = could not run.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from tuoyu_excel.errors import OutputError, RubricError
from tuoyu_excel.intake.rubric_file import SHIPPED, is_rubric_workbook, load_rubric, workbook_problems
from tuoyu_excel.render.output import prepare_output
from tuoyu_excel.render.rubric_book import write_rubric_workbook
from tuoyu_excel.spec.dump import dump_rubric_toml
from tuoyu_excel.spec.kinds import KIND_LABELS
from tuoyu_excel.spec.load import rubric_from_dict
from tuoyu_excel.spec.model import Rubric

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
RUBRIC_FOLDER = "规则"


def register(sub) -> None:
    p = sub.add_parser("rubric", help="评分规则：列出、导出为 Excel、检查、导入",
                       description="评分规则的维护：导出为 Excel 修改，检查后导入或直接用 --rubric 使用。")
    ops = p.add_subparsers(dest="rubric_command", metavar="操作")
    p.set_defaults(func=lambda args: _help(p))
    ls = ops.add_parser("list", help="列出内置规则和文件夹中的规则文件")
    ls.add_argument("--dir", default=".", metavar="文件夹", help=f"查找规则文件的文件夹（默认当前文件夹，并查找其中的“{RUBRIC_FOLDER}”文件夹）")
    ls.set_defaults(func=run_list)
    ex = ops.add_parser("export", help="把规则导出为可编辑的 Excel 工作簿（或 .toml 文本）")
    ex.add_argument("rubric", metavar="规则", help=f"内置规则名（{'、'.join(SHIPPED)}）或规则文件路径")
    ex.add_argument("-o", "--output", default=None, metavar="文件", help="输出文件，.xlsx 或 .toml（默认 规则_<规则编号>.xlsx）")
    ex.add_argument("--overwrite", action="store_true", help="同名文件已存在时直接覆盖（默认另存为新文件名）")
    ex.set_defaults(func=run_export)
    ck = ops.add_parser("check", help="检查规则文件，列出全部问题及所在单元格")
    ck.add_argument("file", metavar="规则文件", help="规则文件（.xlsx 或 .toml），或内置规则名")
    ck.set_defaults(func=run_check)
    im = ops.add_parser("import", help="把 Excel 规则转为 .toml 文本规则")
    im.add_argument("file", metavar="规则文件", help="规则文件（.xlsx 或 .toml）")
    im.add_argument("-o", "--output", default=None, metavar="文件", help="输出的 .toml 文件（默认与规则文件同名、同文件夹）")
    im.add_argument("--overwrite", action="store_true", help="同名文件已存在时直接覆盖（默认另存为新文件名）")
    im.set_defaults(func=run_import)


def _help(parser) -> int:
    parser.print_help()
    return 2


def summary(rubric: Rubric) -> str:
    total = format(rubric.total.normalize(), "f")
    return (f"{rubric.id}  版本 {rubric.version}  {KIND_LABELS[rubric.kind]}  总分 {total}  "
            f"{len(rubric.parts)} 个部分 {len(rubric.items)} 项  校验码 {rubric.content_hash}  {rubric.name}")


def problems_of(path: Path) -> list[RubricError]:
    """Every problem of a rubric file ([] when sound); RubricError when it cannot be read at all."""
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        return workbook_problems(path)
    try:
        load_rubric(path)
    except RubricError as exc:
        if exc.key in ("文件", "格式"):
            raise
        return list(getattr(exc, "problems", [exc]))
    return []


def _print_problems(problems: list[RubricError], path: Path) -> None:
    print(f"规则文件 {path.name} 有 {len(problems)} 个问题：")
    for p in problems:
        print(f"  {p.key}：{p.message}")
    print("请改正后再次检查。（先检查各单元格能否读取；都能读取后，再检查分值合计、星级档次等规则。）")


# ---- list -----------------------------------------------------------------------------------------

def known_rubric_files(folder: Path) -> list[Path]:
    """*.toml files with a [rubric] table and *.xlsx rubric workbooks in `folder` and `folder/规则`."""
    found = []
    for where in (folder, folder / RUBRIC_FOLDER):
        if not where.is_dir():
            continue
        for path in sorted(where.iterdir()):
            if path.name.startswith(("~$", ".~lock")) or not path.is_file():
                continue
            suffix = path.suffix.lower()
            if (suffix == ".toml" and _has_rubric_table(path)) or (suffix in WORKBOOK_SUFFIXES and is_rubric_workbook(path)):
                found.append(path)
    return found


def _has_rubric_table(path: Path) -> bool:
    try:
        return "rubric" in tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        try:  # a broken rubric file is still listed, with its problem
            return b"[rubric]" in path.read_bytes()
        except OSError:
            return False


def run_list(args) -> int:
    folder = Path(args.dir)
    print("内置规则（用 --rubric 规则名 使用）：")
    for name in SHIPPED:
        print(f"  {summary(load_rubric(name))}")
    files = known_rubric_files(folder)
    broken = 0
    print(f"{folder.resolve()} 及其“{RUBRIC_FOLDER}”文件夹中的规则文件（用 --rubric 文件路径 使用）：")
    for path in files:
        shown = path.relative_to(folder) if path.is_relative_to(folder) else path
        try:
            print(f"  {shown}：{summary(load_rubric(path))}")
        except RubricError as exc:
            broken += 1
            print(f"  {shown}：有问题，无法使用（{exc.key}：{exc.message}）。可用 tuoyu rubric check {shown} 查看全部问题")
    if not files:
        print("  （没有找到规则文件）")
    return 1 if broken else 0


# ---- export / check / import ----------------------------------------------------------------------

def _output(wanted: Path, overwrite: bool) -> Path:
    if overwrite:
        return wanted
    out = prepare_output(wanted)
    if out.notice:
        print(out.notice)
    return out.path


def _write_text(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"无法写入 {path}：{exc}。请确认文件夹可写") from exc


def run_export(args) -> int:
    rubric = load_rubric(args.rubric)
    wanted = Path(args.output or f"规则_{rubric.id}.xlsx")
    if wanted.suffix.lower() not in (".xlsx", ".toml"):
        print(f"错误：输出文件“{wanted.name}”应以 .xlsx（Excel）或 .toml（文本）结尾", file=sys.stderr)
        return 2
    path = _output(wanted, args.overwrite)
    if path.suffix.lower() == ".toml":
        _write_text(path, dump_rubric_toml(rubric))
    else:
        write_rubric_workbook(rubric, path)
    print(f"已导出规则：{path}\n  {summary(rubric)}")
    if path.suffix.lower() == ".xlsx":
        print(f"在 Excel/WPS 中修改后，先检查：tuoyu rubric check {path}")
    return 0


def run_check(args) -> int:
    path = Path(args.file)
    if args.file in SHIPPED:
        print(f"内置规则无误：{summary(load_rubric(args.file))}")
        return 0
    refused = _refused(path)
    if refused is not None:
        return refused
    print(f"规则文件 {path.name} 无误：{summary(load_rubric(path))}")
    return 0


def _refused(path: Path, after: str = "") -> int | None:
    """2 for a missing rule file, 1 for one with problems (each printed, then `after`), None when sound."""
    if not path.is_file():
        print(f"错误：找不到规则文件 {path}", file=sys.stderr)
        return 2
    problems = problems_of(path)
    if not problems:
        return None
    _print_problems(problems, path)
    if after:
        print(after)
    return 1


def run_import(args) -> int:
    path = Path(args.file)
    refused = _refused(path, "未生成文件。")
    if refused is not None:
        return refused
    rubric = load_rubric(path)
    text = dump_rubric_toml(rubric)
    _assert_round_trip(rubric, text)
    wanted = Path(args.output) if args.output else path.with_suffix(".toml")
    out = _output(wanted, args.overwrite)
    _write_text(out, text)
    print(f"已导入规则：{out}\n  {summary(rubric)}\n使用时在各命令后加 --rubric {out}")
    return 0


def _assert_round_trip(rubric: Rubric, text: str) -> None:
    again = rubric_from_dict(tomllib.loads(text), rubric.source)
    if again != rubric or again.content_hash != rubric.content_hash:
        raise AssertionError(f"TOML round trip changed rubric {rubric.id}")  # a bug: shown with its traceback

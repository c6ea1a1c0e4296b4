"""The rule-file jobs: list, export, check and import a rubric, so officials replace the rules without
a programmer. Each returns an ``Outcome`` whose lines the command line prints and the window shows.

Status: 0 = done and the rubric is sound, 1 = the rubric has problems (listed), 2 (JobError) = cannot run.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from tuoyu_excel.app.params import DONE_WITH_ISSUES, JobError, JobParams, Outcome
from tuoyu_excel.app.untrusted import rubric_from, rubric_workbook_problems, rule_workbooks
from tuoyu_excel.app.wording import hint, in_window
from tuoyu_excel.errors import OutputError, RubricError, os_reason
from tuoyu_excel.intake.rubric_file import SHIPPED
from tuoyu_excel.render.output import atomic_path, prepare_output
from tuoyu_excel.render.rubric_book import write_rubric_workbook
from tuoyu_excel.spec.dump import dump_rubric_toml
from tuoyu_excel.spec.kinds import KIND_LABELS, KINDS
from tuoyu_excel.spec.load import rubric_from_dict
from tuoyu_excel.spec.model import Rubric

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
RUBRIC_FOLDER = "规则"
ACTIONS = ("list", "export", "check", "import")
TITLE = "评分规则"


def run_rubric(p: JobParams, progress=None) -> Outcome:
    """One rule-file operation: p.action is list, export, check or import; p.rubric names the rule."""
    actions = {"list": _list, "export": _export, "check": _check, "import": _import}
    if p.action not in actions:
        raise JobError(f"没有“{p.action}”操作，可选：{'、'.join(ACTIONS)}")
    outcome = Outcome(TITLE)
    actions[p.action](p, outcome)
    return outcome


def summary(rubric: Rubric) -> str:
    """One line about a rule: by id and fingerprint for the command line (the id is what --rubric takes),
    by its Chinese title in the window."""
    total = format(rubric.total.normalize(), "f")
    if in_window():
        return (f"《{rubric.name}》（{KIND_LABELS[rubric.kind]}，版本 {rubric.version}，总分 {total}，"
                f"{len(rubric.parts)} 个部分 {len(rubric.items)} 项）")
    return (f"{rubric.id}  版本 {rubric.version}  {KIND_LABELS[rubric.kind]}  总分 {total}  "
            f"{len(rubric.parts)} 个部分 {len(rubric.items)} 项  校验码 {rubric.content_hash}  {rubric.name}")


def problems_of(path: Path) -> list[RubricError]:
    """Every problem of a rubric file ([] when sound); RubricError when it cannot be read at all."""
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        return rubric_workbook_problems(path)
    try:
        rubric_from(path)
    except RubricError as exc:
        if exc.key in ("文件", "格式"):
            raise
        return list(getattr(exc, "problems", [exc]))
    return []


def _problem_lines(problems: list[RubricError], path: Path) -> list[str]:
    return ([f"规则文件 {path.name} 有 {len(problems)} 个问题："] + [f"  {p.key}：{p.message}" for p in problems]
            + ["请改正后再次检查。（先检查各单元格能否读取；都能读取后，再检查分值合计、星级档次等规则。）"])


# ---- list -----------------------------------------------------------------------------------------

def known_rubric_files(folder: Path) -> list[Path]:
    """*.toml files with a [rubric] table and *.xlsx rubric workbooks in `folder` and `folder/规则`."""
    found, workbooks = [], []
    for where in (folder, folder / RUBRIC_FOLDER):
        if not where.is_dir():
            continue
        for path in sorted(where.iterdir()):
            if path.name.startswith(("~$", ".~lock")) or not path.is_file():
                continue
            suffix = path.suffix.lower()
            if suffix == ".toml" and _has_rubric_table(path):
                found.append(path)
            elif suffix in WORKBOOK_SUFFIXES:
                workbooks.append(path)
    keep = set(rule_workbooks(workbooks)) if workbooks else set()
    return [path for path in sorted([*found, *keep], key=lambda x: (x.parent != folder, x.name))]


def _has_rubric_table(path: Path) -> bool:
    try:
        return "rubric" in tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        try:  # a broken rubric file is still listed, with its problem
            return b"[rubric]" in path.read_bytes()
        except OSError:
            return False


def _list(p: JobParams, outcome: Outcome) -> None:
    folder = Path(p.source or ".")
    outcome.lines.append("内置规则（用 --rubric 规则名 使用）：")
    outcome.lines += [f"  {summary(rubric_from(name))}" for name in SHIPPED]
    files = known_rubric_files(folder)
    outcome.lines.append(f"{folder.resolve()} 及其“{RUBRIC_FOLDER}”文件夹中的规则文件（用 --rubric 文件路径 使用）：")
    for path in files:
        shown = path.relative_to(folder) if path.is_relative_to(folder) else path
        try:
            outcome.lines.append(f"  {shown}：{summary(rubric_from(path))}")
        except RubricError as exc:
            outcome.status = DONE_WITH_ISSUES
            outcome.lines.append(f"  {shown}：有问题，无法使用（{exc.key}：{exc.message}）。"
                                 f"可用 tuoyu rubric check {shown} 查看全部问题")
    if not files:
        outcome.lines.append("  （没有找到规则文件）")


# ---- export / check / import ----------------------------------------------------------------------

def _output(wanted: Path, outcome: Outcome) -> Path:
    out = prepare_output(wanted)  # the job's output policy decides about an existing file
    if out.notice:
        outcome.lines.append(out.notice)
    return out.path


def _write_text(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as temporary:
            temporary.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"无法写入 {path}：{os_reason(exc)}。请确认文件夹可写") from exc


def _export(p: JobParams, outcome: Outcome) -> None:
    rubric = rubric_from(p.rubric)
    default = f"评分规则_{KINDS[rubric.kind].label}_{rubric.version}版.xlsx"
    wanted = Path(p.output) if p.output else Path(default)
    if p.output_is_folder or wanted.is_dir():
        wanted = wanted / default
    if wanted.suffix.lower() not in (".xlsx", ".toml"):
        raise JobError(f"输出文件“{wanted.name}”应以 .xlsx（Excel）或 .toml（文本）结尾")
    path = _output(wanted, outcome)
    if path.suffix.lower() == ".toml":
        _write_text(path, dump_rubric_toml(rubric))
    else:
        write_rubric_workbook(rubric, path)
    outcome.lines += [f"已导出规则：{path}", f"  {summary(rubric)}"]
    if path.suffix.lower() == ".xlsx":
        outcome.lines.append(hint("rubric_check", file=path))
    outcome.outputs.append(path)


def _check(p: JobParams, outcome: Outcome) -> None:
    if p.rubric in SHIPPED:
        outcome.lines.append(f"内置规则无误：{summary(rubric_from(p.rubric))}")
        return
    path = Path(p.rubric)
    if _refused(path, outcome):
        return
    outcome.lines.append(f"规则文件 {path.name} 无误：{summary(rubric_from(path))}")


def _refused(path: Path, outcome: Outcome, after: str = "") -> bool:
    """True (problems listed, status 1) when the rule file has problems; JobError when it is missing."""
    if not path.is_file():
        raise JobError(f"找不到规则文件 {path}")
    problems = problems_of(path)
    if not problems:
        return False
    outcome.lines += _problem_lines(problems, path) + ([after] if after else [])
    outcome.status = DONE_WITH_ISSUES
    return True


def _import(p: JobParams, outcome: Outcome) -> None:
    path = Path(p.rubric)
    if _refused(path, outcome, "未生成文件。"):
        return
    rubric = rubric_from(path)
    text = dump_rubric_toml(rubric)
    _assert_round_trip(rubric, text)
    wanted = Path(p.output) if p.output else path.with_suffix(".toml")
    if p.output_is_folder:
        wanted = wanted / path.with_suffix(".toml").name
    out = _output(wanted, outcome)
    _write_text(out, text)
    outcome.lines += [f"已导入规则：{out}", f"  {summary(rubric)}", hint("rubric_use", file=out)]
    outcome.outputs.append(out)


def _assert_round_trip(rubric: Rubric, text: str) -> None:
    again = rubric_from_dict(tomllib.loads(text), rubric.source)
    if again != rubric or again.content_hash != rubric.content_hash:
        raise AssertionError(f"TOML round trip changed rubric {rubric.id}")  # a bug: shown with its traceback

"""The desktop window, driven for real under Xvfb (tests/gui_driver.py in a child process).

Each test starts its own Xvfb, builds the real window, fills it in, presses 开始 (or a dialog's
button, with the mouse through xdotool), and checks what the window showed and what was written.
Screenshots go to test-artifacts/ (kept by CI); the README's come from here too.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

import openpyxl
import pytest
from PIL import Image
from support.rulings import TIED, clean_samples, fill_rulings
from xvfb import virtual_display

from tuoyu_excel.app.jobs import run_job
from tuoyu_excel.app.params import JobParams
from tuoyu_excel.cli.main import main
from tuoyu_excel.gui.model import (
    TASK_CITY,
    TASK_REPORT,
    TASK_RUBRIC,
    TASK_STAR,
    TASK_TEMPLATE,
    TASKS,
    Settings,
    TaskParams,
    problems,
    rule_in_use,
    stage_choices,
    theme_for,
)

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
STAR, CITY = ROOT / "samples" / "star", ROOT / "samples" / "city"
HISTORY = ROOT / "samples" / "history" / "历史评定.xlsx"
DATE = "2026-11-22"
SCREEN = "1366x768x24"


def test_model_needs_folders_and_a_stage(tmp_path):
    p = TaskParams(task=TASK_STAR, input_dir=str(tmp_path / "无此文件夹"), output_dir="", stage="", date="2026-13-01",
                   name_date="12月5日")
    msgs = problems(p)
    assert "请选择存放已填表格的输入文件夹。" in msgs
    assert "请选择输出文件夹。" in msgs
    assert any("评定日期“2026-13-01”无效" in m for m in msgs)
    assert any(m.startswith("命名日期“12月5日”无效") for m in msgs)
    assert [k for k, _ in stage_choices(TaskParams(task=TASK_STAR))] == ["county", "city"]
    assert problems(TaskParams(task=TASK_TEMPLATE, output_dir=str(tmp_path))) == []


def test_the_star_form_maps_the_decision_fields(tmp_path):
    """决定工作簿, 公示开始日期, 公示结束日期 and 命名日期 reach JobParams; publish_date is not the window's."""
    decided = tmp_path / "已裁定.xlsx"
    p = TaskParams(task=TASK_STAR, input_dir=str(tmp_path), rulings=str(decided), notice_date="2026-11-25",
                   notice_end="2026年12月1日", name_date="2026-12-05").job_params()
    assert (p.rulings, p.notice_date.isoformat(), p.notice_end.isoformat(), p.name_date.isoformat()) == \
        (decided, "2026-11-25", "2026-12-01", "2026-12-05")
    assert "publish_date" not in TaskParams.__dataclass_fields__ and p.shell == "window"
    assert TaskParams(task=TASK_CITY, name_date="2026-12-05").job_params().name_date is None


def test_the_platforms_own_theme():
    assert theme_for("win32", ("winnative", "clam", "alt", "default", "classic", "vista", "xpnative")) == "vista"
    assert theme_for("win32", ("winnative", "clam", "default")) == "winnative"  # an older Windows or Wine
    assert theme_for("darwin", ("aqua", "clam", "default")) == "aqua"
    assert theme_for("linux", ("clam", "alt", "default", "classic")) == "clam"
    assert theme_for("linux", ("default",)) == "default"


def test_settings_are_kept_per_task(tmp_path):
    path = tmp_path / "settings.json"
    settings = Settings.of(TaskParams(task=TASK_STAR, input_dir="D:/托育 表格", output_dir="D:/结果",
                                      rulings="D:/已裁定.xlsx", name_date="2026-12-05"))
    settings.remember(TaskParams(task=TASK_RUBRIC, rubric="D:/规则/星级.xlsx", output_dir="D:/规则"))
    settings.save(path)
    again = Settings.load(path)
    assert again.task == TASK_RUBRIC
    assert again.form(TASK_STAR).input_dir == "D:/托育 表格" and again.form(TASK_STAR).output_dir == "D:/结果"
    assert again.form(TASK_STAR).rulings == again.form(TASK_STAR).name_date == ""  # asked again each evaluation
    assert again.form(TASK_RUBRIC).rubric == "D:/规则/星级.xlsx"
    assert again.form(TASK_CITY) == TaskParams(task=TASK_CITY)  # nothing leaks into a task never run
    path.write_text("{坏的", encoding="utf-8")
    assert Settings.load(path) == Settings()


def test_older_settings_keep_their_task_without_the_shared_rule(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"last": {"task": TASK_STAR, "input_dir": "D:/表格", "rubric": "D:/规则.xlsx"}},
                               ensure_ascii=False), encoding="utf-8")
    settings = Settings.load(path)
    assert settings.task == TASK_STAR and settings.form(TASK_STAR).input_dir == "D:/表格"
    assert settings.form(TASK_STAR).rubric == "" and settings.form(TASK_CITY).input_dir == ""


@pytest.fixture(scope="module")
def star_rule(tmp_path_factory) -> Path:
    """The star rule exported as an Excel workbook in task 6, as an official would."""
    out = tmp_path_factory.mktemp("规则")
    return run_job(JobParams(job="rubric", action="export", rubric="liuzhou_star", output=out,
                             output_is_folder=True)).outputs[0]


def test_each_task_names_its_rule_and_refuses_one_of_the_wrong_kind(star_rule):
    assert rule_in_use(TaskParams(task=TASK_STAR)) == ("使用内置规则《柳州市托育机构星级评定评分表（默认版）》。", True)
    assert rule_in_use(TaskParams(task=TASK_CITY))[0] == "使用内置规则《广西开展全国婴幼儿照护服务示范城市创建活动评分细则》。"
    assert rule_in_use(TaskParams(task=TASK_STAR, rubric=str(star_rule))) == \
        (f"使用规则文件《柳州市托育机构星级评定评分表（默认版）》（{star_rule.name}）。", True)
    text, usable = rule_in_use(TaskParams(task=TASK_CITY, rubric=str(star_rule)))
    assert not usable and text.startswith("所选规则文件是星级评定规则（《柳州市托育机构星级评定评分表（默认版）》），"
                                          "不能用于示范城市评分。")
    assert text in problems(TaskParams(task=TASK_CITY, rubric=str(star_rule)))
    assert stage_choices(TaskParams(task=TASK_CITY, rubric=str(star_rule))) == []  # no stage of the wrong rule


# ---- the real window ----------------------------------------------------------------------------

def drive(scenario: str, params: TaskParams | None, tmp_path: Path, screenshot: Path | None = None,
          screen: str = "1280x900x24", scaling: str = "", path_env: str | None = None) -> dict:
    """Run the window in a child process under a fresh Xvfb; return what it showed."""
    out = tmp_path / "shown.json"
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    if path_env is not None:
        env["PATH"] = path_env
    with virtual_display(screen) as display:
        done = subprocess.run([sys.executable, str(ROOT / "tests" / "gui_driver.py"), scenario,
                               json.dumps(asdict(params) if params else None, ensure_ascii=False), str(out),
                               str(screenshot or ""), scaling],
                              env={**env, "DISPLAY": display}, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture
def official_folder():
    """The samples in a folder whose path could be any official's (the README's screenshots show it)."""
    base = Path(tempfile.gettempdir()) / "官员"
    folder = base / "2026年星级评定"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(STAR, folder / "申报表")
    shutil.copy(HISTORY, folder / "历史评定.xlsx")
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _inside(box: list[int], screen: list[int]) -> bool:
    left, top, right, bottom = box
    return 0 <= left < right <= screen[0] and 0 <= top < bottom <= screen[1]


def test_star_rating_through_the_window_at_1366x768(official_folder):
    """The star task with its history on a 1366×768 screen: the result leads with what needs action,
    in colour; the window fits the screen with the open buttons on it. The screenshot is the README's."""
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "gui_star_1366x768.png"
    params = TaskParams(task=TASK_STAR, input_dir=str(official_folder / "申报表"),
                        output_dir=str(official_folder / "结果"), date=DATE, history=str(official_folder / "历史评定.xlsx"))
    shown = drive("star", params, official_folder, shot, screen=SCREEN)
    assert shown["told"] == []
    assert shown["status"] == "星级评定：完成，有 2 家待裁定；9 份表格未参加评定。"
    results = Path(shown["outputs"][0])
    assert results.name.startswith("星级评定结果_") and results.parent == official_folder / "结果"
    assert {"星级评定结果", "待裁定"} <= set(openpyxl.load_workbook(results, read_only=True).sheetnames)
    summary = shown["summary"]
    assert summary.startswith("需要处理：\n注意：有 2 家机构待裁定")
    assert "--" not in summary and "在“决定工作簿（裁定/公示核查）”中选择该结果工作簿" in summary
    assert summary.index("请留意：") < summary.index("共读取 49 个文件") < summary.index("城区：三星级")
    assert "有 2 家机构待裁定" in shown["tags"]["action"] and "未参加评定：" in shown["tags"]["warn"]
    assert "有 2\n" not in summary and "2 家" in summary  # never broken at the space of “2 家”
    assert shown["open_file"] == "normal" and shown["screen"] == [1366, 768]
    _, _, width, height = shown["window"]
    assert width <= 1340 and height <= 700
    assert _inside(shown["open_box"], shown["screen"]) and _inside(shown["open_dir_box"], shown["screen"])
    assert (official_folder / "config" / "tuoyu_excel" / "settings.json").exists()
    with Image.open(shot) as image:  # the README's docs/window_star.png is a copy: no test machine path in it
        image.crop(image.getbbox()).save(ARTIFACTS / "window_star.png")
    assert str(ROOT) not in summary and "pytest" not in summary


def test_the_window_stays_usable_at_125_percent(tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    params = TaskParams(task=TASK_STAR, input_dir=str(STAR), output_dir=str(tmp_path / "结果"), date=DATE,
                        history=str(HISTORY))
    shown = drive("star", params, tmp_path, ARTIFACTS / "gui_star_1366x768_125.png", screen=SCREEN, scaling="1.25")
    _, _, width, height = shown["window"]
    assert width <= 1366 and height <= 700
    assert _inside(shown["open_box"], shown["screen"]) and _inside(shown["open_dir_box"], shown["screen"])
    assert shown["status"].startswith("星级评定：完成，有 2 家待裁定")


def test_tasks_keep_the_window_still_and_their_own_fields(tmp_path, star_rule):
    """Six tasks clicked through after a restart: one window size, the fields in one place, and each
    task with its own rule and output folder (a rule exported in task 6 stays in task 6)."""
    settings = Settings(TASK_RUBRIC, {
        TASK_RUBRIC: TaskParams(task=TASK_RUBRIC, rubric=str(star_rule), output_dir="/home/官员/规则"),
        TASK_STAR: TaskParams(task=TASK_STAR, output_dir="/home/官员/星级结果"),
        TASK_TEMPLATE: TaskParams(task=TASK_TEMPLATE, output_dir="/home/官员/模板"),
    })
    settings.save(tmp_path / "config" / "tuoyu_excel" / "settings.json")
    ARTIFACTS.mkdir(exist_ok=True)
    shown = drive("tasks", None, tmp_path, ARTIFACTS / "gui_tasks_1366x768.png", screen=SCREEN)
    seen = {t["task"]: t for t in shown["tasks"]}
    assert [t["task"] for t in shown["tasks"]] == list(TASKS)
    assert len({tuple(t["size"]) for t in shown["tasks"]}) == 1  # the window never changes size
    assert len({(t["output_entry"][0], t["output_entry"][2]) for t in shown["tasks"]}) == 1  # nor a field its place
    assert len({tuple(t["open_file"]) for t in shown["tasks"]}) == 1
    assert seen[TASK_RUBRIC]["rule_choice"] == str(star_rule)
    for task in (TASK_TEMPLATE, TASK_STAR, TASK_CITY, TASK_REPORT):
        assert seen[task]["rule_file"] == "" and seen[task]["rule_note"].startswith("使用内置规则")
    assert "《广西开展全国婴幼儿照护服务示范城市创建活动评分细则》" in seen[TASK_CITY]["rule_note"]
    assert [seen[t]["output_dir"] for t in (TASK_RUBRIC, TASK_STAR, TASK_TEMPLATE, TASK_CITY)] == \
        ["/home/官员/规则", "/home/官员/星级结果", "/home/官员/模板", ""]


def test_a_rule_of_the_wrong_kind_is_refused_in_the_window(tmp_path, star_rule):
    params = TaskParams(task=TASK_CITY, input_dir=str(CITY), output_dir=str(tmp_path / "结果"), rubric=str(star_rule))
    ARTIFACTS.mkdir(exist_ok=True)
    shown = drive("refuse", params, tmp_path, ARTIFACTS / "gui_wrong_rule.png", screen=SCREEN)
    assert shown["calls"] == 0
    assert shown["told"] and shown["told"][0].startswith("还不能开始|还不能开始：\n所选规则文件是星级评定规则")
    assert "不能用于示范城市评分" in shown["told"][0]


def test_window_refuses_to_start_without_folders(tmp_path):
    shown = drive("refuse", TaskParams(task=TASK_STAR), tmp_path)
    assert shown["calls"] == 0
    assert shown["told"] and shown["told"][0].startswith("还不能开始|") and "输入文件夹" in shown["told"][0]


@pytest.mark.parametrize(("source", "says"), [
    ("city", f"{CITY} 中是示范城市创建评分表（"),
    ("parent", "里没有表格，但子文件夹“city”中有 "),
])
def test_a_wrong_folder_names_the_right_one_and_creates_nothing(tmp_path, source, says):
    out = tmp_path / "结果"
    folder = CITY if source == "city" else ROOT / "samples"
    shown = drive("run", TaskParams(task=TASK_STAR, input_dir=str(folder), output_dir=str(out), date=DATE), tmp_path)
    assert shown["status"] == "未能完成。" and len(shown["told"]) == 1
    title, _, text = shown["told"][0].partition("|")
    assert title == "未能完成" and says in text and "详细记录" not in text
    if source == "city":
        assert text.endswith("请用第 5 步“示范城市评分”")
    assert not out.exists()  # no output folder, no log file


@pytest.fixture(scope="module")
def decided(tmp_path_factory) -> tuple[Path, Path]:
    """The clean samples and the final results of their 公示 (the tie ruled): the naming run on them writes
    the results, the 命名名单 and the kept history, so the overwrite question covers every file."""
    base = tmp_path_factory.mktemp("决定")
    folder = clean_samples(base / "收到")
    first = base / "第一次" / "结果.xlsx"
    assert main(["star", str(folder), "--history", str(HISTORY), "--date", DATE, "-o", str(first)]) == 1
    filled = fill_rulings(first, base / "已裁定.xlsx", {TIED[0]: ("三星级", "纪要"), TIED[1]: ("二星级", "同上")})
    final = base / "公示" / "结果.xlsx"  # the 公示 (from 2026-11-25 to 12-01), ready for the naming run
    assert main(["star", str(folder), "--history", str(HISTORY), "--date", DATE, "--rulings", str(filled),
                 "--notice-date", "2026-11-25", "-o", str(final)]) == 0
    return folder, final


def renamed(name: str) -> str:
    stem, _, suffix = name.rpartition(".")
    return f"{stem}(2).{suffix}"


@pytest.mark.parametrize("button", ["覆盖", "另存为新文件", "取消"])
def test_an_existing_results_file_is_the_officials_choice(tmp_path, decided, button):
    """The window runs the same naming twice: the second run finds its results file and asks in
    its own dialog, whose buttons say 覆盖 / 另存为新文件 / 取消; the mouse clicks one (xdotool).
    覆盖 replaces every file the first run wrote (results and kept history), 另存为新文件 writes each as
    name(2).xlsx beside it, 取消 writes nothing."""
    folder, filled = decided
    out = tmp_path / "结果"
    params = TaskParams(task=TASK_STAR, input_dir=str(folder), output_dir=str(out), date=DATE, history=str(HISTORY),
                        rulings=str(filled), name_date="2026-12-04")
    shown = drive(f"again:{button}", params, tmp_path, ARTIFACTS / "gui_overwrite.png" if button == "取消" else None)
    first = shown["first_outputs"]
    assert first[0].startswith("星级评定结果_") and any(name.startswith("历史评定记录_更新至") for name in first)
    assert shown["first_status"] == "星级评定：完成。"
    [asked] = shown["asked"]
    assert asked["buttons"] == ["覆盖", "另存为新文件", "取消"]
    assert asked["head"] == "这个文件已经存在：" and asked["lines"][0] == first[0]  # the name in one piece
    name_left, _, name_right, _ = asked["name_box"]
    dialog_left, _, dialog_right, _ = asked["dialog_box"]
    assert dialog_left <= name_left < name_right <= dialog_right  # and all of it shown
    assert f"另存为新文件：保存为 {renamed(first[0])}，原文件保持不变。" in [line.replace("\n", "") for line in asked["lines"]]
    assert shown["told"] == []
    assert shown["status"] == ("已取消，没有写入任何文件。" if button == "取消" else "星级评定：完成。")
    now = {p.name for p in out.iterdir() if p.name != "托育工具运行日志.txt"}
    assert now == set(first) | ({renamed(name) for name in first} if button == "另存为新文件" else set())
    for name in now:  # every one a whole workbook
        openpyxl.load_workbook(out / name, read_only=True).close()
    replaced = [(out / name).stat().st_ino != inode for name, inode in shown["first_inodes"].items()]
    assert replaced == [button == "覆盖"] * len(first)  # 覆盖 replaced the first run's files; the others left them


def _opener(tmp_path: Path, exit_code: int) -> str:
    """A PATH whose xdg-open records what it was asked to open and exits with `exit_code`."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    opener = bin_dir / "xdg-open"
    opener.write_text(f'#!/bin/sh\nprintf "%s" "$1" > "{tmp_path / "opened.txt"}"\nexit {exit_code}\n',
                      encoding="utf-8")
    opener.chmod(0o755)
    return f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin"


@pytest.mark.parametrize("opener", ["missing", "fails"])
def test_a_result_that_cannot_be_opened_is_still_there(tmp_path, opener):
    """No program opens .xlsx: the window says so in Chinese, says where the results are, and keeps
    the success it showed (status and summary)."""
    path_env = str(tmp_path / "empty") if opener == "missing" else _opener(tmp_path, 3)
    params = TaskParams(task=TASK_STAR, input_dir=str(STAR), output_dir=str(tmp_path / "结果"), date=DATE,
                        history=str(HISTORY))
    shown = drive("open", params, tmp_path, path_env=path_env)
    assert shown["status"] == shown["before"] == "星级评定：完成，有 2 家待裁定；9 份表格未参加评定。"
    assert "需要处理：" in shown["summary"] and "城区：三星级" in shown["summary"]
    [told] = shown["told"]
    assert told.startswith(f"无法打开|无法自动打开：\n结果已保存在 {tmp_path / '结果'}，但本机没有可以打开 .xlsx 文件的默认程序")
    assert told.endswith("请在文件夹中用 Excel/WPS 打开它。") and "No such file" not in told
    if opener == "fails":
        assert (tmp_path / "opened.txt").read_text(encoding="utf-8") == shown["outputs"][0]


def test_several_blank_forms_open_their_folder(tmp_path):
    shown = drive("open", TaskParams(task=TASK_TEMPLATE, output_dir=str(tmp_path / "模板")), tmp_path,
                  path_env=_opener(tmp_path, 0))
    assert len(shown["outputs"]) == 4 and shown["open_label"] == "打开结果文件夹（4 个文件）"
    assert shown["told"] == []
    assert (tmp_path / "opened.txt").read_text(encoding="utf-8") == str(tmp_path / "模板")

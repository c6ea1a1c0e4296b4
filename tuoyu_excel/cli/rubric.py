"""``tuoyu rubric list|export|check|import``: the rule-file jobs (app/rubric_jobs.py) on the command line."""

from __future__ import annotations

from pathlib import Path

from tuoyu_excel.app.params import JOB_RUBRIC, JobParams
from tuoyu_excel.app.rubric_jobs import RUBRIC_FOLDER
from tuoyu_excel.intake.rubric_file import SHIPPED


def _build(action: str, rubric_arg: str = ""):
    def build(args) -> JobParams:
        return JobParams(job=JOB_RUBRIC, action=action, rubric=getattr(args, rubric_arg, "") if rubric_arg else "",
                         source=Path(getattr(args, "dir", ".") or "."),
                         output=Path(args.output) if getattr(args, "output", None) else None,
                         overwrite=getattr(args, "overwrite", False))
    return build


def register(sub) -> None:
    p = sub.add_parser("rubric", help="评分规则：列出、导出为 Excel、检查、导入",
                       description="评分规则的维护：导出为 Excel 修改，检查后导入或直接用 --rubric 使用。")
    ops = p.add_subparsers(dest="rubric_command", metavar="操作")
    p.set_defaults(func=lambda args: _help(p))
    ls = ops.add_parser("list", help="列出内置规则和文件夹中的规则文件")
    ls.add_argument("--dir", default=".", metavar="文件夹",
                    help=f"查找规则文件的文件夹（默认当前文件夹，并查找其中的“{RUBRIC_FOLDER}”文件夹）")
    ls.set_defaults(build=_build("list"))
    ex = ops.add_parser("export", help="把规则导出为可编辑的 Excel 工作簿（或 .toml 文本）")
    ex.add_argument("rubric", metavar="规则", help=f"内置规则名（{'、'.join(SHIPPED)}）或规则文件路径")
    ex.add_argument("-o", "--output", default=None, metavar="文件", help="输出文件，.xlsx 或 .toml（默认 评分规则_<类型>_<版本>版.xlsx）")
    ex.add_argument("--overwrite", action="store_true", help="同名文件已存在时直接覆盖（默认不覆盖：提示后退出）")
    ex.set_defaults(build=_build("export", "rubric"))
    ck = ops.add_parser("check", help="检查规则文件，列出全部问题及所在单元格")
    ck.add_argument("file", metavar="规则文件", help="规则文件（.xlsx 或 .toml），或内置规则名")
    ck.set_defaults(build=_build("check", "file"))
    im = ops.add_parser("import", help="把 Excel 规则转为 .toml 文本规则")
    im.add_argument("file", metavar="规则文件", help="规则文件（.xlsx 或 .toml）")
    im.add_argument("-o", "--output", default=None, metavar="文件", help="输出的 .toml 文件（默认与规则文件同名、同文件夹）")
    im.add_argument("--overwrite", action="store_true", help="同名文件已存在时直接覆盖（默认不覆盖：提示后退出）")
    im.set_defaults(build=_build("import", "file"))


def _help(parser) -> int:
    parser.print_help()
    return 2

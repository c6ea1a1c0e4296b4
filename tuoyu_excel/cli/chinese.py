"""argparse in Chinese: its help headings and its error messages, for officials who read no English.

argparse looks its words up through gettext at the moment it prints them; ``ChineseParser`` answers
those look-ups from the table below and prints errors as one Chinese line (exit status 2).
"""

from __future__ import annotations

import argparse
import sys

WORDS = {
    "usage: ": "用法：",
    "positional arguments": "必填参数",
    "options": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示程序版本并退出",
    "the following arguments are required: %s": "缺少必填参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "“%(value)s”不是可选值，可选：%(choices)s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "expected one argument": "后面需要跟一个值",
    "expected at most one argument": "后面最多跟一个值",
    "expected at least one argument": "后面至少需要一个值",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "invalid %(type)s value: %(value)r": "“%(value)s”不是有效的值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是：%(matches)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "one of the arguments %s is required": "需要以下参数之一：%s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "没有“%(parser_name)s”命令，可用：%(choices)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
}


def chinese(text: str) -> str:
    return WORDS.get(text, text)


class ChineseParser(argparse.ArgumentParser):
    """An ArgumentParser whose help and errors are Chinese; sub-command parsers are of the same class."""

    def __init__(self, *args, **kwargs):
        argparse._ = chinese  # argparse reads its words through this module-level name when it prints
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助并退出")

    def format_help(self) -> str:
        text = super().format_help()  # argparse puts an ASCII colon after each heading
        for heading in ("必填参数", "选项", "操作", "命令"):
            text = text.replace(f"\n{heading}:\n", f"\n{heading}：\n")
        return text

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, f"错误：{message}。用 {self.prog} --help 查看用法\n")

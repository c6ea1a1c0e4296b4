"""The window's own dialogs: real button labels and Chinese line breaking on every platform.

Tk's message boxes label their buttons from Tk's catalogue (on Linux 是/否/取消 came out as
确定/取消/取消) and wrap their text at spaces; these dialogs say what each button does on the button
itself and break lines with ``gui/text.py``. ``last_dialog`` holds the dialog on screen, so a test
can find its buttons and click them.
"""

from __future__ import annotations

from pathlib import Path

from tuoyu_excel.gui.text import wrap_all
from tuoyu_excel.platform_support import ui_font

OVERWRITE, RENAME, CANCEL, OK = "覆盖", "另存为新文件", "取消", "确定"
TEXT_WIDTH = 440  # pixels at 100 %: the dialogs' text column (scaled with Tk's scaling)

last_dialog = None  # the Dialog on screen (tests click its buttons)


class Dialog:
    """A modal dialog: a bold first line, text lines, one button per choice; `choice` is the label of
    the button pressed (the last button when the window is closed or Esc is pressed)."""

    def __init__(self, root, title: str, head: str, body: list[str], buttons: tuple[str, ...], icon: str = "",
                 unbroken: tuple[int, ...] = ()):
        import tkinter as tk  # the window's toolkit loads only when a window is made
        from tkinter import font as tkfont  # as above
        from tkinter import ttk  # as above

        self.top = top = tk.Toplevel(root)
        top.title(title)
        top.transient(root)
        top.resizable(False, False)
        self.choice = buttons[-1]
        frame = ttk.Frame(top, padding=16)
        frame.pack(fill="both", expand=True)
        family, size = _font(root)
        normal = tkfont.Font(root=root, family=family, size=size)
        bold = tkfont.Font(root=root, family=family, size=size, weight="bold")
        width = int(TEXT_WIDTH * float(root.tk.call("tk", "scaling")) / (96 / 72))
        colour = {"error": "#a4262c", "warn": "#8a5300"}.get(icon, "")
        self.head = ttk.Label(frame, text=wrap_all(head, width, bold.measure), font=bold, justify="left",
                              **({"foreground": colour} if colour else {}))
        self.head.pack(anchor="w")
        self.labels = []
        for n, line in enumerate(body):
            # a file name is never broken: the dialog widens for it
            text = line if n in unbroken else wrap_all(line, width, normal.measure)
            label = ttk.Label(frame, text=text, font=bold if n in unbroken else normal, justify="left")
            label.pack(anchor="w", pady=(6, 0))
            self.labels.append(label)
        row = ttk.Frame(frame)
        row.pack(anchor="e", pady=(16, 0))
        self.buttons = {}
        for text in buttons:
            button = ttk.Button(row, text=text, command=lambda t=text: self.close(t))
            button.pack(side="left", padx=(8, 0))
            self.buttons[text] = button
        top.protocol("WM_DELETE_WINDOW", lambda: self.close(buttons[-1]))
        top.bind("<Escape>", lambda _e: self.close(buttons[-1]))
        _place_over(top, root)

    def close(self, choice: str) -> None:
        self.choice = choice
        self.top.grab_release()
        self.top.destroy()

    def run(self) -> str:
        global last_dialog
        last_dialog = self
        try:
            self.top.wait_visibility()
            self.top.grab_set()
            self.buttons[list(self.buttons)[-1]].focus_set()
            self.top.wait_window()
        finally:
            last_dialog = None
        return self.choice


def _font(root) -> tuple[str, int]:
    spec = ui_font(root, 10)
    if isinstance(spec, tuple):
        return spec
    from tkinter import font as tkfont  # as above: tkinter only with a window

    named = tkfont.nametofont("TkDefaultFont", root=root).actual()
    return named["family"], 10


def _place_over(top, root) -> None:
    top.update_idletasks()
    x = root.winfo_rootx() + max(0, (root.winfo_width() - top.winfo_reqwidth()) // 2)
    y = root.winfo_rooty() + max(0, (root.winfo_height() - top.winfo_reqheight()) // 3)
    top.geometry(f"+{x}+{y}")


def ask_existing(root, path: Path) -> str:
    """覆盖, 另存为新文件 or 取消, for an output file that is already there."""
    return Dialog(root, "文件已存在", "这个文件已经存在：", [
        path.name,
        f"所在文件夹：{path.parent}",
        "覆盖：用这次的结果替换它。",
        f"另存为新文件：保存为 {path.stem}(2){path.suffix}，原文件保持不变。",
        "取消：这次不运行，不写入任何文件。",
    ], (OVERWRITE, RENAME, CANCEL), unbroken=(0,)).run()


def tell(root, title: str, text: str, icon: str = "warn") -> None:
    """A message with one 确定 button; its first line is the heading."""
    head, _, rest = text.partition("\n")
    Dialog(root, title, head, [line for line in rest.split("\n") if line.strip()], (OK,), icon).run()

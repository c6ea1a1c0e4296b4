"""The process's console streams, made safe for Chinese text before anything prints."""

from __future__ import annotations

import os
import sys


def safe_console() -> None:
    """A frozen windowed app has no stdout; a GBK console cannot print every character."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 - lives as long as the process
        elif hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="replace")
            except (ValueError, OSError):
                pass

"""Frozen entry point of the windowed executable: a double-click opens the window."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from tuoyu_excel.gui.window import main

    sys.exit(main())

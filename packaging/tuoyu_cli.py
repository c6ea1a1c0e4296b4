"""Frozen entry point of the console executable (absolute import: PyInstaller runs this as a script)."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from tuoyu_excel.cli.main import main

    sys.exit(main())

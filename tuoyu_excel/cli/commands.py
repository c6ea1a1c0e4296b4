"""The list of command families registered on the `tuoyu` parser (one line each)."""

from tuoyu_excel.app.demo import register as register_demo
from tuoyu_excel.cli.check import register as register_check
from tuoyu_excel.cli.city import register as register_city
from tuoyu_excel.cli.report import register as register_report
from tuoyu_excel.cli.rubric import register as register_rubric
from tuoyu_excel.cli.star import register as register_star

REGISTRARS: list = [register_check, register_report, register_star, register_city, register_rubric, register_demo]

"""The list of command families registered on the `tuoyu` parser (one line each)."""

from .cli_check import register as register_check
from .cli_city import register as register_city
from .cli_demo import register as register_demo
from .cli_report import register as register_report
from .cli_rubric import register as register_rubric
from .cli_star import register as register_star

REGISTRARS: list = [register_check, register_report, register_star, register_city, register_rubric, register_demo]

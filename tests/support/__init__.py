"""Shared builders for the tests: workbooks filled in code as a person would, and the dates they use.

    support.star     star templates, filled workbooks, in-memory raw workbooks, cell names, XML helpers
    support.city     city workbooks and the official averages
    support.results  folders of institutions for the star results
"""

import datetime as dt

EVAL_DATE = dt.date(2026, 11, 22)  # the star tests' and the samples' 评定日期 (after valid_form's 填报日期)
CITY_EVAL_DATE = dt.date(2026, 6, 30)  # the city tests' 评定日期

"""How printable tables are laid out to print legibly: columns narrowed and wrapped, not the page shrunk."""

from __future__ import annotations

from decimal import Decimal

from tuoyu_excel.render.print_page import MIN_SCALE, PAGE_PIXELS, column_pixels, fit_scale, fit_widths
from tuoyu_excel.render.star.sheets import RESULTS_COLS
from tuoyu_excel.render.tables import INT, SCORE, TEXT_FLOOR, Col, column_floors, column_widths, printed_widths


def test_a_table_that_fits_is_left_as_it_is():
    assert fit_widths([10, 20, 30], [10, 8, 8]) == [10, 20, 30]
    assert fit_scale([10, 20, 30]) == 1.0


def test_wide_text_columns_are_narrowed_alike_never_below_their_floor():
    widths, floors = [6, 40, 20, 60, 9], [6, 8, 20, 8, 9]  # 20: a credit code, 6 and 9: numbers
    got = fit_widths(widths, floors)
    assert fit_scale(got) >= MIN_SCALE and column_pixels(got) <= PAGE_PIXELS[True] / MIN_SCALE
    assert (got[0], got[2], got[4]) == (6, 20, 9)  # what may not wrap keeps its width
    assert 8 <= got[1] < 40 and 8 <= got[3] < 60
    assert abs(got[1] / 40 - got[3] / 60) < 0.05  # the same share of each: the long note gives up most
    assert got[3] > got[1]


def test_floors_too_wide_end_at_the_floors():
    assert fit_widths([60, 60, 60], [50, 50, 50]) == [50, 50, 50]


def test_portrait_has_less_room():
    widths, floors = [30, 40, 20], [8, 8, 8]
    assert column_pixels(fit_widths(widths, floors, landscape=False)) <= PAGE_PIXELS[False] / MIN_SCALE
    assert fit_widths(widths, floors) == widths  # the same fits landscape


def test_floors_keep_latin_runs_whole_and_numbers_as_measured():
    cols = [Col("机构名称"), Col("统一社会信用代码"), Col("综合得分", SCORE), Col("片区排名", INT), Col("备注")]
    rows = [["柳州市城中区小太阳托育园", "92450206MA5H9QMX1A", Decimal("968.50"), 1, "2026年5月10日 已评为一星级"]]
    widths = column_widths(cols, rows)
    assert widths[2:4] == [8, 6]  # “968.50” and a two-line header; “1” under a wrapped 片区排名
    floors = column_floors(cols, rows, widths)
    assert floors == [TEXT_FLOOR, 19, 8, 6, TEXT_FLOOR]  # 18 characters of a credit code do not wrap


def test_star_results_columns_print_at_nine_points():
    """The ten columns of 星级评定结果 with long names and notes: 10 pt text printed at 9 pt or more."""
    note = "2026年5月10日 已评为一星级，不满 1 年不得评定高一等级，按排名应为二星级，现保持一星级"
    rows = [["城区", 6, "柳州市柳江区快乐宝贝托育服务中心", "92450203306157086K", "融水苗族自治县", Decimal("918.00"),
             Decimal("402.00"), Decimal("0.935"), "一星级", note]] * 3
    widths = printed_widths(RESULTS_COLS, rows)
    assert fit_scale(widths) >= MIN_SCALE
    assert widths[3] >= 19 and widths[2] >= 16  # the code whole, a name in two lines

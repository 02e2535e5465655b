"""Variance arithmetic, worked by hand: profiles, to-date sums, variance, outturn, tolerance."""

import datetime
from decimal import Decimal as D

import pytest

from budgets import calculations
from budgets.calculations import Tolerance
from plans import periods
from plans.periods import Quarter

NONE12 = [None] * 12


@pytest.mark.parametrize(
    ("annual", "months", "expected_first", "expected_second"),
    [
        # 120,000 / 12 = 10,000 a month, exactly.
        (D("120000"), 12, D("10000.00"), D("10000.00")),
        # 100 / 12 = 8.333..: running totals 8.33, 16.67, 25.00... months 8.33, 8.34, 8.33.
        (D("100"), 12, D("8.33"), D("8.34")),
        # Income spreads as negative amounts: -93,000 / 12 = -7,750.
        (D("-93000"), 12, D("-7750.00"), D("-7750.00")),
    ],
)
def test_a_budget_without_a_profile_is_spread_evenly_and_adds_up_exactly(
    annual, months, expected_first, expected_second
):
    profile = calculations.monthly_profile(annual, NONE12)
    assert len(profile) == months
    assert profile[0] == expected_first
    assert profile[1] == expected_second
    assert sum(profile) == annual


def test_a_line_with_any_month_profiled_follows_its_profile_and_other_months_are_nothing():
    profile = [D("50000"), None, D("10000")] + [None] * 9
    assert calculations.monthly_profile(D("120000"), profile) == [
        D("50000"),
        D(0),
        D("10000"),
        *[D(0)] * 9,
    ]


@pytest.mark.parametrize(
    ("amounts", "months", "expected"),
    [
        ([D(10), D(20), None, D(5)], 2, D(30)),
        ([D(10), D(20), None, D(5)], 4, D(35)),
        ([None, None], 2, D(0)),
        ([D(10)], 0, D(0)),
    ],
)
def test_to_date_sums_the_months_so_far_and_counts_a_blank_month_as_nothing(
    amounts, months, expected
):
    assert calculations.to_date(amounts, months) == expected


@pytest.mark.parametrize(
    ("variance", "budget", "percent"),
    [
        (D("6000"), D("60000"), D("10.0")),  # 6,000 over a 60,000 profile: 10%
        (D("-1500"), D("60000"), D("-2.5")),
        (D("1000"), D("30000"), D("3.3")),  # 3.333..% to one place
        (D("500"), D("0"), None),  # no percentage of nothing
        # Income: 13,000 less income than the -46,500 profile: 13000/46500 = 27.96..%
        (D("13000"), D("-46500"), D("28.0")),
    ],
)
def test_variance_percent_is_of_the_budget_it_is_measured_against(variance, budget, percent):
    assert calculations.variance_percent(variance, budget) == percent


@pytest.mark.parametrize(
    ("variance", "budget_to_date", "tolerance", "expected"),
    [
        (D("3000"), D("60000"), D("5"), None),  # exactly 5%: within
        (D("3000.01"), D("60000"), D("5"), Tolerance.OVER),
        (D("-3000.01"), D("60000"), D("5"), Tolerance.UNDER),
        (D("-2999"), D("60000"), D("5"), None),
        (D("1"), D("0"), D("5"), Tolerance.OVER),  # nothing budgeted, something spent
        (D("0"), D("0"), D("5"), None),
        (D("1000"), D("60000"), D("1"), Tolerance.OVER),  # a tighter tolerance
        # Income: 10% of |-46,500| is 4,650, so 5,000 less income is beyond it.
        (D("5000"), D("-46500"), D("10"), Tolerance.OVER),
    ],
)
def test_a_variance_beyond_the_tolerance_of_the_profile_to_date_is_over_or_under(
    variance, budget_to_date, tolerance, expected
):
    assert calculations.beyond_tolerance(variance, budget_to_date, tolerance) == expected


def test_forecast_outturn_is_actuals_to_date_then_forecasts_else_budget_for_later_months():
    actuals = [D(9000), D(11000), D(10500)] + [None] * 9
    forecasts = [None] * 3 + [D(12000), D(12000)] + [None] * 7
    budgets = [D(10000)] * 12
    # 30,500 actual + 24,000 forecast (Jul, Aug) + 7 months at budget 70,000 = 124,500.
    assert calculations.forecast_outturn(
        actuals, forecasts, budgets, calculations.first_months(3)
    ) == D(124500)
    # As at the end of May the June actual is not yet counted: Jun has no forecast, so budget.
    assert calculations.forecast_outturn(
        actuals, forecasts, budgets, calculations.first_months(2)
    ) == D(20000 + 10000 + 24000 + 70000)


def test_a_lines_variance_as_at_september_worked_by_hand():
    # Pay: £1,473,000 a year, spread evenly: £122,750 a month; six months: £736,500.
    actuals = [D(120000), D(121000), D(125000), D(130000), D(131000), D(132500)] + [None] * 6
    forecasts = [None] * 6 + [D(130000)] * 6
    variance = calculations.line_variance(
        annual=D(1473000),
        profile=NONE12,
        actuals=actuals,
        forecasts=forecasts,
        reported=calculations.first_months(6),
        tolerance_percent=D(5),
    )
    assert variance.budget_to_date == D("736500.00")
    assert variance.actual_to_date == D(759500)
    assert variance.variance == D("23000.00")
    assert variance.variance_percent == D("3.1")  # 23,000 / 736,500 = 3.12%
    assert variance.beyond_tolerance is None
    assert variance.forecast_outturn == D(759500 + 780000)
    assert variance.full_year_variance == D(66500)
    assert variance.full_year_variance_percent == D("4.5")  # 66,500 / 1,473,000 = 4.51%


def test_an_income_lines_shortfall_is_a_positive_variance():
    # Income of £93,000 a year: -7,750 a month, -46,500 to September; received 40,000.
    variance = calculations.line_variance(
        annual=D(-93000),
        profile=NONE12,
        actuals=[D(-5000), D(-5000), D(-10000), D(-5000), D(-10000), D(-5000)] + [None] * 6,
        forecasts=NONE12,
        reported=calculations.first_months(6),
        tolerance_percent=D(5),
    )
    assert variance.budget_to_date == D("-46500.00")
    assert variance.actual_to_date == D(-40000)
    assert variance.variance == D("6500.00")
    assert variance.beyond_tolerance == Tolerance.OVER
    assert variance.forecast_outturn == D("-86500.00")


def test_combined_variance_sums_the_parts_and_works_percentages_out_again():
    pay = calculations.line_variance(
        annual=D(120000),
        profile=NONE12,
        actuals=[D(12000)] + [None] * 11,
        forecasts=NONE12,
        reported=calculations.first_months(1),
        tolerance_percent=D(5),
    )
    rent = calculations.line_variance(
        annual=D(24000),
        profile=NONE12,
        actuals=[D(1000)] + [None] * 11,
        forecasts=NONE12,
        reported=calculations.first_months(1),
        tolerance_percent=D(5),
    )
    assert pay.beyond_tolerance == Tolerance.OVER  # 2,000 over 10,000: 20%
    assert rent.beyond_tolerance == Tolerance.UNDER  # 1,000 under 2,000: 50%
    both = calculations.combined_variance([pay, rent], D(5))
    assert both.budget_to_date == D(12000)
    assert both.actual_to_date == D(13000)
    assert both.variance == D(1000)
    assert both.variance_percent == D("8.3")
    assert both.beyond_tolerance == Tolerance.OVER


@pytest.mark.parametrize(
    ("lines_total", "grant", "expected"),
    [(D(2404727), D(2500000), D(95273)), (D(2791052), D(2790450), D(0)), (D(10), D(0), D(0))],
)
def test_the_grant_the_lines_do_not_itemise(lines_total, grant, expected):
    assert calculations.not_itemised(lines_total, grant) == expected


def test_programme_delivery_share_of_the_2012_13_budget():
    # £1,735,018 of £2,500,000 (the printed "70%", 69.4% exactly).
    assert calculations.share_percent(D(1735018), D(2500000)) == D("69.4")
    assert calculations.share_percent(D(1), D(0)) is None


@pytest.mark.parametrize("months_elapsed", [1, 5, 12])
@pytest.mark.parametrize(
    "forecasts", [NONE12, [D("7")] * 12, [None, D("3")] * 6], ids=["none", "all", "some"]
)
def test_an_even_spread_gives_the_same_figures_as_its_twelve_month_profile(
    months_elapsed, forecasts
):
    annual = D("100")  # 8.33, 8.34, 8.33...: the pennies that do not divide
    actuals = [D("9")] * 12
    variance = calculations.line_variance(
        annual=annual,
        profile=NONE12,
        actuals=actuals,
        forecasts=forecasts,
        reported=calculations.first_months(months_elapsed),
        tolerance_percent=D(5),
    )
    month_budgets = calculations.monthly_profile(annual, NONE12)
    assert variance.budget_to_date == calculations.to_date(month_budgets, months_elapsed)
    assert variance.forecast_outturn == calculations.forecast_outturn(
        actuals, forecasts, month_budgets, calculations.first_months(months_elapsed)
    )


# -- As at a month: which months count as actuals, and what a month without them counts -------

APR, MAY, JUN = (datetime.date(2016, month, 1) for month in (4, 5, 6))
SEP, DEC = datetime.date(2016, 9, 1), datetime.date(2016, 12, 1)
MAR = datetime.date(2017, 3, 1)
YEAR = periods.months_of_financial_year(2016)
APRIL_TO_SEPTEMBER = YEAR[:6]  # the demo's 2016-17 actuals
T, F = True, False


@pytest.mark.parametrize(
    ("asked", "months_with_actuals", "expected"),
    [
        # Opens on the latest month with actuals.
        (None, APRIL_TO_SEPTEMBER, SEP),
        # A month with actuals is as asked.
        (JUN, APRIL_TO_SEPTEMBER, JUN),
        (SEP, APRIL_TO_SEPTEMBER, SEP),
        # A month after the latest actuals is as at the latest actuals, never an underspend of
        # the months not yet reported.
        (DEC, APRIL_TO_SEPTEMBER, SEP),
        (MAR, APRIL_TO_SEPTEMBER, SEP),
        # Any day of a month is that month: a quarter's last day (31 December, quarter 3).
        (Quarter(2016, 3).last_day, APRIL_TO_SEPTEMBER, SEP),
        (Quarter(2016, 2).last_day, APRIL_TO_SEPTEMBER, SEP),
        (Quarter(2016, 1).last_day, APRIL_TO_SEPTEMBER, JUN),
        # A month without actuals before a later one with them: the one before it.
        (MAY, [APR, JUN], APR),
        # No actuals by the month asked for, or none at all: before any actuals.
        (APR, [JUN], None),
        (None, [], None),
        (MAR, [], None),
    ],
)
def test_the_as_at_month_is_the_latest_month_with_actuals_not_after_the_one_asked_for(
    asked, months_with_actuals, expected
):
    assert calculations.as_at_month(asked, months_with_actuals) == expected


@pytest.mark.parametrize(
    ("as_at", "months_with_actuals", "expected"),
    [
        (SEP, APRIL_TO_SEPTEMBER, [T] * 6 + [F] * 6),
        (JUN, APRIL_TO_SEPTEMBER, [T] * 3 + [F] * 9),
        (MAR, YEAR, [T] * 12),
        # May has no actuals: it counts with the months not yet reported.
        (JUN, [APR, JUN], [T, F, T] + [F] * 9),
        (None, [], [F] * 12),
    ],
)
def test_the_months_whose_actuals_count_to_date(as_at, months_with_actuals, expected):
    assert calculations.months_reported(YEAR, months_with_actuals, as_at) == tuple(expected)


@pytest.mark.parametrize(
    ("actual", "forecast", "budget", "reported", "expected"),
    [
        (D(100), D(120), D(90), T, D(100)),  # a month with actuals: its actual
        (None, D(120), D(90), T, D(0)),  # the line spent nothing in a reported month
        (None, D(120), D(90), F, D(120)),  # a month without actuals: its forecast,
        (None, None, D(90), F, D(90)),  # then its profile
        (D(100), None, D(90), F, D(90)),  # an actual after the as-at month is not yet known
        (None, D(0), D(90), F, D(0)),  # a forecast of nothing is a forecast
    ],
)
def test_what_a_month_counts_in_the_forecast_outturn(actual, forecast, budget, reported, expected):
    assert calculations.month_outturn(actual, forecast, budget, reported) == expected


def test_a_budget_without_actuals_shows_no_variance_and_an_outturn_on_budget():
    # The rolled-forward draft: £1,200,000 of Pay, no monthly figures, no month reported.
    variance = calculations.line_variance(
        annual=D(1200000),
        profile=NONE12,
        actuals=NONE12,
        forecasts=NONE12,
        reported=(F,) * 12,
        tolerance_percent=D(5),
    )
    assert variance.budget_to_date == 0
    assert variance.actual_to_date == 0
    assert variance.variance == 0
    assert variance.variance_percent is None
    assert variance.beyond_tolerance is None  # not "underspent 100%"
    assert variance.forecast_outturn == D(1200000)
    assert variance.full_year_variance == 0


def test_a_month_without_actuals_between_two_with_them_is_not_an_underspend():
    # £1,200,000 spread evenly: £100,000 a month. Actuals for April and June, none for May,
    # whose forecast is £98,000. To date: April and June only, £200,000 against £200,000.
    variance = calculations.line_variance(
        annual=D(1200000),
        profile=NONE12,
        actuals=[D(95000), None, D(105000)] + [None] * 9,
        forecasts=[None, D(98000)] + [None] * 10,
        reported=(T, F, T) + (F,) * 9,
        tolerance_percent=D(5),
    )
    assert variance.budget_to_date == D(200000)
    assert variance.actual_to_date == D(200000)
    assert variance.variance == 0
    # 95,000 + 98,000 (May's forecast) + 105,000 + nine months at £100,000.
    assert variance.forecast_outturn == D(1198000)


def test_a_profiled_month_without_actuals_takes_its_profile_in_the_outturn():
    # Profiled £150,000, £50,000, £100,000 and nothing after; May has no actuals nor forecast.
    variance = calculations.line_variance(
        annual=D(300000),
        profile=[D(150000), D(50000), D(100000)] + [None] * 9,
        actuals=[D(140000), None, D(100000)] + [None] * 9,
        forecasts=NONE12,
        reported=(T, F, T) + (F,) * 9,
        tolerance_percent=D(5),
    )
    assert variance.budget_to_date == D(250000)
    assert variance.actual_to_date == D(240000)
    assert variance.beyond_tolerance is None  # 10,000 under 250,000: 4%
    assert variance.forecast_outturn == D(290000)  # 140,000 + 50,000 + 100,000
    assert variance.full_year_variance == D(-10000)


def test_the_outturn_as_at_a_month_after_the_latest_actuals_is_the_one_at_the_latest_actuals():
    # The Pay line worked by hand above: actuals to September, forecasts of £130,000 after.
    actuals = [D(120000), D(121000), D(125000), D(130000), D(131000), D(132500)] + [None] * 6
    forecasts = [None] * 6 + [D(130000)] * 6

    def outturn(asked):
        month = calculations.as_at_month(asked, APRIL_TO_SEPTEMBER)
        reported = calculations.months_reported(YEAR, APRIL_TO_SEPTEMBER, month)
        return calculations.line_variance(
            annual=D(1473000),
            profile=NONE12,
            actuals=actuals,
            forecasts=forecasts,
            reported=reported,
            tolerance_percent=D(5),
        )

    assert outturn(MAR) == outturn(SEP) == outturn(DEC)
    assert outturn(MAR).forecast_outturn == D(759500 + 780000)
    assert outturn(MAR).budget_to_date == D("736500.00")  # six months, not twelve


@pytest.mark.parametrize(
    "reported",
    [(T,) * 5 + (F,) * 7, (T, F, T) + (F,) * 9, (F,) * 12, (T,) * 12, (F, T) * 6],
    ids=["five-months", "a-gap", "none", "all", "alternate"],
)
@pytest.mark.parametrize(
    "forecasts", [NONE12, [D("7")] * 12, [None, D("3")] * 6], ids=["none", "all", "some"]
)
def test_an_even_spread_gives_the_same_figures_as_its_profile_whichever_months_count(
    reported, forecasts
):
    annual = D("100")  # 8.33, 8.34, 8.33...: the pennies that do not divide
    actuals = [D("9")] * 12
    variance = calculations.line_variance(
        annual=annual,
        profile=NONE12,
        actuals=actuals,
        forecasts=forecasts,
        reported=reported,
        tolerance_percent=D(5),
    )
    month_budgets = calculations.monthly_profile(annual, NONE12)
    assert variance.budget_to_date == sum(
        (budget for budget, counts in zip(month_budgets, reported, strict=True) if counts), D(0)
    )
    assert variance.forecast_outturn == sum(
        calculations.month_outturn(actual, forecast, budget, counts)
        for actual, forecast, budget, counts in zip(
            actuals, forecasts, month_budgets, reported, strict=True
        )
    )


NOTES_2016_17 = (
    '- Printed as "Total: £2,790,450" in the pie chart.\n'
    "- The four printed lines sum to 2,791,052, £602 more than this total, because Programme "
    "Delivery and Support Costs are printed rounded."
)
NOTES_2012_13 = (
    "- Sum of budget lines: £2,404,727 (project costs £460,018). The lines come to £95,273 less "
    "than the £2.5M remit; the gap is taken to be communications and governance. With that "
    "gap, admin comes to £764,982."
)


@pytest.mark.parametrize(
    ("difference", "notes", "expected"),
    [
        (
            D(602),
            [NOTES_2016_17],
            "The four printed lines sum to 2,791,052, £602 more than this total, because "
            "Programme Delivery and Support Costs are printed rounded.",
        ),
        (
            D(-95273),
            ["", NOTES_2012_13],
            "The lines come to £95,273 less than the £2.5M remit; the gap is taken to be "
            "communications and governance.",
        ),
        # 60 and 6,020 are not 602; 2,791,052 is not 52; a difference of nothing has no reason.
        (D(60), [NOTES_2016_17], ""),
        (D(6020), [NOTES_2016_17], ""),
        (D(52), [NOTES_2016_17], ""),
        (D(0), [NOTES_2016_17], ""),
    ],
)
def test_the_reason_for_a_difference_is_the_notes_sentences_that_mention_it(
    difference, notes, expected
):
    assert calculations.notes_mentioning(difference, notes) == expected

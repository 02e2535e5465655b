"""Variance arithmetic, worked by hand: profiles, to-date sums, variance, outturn, tolerance."""

from decimal import Decimal as D

import pytest

from budgets import calculations
from budgets.calculations import Tolerance

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
    assert calculations.forecast_outturn(actuals, forecasts, budgets, 3) == D(124500)
    # As at the end of May the June actual is not yet counted: Jun has no forecast, so budget.
    assert calculations.forecast_outturn(actuals, forecasts, budgets, 2) == D(
        20000 + 10000 + 24000 + 70000
    )


def test_a_lines_variance_as_at_september_worked_by_hand():
    # Pay: £1,473,000 a year, spread evenly: £122,750 a month; six months: £736,500.
    actuals = [D(120000), D(121000), D(125000), D(130000), D(131000), D(132500)] + [None] * 6
    forecasts = [None] * 6 + [D(130000)] * 6
    variance = calculations.line_variance(
        annual=D(1473000),
        profile=NONE12,
        actuals=actuals,
        forecasts=forecasts,
        months_elapsed=6,
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
        months_elapsed=6,
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
        months_elapsed=1,
        tolerance_percent=D(5),
    )
    rent = calculations.line_variance(
        annual=D(24000),
        profile=NONE12,
        actuals=[D(1000)] + [None] * 11,
        forecasts=NONE12,
        months_elapsed=1,
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
        months_elapsed=months_elapsed,
        tolerance_percent=D(5),
    )
    month_budgets = calculations.monthly_profile(annual, NONE12)
    assert variance.budget_to_date == calculations.to_date(month_budgets, months_elapsed)
    assert variance.forecast_outturn == calculations.forecast_outturn(
        actuals, forecasts, month_budgets, months_elapsed
    )

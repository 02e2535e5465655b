"""Year to date, target to date and RAG, worked by hand, without a database."""

import datetime
from decimal import Decimal

import pytest

from kpis.calculations import (
    LEVEL,
    LOWER,
    RATIO,
    TOTAL,
    Actual,
    Rag,
    Target,
    annual_target,
    profile,
    quarter_end_period,
    quarter_subtotals,
    rag,
    target_to_date,
    year_to_date,
)
from plans.periods import months_of_financial_year, period_starts

MONTHS = months_of_financial_year(2010)  # April 2010 to March 2011
QUARTERS = period_starts(2010, 3)
D = Decimal


def month(n):
    """The n-th month of the 2010-11 year: 1 is April 2010."""
    return MONTHS[n - 1]


# --- Year to date ------------------------------------------------------------------------------

ACTUALS = [
    Actual(month(1), value=D(4100), numerator=D(162), denominator=D(200)),
    Actual(month(2), value=D(3900), numerator=D(9), denominator=D(10)),
    Actual(month(3), value=D(5000), numerator=D(30), denominator=D(100)),
]


@pytest.mark.parametrize(
    ("aggregation", "up_to", "expected"),
    [
        # 4,100 + 3,900 + 5,000
        (TOTAL, month(3), D(13000)),
        (TOTAL, month(2), D(8000)),
        # The latest period entered by then.
        (LEVEL, month(3), D(5000)),
        (LEVEL, month(12), D(5000)),
        (LEVEL, month(2), D(3900)),
        # (162 + 9 + 30) / (200 + 10 + 100) = 201 / 310 = 64.84%, not the mean of 81%, 90%, 30%
        # (67%).
        (RATIO, month(3), D(201) * 100 / D(310)),
        (RATIO, month(1), D(81)),
    ],
)
def test_year_to_date_follows_the_aggregation(aggregation, up_to, expected):
    assert year_to_date(aggregation, ACTUALS, up_to=up_to) == expected


def test_a_ratio_never_averages_the_percentages():
    result = year_to_date(RATIO, ACTUALS, up_to=month(3))
    assert round(result, 2) == D("64.84")
    assert round(result, 2) != round((D(81) + D(90) + D(30)) / 3, 2)


def test_nothing_entered_by_then_is_no_year_to_date():
    assert year_to_date(TOTAL, [], up_to=month(12)) is None
    assert year_to_date(TOTAL, [Actual(month(4), value=D(1))], up_to=month(3)) is None


def test_a_total_counts_a_zero_month():
    actuals = [Actual(month(1), value=D(0)), Actual(month(2), value=D(0))]
    assert year_to_date(TOTAL, actuals, up_to=month(2)) == 0


# --- The annual target ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({"annual": D(50000)}, D(50000)),
        # A 50% increase on 80,000 is 120,000.
        ({"annual": None, "baseline": D(80000), "change_percent": D(50)}, D(120000)),
        # A 10% fall on 200 is 180.
        ({"annual": None, "baseline": D(200), "change_percent": D(-10)}, D(180)),
        # A printed number wins over the relative change.
        ({"annual": D(50000), "baseline": D(40000), "change_percent": D(50)}, D(50000)),
    ],
)
def test_the_annual_target_resolves_to_a_number(arguments, expected):
    assert annual_target(**arguments) == Target(expected)


@pytest.mark.parametrize(
    ("arguments", "reason"),
    [
        (
            {"annual": None, "change_percent": D(50)},
            "The target is a +50% change on a baseline the plan does not give.",
        ),
        (
            {"annual": None, "later": D(200000), "later_year": "2018"},
            "The plan sets a target for 2018 only.",
        ),
        ({"annual": None}, "The plan sets no numeric target."),
    ],
)
def test_no_target_is_made_up_and_the_reason_is_given(arguments, reason):
    target = annual_target(**arguments)
    assert target.value is None
    assert target.reason == reason


# --- Target to date ------------------------------------------------------------------------------


def test_a_total_is_profiled_evenly():
    targets = profile(TOTAL, MONTHS, Target(D(120000)), {})
    assert set(targets.values()) == {D(10000)}
    # 120,000 a year, three months in: 30,000.
    assert target_to_date(TOTAL, MONTHS, Target(D(120000)), {}, up_to=month(3)) == Target(D(30000))
    assert target_to_date(TOTAL, MONTHS, Target(D(120000)), {}, up_to=month(12)) == Target(
        D(120000)
    )


def test_explicit_period_targets_are_used_where_set():
    explicit = {month(1): D(8000), month(2): D(9000)}
    # 8,000 + 9,000 + an even 10,000 for June.
    assert target_to_date(TOTAL, MONTHS, Target(D(120000)), explicit, up_to=month(3)) == Target(
        D(27000)
    )


def test_explicit_period_targets_alone_give_a_target_to_date_for_their_periods():
    explicit = {month(1): D(8000), month(2): D(9000)}
    assert target_to_date(TOTAL, MONTHS, Target(None, "none"), explicit, up_to=month(2)) == (
        Target(D(17000))
    )
    assert not target_to_date(TOTAL, MONTHS, Target(None, "none"), explicit, up_to=month(3)).known


@pytest.mark.parametrize("aggregation", [LEVEL, RATIO])
def test_a_level_or_ratio_target_is_flat(aggregation):
    for n in (1, 6, 12):
        assert target_to_date(aggregation, MONTHS, Target(D(80)), {}, up_to=month(n)) == Target(
            D(80)
        )


def test_a_quarterly_total_is_profiled_by_quarter():
    # 1,000 a year in four quarters; by the end of September two quarters have started.
    assert target_to_date(TOTAL, QUARTERS, Target(D(1000)), {}, up_to=month(6)) == Target(D(500))
    # By the end of October the third quarter (October to December) has started too.
    assert target_to_date(TOTAL, QUARTERS, Target(D(1000)), {}, up_to=month(7)) == Target(D(750))


def test_an_annual_indicator_has_its_whole_target_from_april():
    assert target_to_date(LEVEL, [month(1)], Target(D(0)), {}, up_to=month(3)) == Target(D(0))


def test_without_a_number_there_is_no_target_to_date_with_the_reason():
    annual = annual_target(annual=None, change_percent=D(50))
    result = target_to_date(TOTAL, MONTHS, annual, {}, up_to=month(3))
    assert result.value is None
    assert "baseline the plan does not give" in result.reason


def test_the_quarter_end_is_the_last_month_of_the_quarter():
    assert [quarter_end_period(MONTHS, q) for q in (1, 2, 3, 4)] == [
        datetime.date(2010, 6, 1),
        datetime.date(2010, 9, 1),
        datetime.date(2010, 12, 1),
        datetime.date(2011, 3, 1),
    ]


# --- RAG -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "target", "direction", "expected"),
    [
        # Higher is better: green from 100%, amber from 90%, red below.
        (D(30000), D(30000), "higher", Rag.GREEN),
        (D(31000), D(30000), "higher", Rag.GREEN),
        (D(29999), D(30000), "higher", Rag.AMBER),
        (D(27000), D(30000), "higher", Rag.AMBER),
        (D(26999), D(30000), "higher", Rag.RED),
        # Percentages compare the same way: 72% against 80% is exactly 90%.
        (D(72), D(80), "higher", Rag.AMBER),
        (D("71.9"), D(80), "higher", Rag.RED),
        # Lower is better, mirrored: green up to 100% of the target, amber up to 110%.
        (D(100), D(100), "lower", Rag.GREEN),
        (D(90), D(100), "lower", Rag.GREEN),
        (D(101), D(100), "lower", Rag.AMBER),
        (D(110), D(100), "lower", Rag.AMBER),
        (D(111), D(100), "lower", Rag.RED),
        # A lower-is-better target of zero (no qualified accounts) is green only at zero.
        (D(0), D(0), "lower", Rag.GREEN),
        (D(1), D(0), "lower", Rag.RED),
        # A higher-is-better target of zero is met by anything.
        (D(0), D(0), "higher", Rag.GREEN),
    ],
)
def test_rag_compares_the_actual_with_the_target_to_date(actual, target, direction, expected):
    assert rag(actual, Target(target), direction=direction) is expected


def test_rag_thresholds_are_set_per_indicator():
    # Green only from 95%, amber from 80%.
    thresholds = {"green_from": D(95), "amber_from": D(80)}
    assert rag(D(95), Target(D(100)), **thresholds) is Rag.GREEN
    assert rag(D(94), Target(D(100)), **thresholds) is Rag.AMBER
    assert rag(D(79), Target(D(100)), **thresholds) is Rag.RED
    # Mirrored when lower is better: green to 105%, amber to 120%.
    assert rag(D(105), Target(D(100)), direction=LOWER, **thresholds) is Rag.GREEN
    assert rag(D(120), Target(D(100)), direction=LOWER, **thresholds) is Rag.AMBER
    assert rag(D(121), Target(D(100)), direction=LOWER, **thresholds) is Rag.RED


def test_nothing_entered_is_no_data_and_no_target_is_said_so():
    assert rag(None, Target(D(100))) is Rag.NO_DATA
    assert rag(None, Target(None, "none")) is Rag.NO_DATA
    assert rag(D(5), Target(None, "none")) is Rag.NO_TARGET
    assert Rag.NO_TARGET.label == "No target to date"


# --- Quarters ------------------------------------------------------------------------------------


def test_quarter_subtotals_sum_a_total_and_count_a_ratio_afresh():
    actuals = [*ACTUALS, Actual(month(4), value=D(1000), numerator=D(1), denominator=D(4))]
    assert quarter_subtotals(TOTAL, actuals, MONTHS) == [D(13000), D(1000), None, None]
    assert quarter_subtotals(RATIO, actuals, MONTHS)[1] == D(25)

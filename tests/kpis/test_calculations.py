"""Year to date, target to date and RAG, worked by hand, without a database."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from kpis.calculations import (
    EVEN,
    EXPLICIT,
    FLAT,
    LEVEL,
    LOWER,
    RATIO,
    TOTAL,
    Actual,
    Rag,
    RecommendationRow,
    Target,
    annual_target,
    moment_after,
    quarter_figures,
    rag,
    recommendation_counts,
    status_at,
    targets_to_date,
    year_to_date,
)
from plans.periods import Quarter, months_of_financial_year, period_starts

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


def to_date(profile, aggregation, annual, up_to, *, periods=MONTHS, explicit=None, **options):
    """The target to date by the end of the month `up_to` (1 is April)."""
    targets = targets_to_date(
        profile, aggregation, periods, Target(annual), explicit or {}, **options
    )
    return targets.at(month(up_to))


def quarter_ends(profile, aggregation, annual, *, periods=MONTHS, **options) -> list:
    """The targets to date at the ends of June, September, December and March."""
    targets = targets_to_date(profile, aggregation, periods, Target(annual), {}, **options)
    return [targets.at(month(n)).value for n in (3, 6, 9, 12)]


def test_an_even_total_is_spread_over_its_periods():
    targets = targets_to_date(EVEN, TOTAL, MONTHS, Target(D(120000)), {})
    assert set(targets.own.values()) == {D(10000)}
    # 120,000 a year, three months in: 30,000; all twelve: 120,000.
    assert targets.at(month(3)) == Target(D(30000))
    assert targets.at(month(12)) == Target(D(120000))


@pytest.mark.parametrize(
    ("profile", "aggregation", "periods", "expected"),
    [
        # Flat: the annual target of 1,000 from the first period, whatever the kind.
        (FLAT, LEVEL, MONTHS, [D(1000)] * 4),
        (FLAT, TOTAL, MONTHS, [D(1000)] * 4),
        (FLAT, LEVEL, QUARTERS, [D(1000)] * 4),
        # Even, by month: 1,000 x 3/12, 6/12, 9/12, 12/12.
        (EVEN, TOTAL, MONTHS, [D(250), D(500), D(750), D(1000)]),
        (EVEN, LEVEL, MONTHS, [D(250), D(500), D(750), D(1000)]),
        # Even, by quarter: 1,000 x 1/4, 2/4, 3/4, 4/4.
        (EVEN, TOTAL, QUARTERS, [D(250), D(500), D(750), D(1000)]),
        (EVEN, RATIO, QUARTERS, [D(250), D(500), D(750), D(1000)]),
    ],
)
def test_each_profile_gives_its_targets_to_date_at_the_quarter_ends(
    profile, aggregation, periods, expected
):
    assert quarter_ends(profile, aggregation, D(1000), periods=periods) == expected


def test_an_even_monthly_total_to_date_month_by_month():
    # 1,200 a year is 100 a month: 100, 200, ... 1,200 by the end of each month.
    targets = targets_to_date(EVEN, TOTAL, MONTHS, Target(D(1200)), {})
    assert [targets.at(month(n)).value for n in range(1, 13)] == [D(100 * n) for n in range(1, 13)]


def test_a_flat_totals_periods_have_no_target_of_their_own():
    targets = targets_to_date(FLAT, TOTAL, MONTHS, Target(D(50)), {})
    assert set(targets.own.values()) == {None}
    assert targets.of_quarter(Quarter(2010, 1)) is None
    # A flat level's quarter target is the annual target.
    level = targets_to_date(FLAT, LEVEL, MONTHS, Target(D(50)), {})
    assert level.of_quarter(Quarter(2010, 1)) == D(50)


def test_an_even_level_with_a_baseline_rises_from_it():
    # OC14: 3 areas to 10 over four quarters, 7 more: 3 + 7/4 = 4.75, 6.5, 8.25, 10.
    assert quarter_ends(EVEN, LEVEL, D(10), periods=QUARTERS, baseline=D(3)) == [
        D("4.75"),
        D("6.5"),
        D("8.25"),
        D(10),
    ]
    # As whole areas: 5, 7 (6.5, a half rounded up), 8, 10.
    assert quarter_ends(EVEN, LEVEL, D(10), periods=QUARTERS, baseline=D(3), whole=True) == [
        D(5),
        D(7),
        D(8),
        D(10),
    ]


def test_a_totals_baseline_is_last_years_figure_not_its_start():
    # OC4: 50,000 this year, 40,000 last year; the count starts again from none in April.
    assert quarter_ends(EVEN, TOTAL, D(50000), baseline=D(40000)) == [
        D(12500),
        D(25000),
        D(37500),
        D(50000),
    ]


def test_a_counts_even_targets_to_date_are_whole_and_add_up_to_the_annual_target():
    # 50 over four quarters: 12.5, 25, 37.5, 50 rounded to 13, 25, 38, 50 (halves up); each
    # quarter's own: 13, 12, 13, 12, which add up to 50.
    quarterly = targets_to_date(EVEN, TOTAL, QUARTERS, Target(D(50)), {}, whole=True)
    assert [quarterly.at(q).value for q in QUARTERS] == [D(13), D(25), D(38), D(50)]
    assert list(quarterly.own.values()) == [D(13), D(12), D(13), D(12)]
    # 50 over twelve months: 4.17, 8.33, 12.5, 16.67, 20.83, 25, 29.17, 33.33, 37.5, 41.67,
    # 45.83, 50, rounded.
    monthly = targets_to_date(EVEN, TOTAL, MONTHS, Target(D(50)), {}, whole=True)
    expected = [4, 8, 13, 17, 21, 25, 29, 33, 38, 42, 46, 50]
    assert [monthly.at(month(n)).value for n in range(1, 13)] == [D(n) for n in expected]
    assert list(monthly.own.values()) == [D(n) for n in [4, 4, 5, 4, 4, 4, 4, 4, 5, 4, 4, 4]]
    assert sum(monthly.own.values()) == 50
    # The quarters' own targets in the periods table: 13, 12, 13, 12.
    assert [monthly.of_quarter(Quarter(2010, q)) for q in (1, 2, 3, 4)] == [
        D(13),
        D(12),
        D(13),
        D(12),
    ]


def test_a_count_without_whole_numbers_keeps_the_exact_share():
    # Money or a percentage is not rounded: £50 over four quarters is £12.50 a quarter.
    assert quarter_ends(EVEN, TOTAL, D(50), periods=QUARTERS)[0] == D("12.5")


def test_explicit_targets_are_added_up_for_a_total_and_taken_as_they_stand_for_a_level():
    explicit = {month(n): D(1000 * n) for n in range(1, 13)}
    # 1,000 + 2,000 + 3,000 by June; by March 1,000 x (1 + 2 + ... + 12) = 78,000.
    assert to_date(EXPLICIT, TOTAL, None, 3, explicit=explicit) == Target(D(6000))
    assert to_date(EXPLICIT, TOTAL, None, 12, explicit=explicit) == Target(D(78000))
    # A level's target to date is that of the latest month: 3,000 in June.
    assert to_date(EXPLICIT, LEVEL, None, 3, explicit=explicit) == Target(D(3000))


def test_explicit_targets_alone_count_and_a_period_without_one_has_no_target():
    explicit = {month(1): D(8000), month(2): D(9000)}
    # The annual target of 120,000 is not used to fill June.
    assert to_date(EXPLICIT, TOTAL, D(120000), 2, explicit=explicit) == Target(D(17000))
    june = to_date(EXPLICIT, TOTAL, D(120000), 3, explicit=explicit)
    assert june == Target(None, "No target is entered for June 2010.")
    # A total stays without one after; a level has one again where its month has.
    later = to_date(EXPLICIT, TOTAL, D(120000), 4, explicit={**explicit, month(4): D(1)})
    assert later.reason == "No target is entered for June 2010."
    level = to_date(EXPLICIT, LEVEL, None, 4, explicit={**explicit, month(4): D(1)})
    assert level == Target(D(1))


def test_an_annual_indicator_has_its_whole_target_from_april():
    for profile in (FLAT, EVEN):
        assert to_date(profile, LEVEL, D(0), 3, periods=[month(1)]) == Target(D(0))


def test_without_a_number_there_is_no_target_to_date_with_the_reason():
    annual = annual_target(annual=None, change_percent=D(50))
    for profile in (FLAT, EVEN):
        result = targets_to_date(profile, TOTAL, MONTHS, annual, {}).at(month(3))
        assert result.value is None
        assert "baseline the plan does not give" in result.reason


def test_the_quarter_end_is_the_last_month_of_the_quarter():
    assert [Quarter(2010, q).last_period for q in (1, 2, 3, 4)] == [
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

    def subtotals(aggregation):
        return [
            quarter_figures(
                targets_to_date(FLAT, aggregation, MONTHS, Target(D(80)), {}),
                actuals,
                quarter=Quarter(2010, q),
            ).actual
            for q in (1, 2, 3, 4)
        ]

    assert subtotals(TOTAL) == [D(13000), D(1000), None, None]
    assert subtotals(RATIO)[1] == D(25)


# --- Status as at a quarter's end ----------------------------------------------------------------

# KPI2 of 2010-11 (% who found their engagement worthwhile, 80% a year, green from 100%, amber
# from 90%): what was counted each month, April to March.
KPI2_COUNTS = [
    (270, 381),
    (44, 62),
    (63, 85),
    (84, 109),
    (43, 56),
    (222, 296),
    (180, 251),
    (258, 354),
    (147, 202),
    (63, 85),
    (250, 340),
    (264, 355),
]
KPI2_ACTUALS = [
    Actual(period, numerator=D(numerator), denominator=D(denominator))
    for period, (numerator, denominator) in zip(MONTHS, KPI2_COUNTS, strict=True)
]
KPI2_TARGETS = targets_to_date(FLAT, RATIO, MONTHS, Target(D(80)), {})


@pytest.mark.parametrize(
    ("number", "numerator", "denominator", "expected"),
    [
        # 270 + 44 + 63 = 377 of 381 + 62 + 85 = 528: 71.4%, 89.3% of 80%: red.
        (1, 377, 528, Rag.RED),
        # 377 + 349 = 726 of 528 + 461 = 989: 73.4%, 91.8% of 80%: amber.
        (2, 726, 989, Rag.AMBER),
        # 726 + 585 = 1,311 of 989 + 807 = 1,796: 73.0%: amber.
        (3, 1311, 1796, Rag.AMBER),
        # 1,311 + 577 = 1,888 of 1,796 + 780 = 2,576: 73.3%: amber.
        (4, 1888, 2576, Rag.AMBER),
    ],
)
def test_the_status_at_a_quarters_end_counts_the_periods_begun_by_then(
    number, numerator, denominator, expected
):
    result = status_at(KPI2_TARGETS, KPI2_ACTUALS, quarter=Quarter(2010, number))
    assert result.actual_to_date == D(numerator) * 100 / D(denominator)
    assert result.target_to_date == Target(D(80))
    assert result.rag is expected


def test_a_counted_figure_replaces_the_year_to_date():
    targets = targets_to_date(FLAT, LEVEL, MONTHS, Target(D(3)), {})
    result = status_at(targets, [], quarter=Quarter(2010, 1), counted=2)
    assert result.actual_to_date == 2
    assert result.rag is Rag.RED


@pytest.mark.parametrize(
    ("number", "target", "actual", "target_to_date", "actual_to_date"),
    [
        # KPI2: each quarter's own counts beside the year to date the dashboard shows.
        (1, D(80), (377, 528), D(80), (377, 528)),
        (2, D(80), (349, 461), D(80), (726, 989)),
        (3, D(80), (585, 807), D(80), (1311, 1796)),
        (4, D(80), (577, 780), D(80), (1888, 2576)),
    ],
)
def test_a_quarter_subtotal_stands_beside_the_year_to_date(
    number, target, actual, target_to_date, actual_to_date
):
    figures = quarter_figures(KPI2_TARGETS, KPI2_ACTUALS, quarter=Quarter(2010, number))
    assert figures.target == target
    assert figures.actual == D(actual[0]) * 100 / D(actual[1])
    assert figures.to_date.target_to_date == Target(target_to_date)
    assert figures.to_date.actual_to_date == D(actual_to_date[0]) * 100 / D(actual_to_date[1])


def test_a_total_quarter_subtotal_sums_its_months_and_the_year_to_date_all_months_so_far():
    # 48,000 a year is 4,000 a month: 12,000 a quarter. 3,000 a month entered to August.
    actuals = [Actual(month(n), value=D(3000)) for n in range(1, 6)]
    targets = targets_to_date(EVEN, TOTAL, MONTHS, Target(D(48000)), {})
    figures = quarter_figures(targets, actuals, quarter=Quarter(2010, 2))
    assert (figures.target, figures.actual) == (D(12000), D(6000))
    assert figures.to_date.target_to_date == Target(D(24000))
    assert figures.to_date.actual_to_date == D(15000)
    # 15,000 of 24,000 is 62.5%: red.
    assert figures.to_date.rag is Rag.RED


# --- Recommendations as they stood ---------------------------------------------------------------

LONDON = ZoneInfo("Europe/London")


def at(year, month_number, day, hour=12, minute=0):
    return datetime.datetime(year, month_number, day, hour, minute, tzinfo=LONDON)


# Recommendation 1: made in May, accepted in June.
# Recommendation 2: made in May (under consideration), accepted in August.
# Recommendation 3: made in May with no response; implemented "today", years later.
# Recommendation 4: made in July, after the first quarter.
# Recommendation 5: rejected in June.
# Recommendation 6: accepted in May, deleted in June.
# Recommendation 7: another project's, accepted in April.
HISTORY = [
    RecommendationRow(1, 10, "under consideration", at(2012, 5, 1), 1),
    RecommendationRow(1, 10, "accepted", at(2012, 6, 30, 23, 59), 8),
    RecommendationRow(2, 10, "under consideration", at(2012, 5, 2), 2),
    RecommendationRow(2, 10, "accepted", at(2012, 8, 1), 11),
    RecommendationRow(3, 10, "no response", at(2012, 5, 3), 3),
    RecommendationRow(3, 10, "implemented", at(2026, 12, 3), 20),
    RecommendationRow(4, 10, "under consideration", at(2012, 7, 1, 0, 0), 10),
    RecommendationRow(5, 10, "under consideration", at(2012, 5, 4), 4),
    RecommendationRow(5, 10, "rejected", at(2012, 6, 1), 6),
    RecommendationRow(6, 10, "accepted", at(2012, 5, 5), 5),
    RecommendationRow(6, 10, "accepted", at(2012, 6, 2), 7, deleted=True),
    RecommendationRow(7, 11, "accepted", at(2012, 4, 2), 0),
]
COUNTED = ("accepted", "implemented", "under consideration")


@pytest.mark.parametrize(
    ("quarter", "expected"),
    [
        # End of June 2012: 1 accepted (at 23:59 on the 30th), 2 under consideration; 3 had no
        # response, 4 was not yet made, 5 rejected, 6 deleted.
        (Quarter(2012, 1), {"accepted": 1, "implemented": 0, "under consideration": 1}),
        # End of September: 2 accepted since August; 4 (made at midnight on 1 July) counts.
        (Quarter(2012, 2), {"accepted": 2, "implemented": 0, "under consideration": 1}),
        # A quarter before any of them: nothing.
        (Quarter(2011, 4), {"accepted": 0, "implemented": 0, "under consideration": 0}),
        # Quarter 4 of 2026-27 (today's): 3 is now implemented.
        (Quarter(2026, 4), {"accepted": 2, "implemented": 1, "under consideration": 1}),
    ],
)
def test_recommendations_count_as_they_stood_at_the_quarters_end(quarter, expected):
    before = moment_after(quarter.last_day, LONDON)
    counts = recommendation_counts(HISTORY, projects=[10, 11], statuses=COUNTED, before=before)
    assert counts[10] == expected
    assert sum(counts[11].values()) == (quarter.last_day >= datetime.date(2012, 4, 2))


def test_the_latest_row_wins_when_two_share_a_moment():
    rows = [
        RecommendationRow(1, 10, "accepted", at(2012, 5, 1), 2),
        RecommendationRow(1, 10, "rejected", at(2012, 5, 1), 1),
    ]
    counts = recommendation_counts(
        rows, projects=[10], statuses=COUNTED, before=at(2012, 7, 1, 0, 0)
    )
    assert counts[10]["accepted"] == 1


def test_the_moment_after_a_day_is_midnight_in_london_summer_or_winter():
    assert moment_after(datetime.date(2012, 6, 30), LONDON) == datetime.datetime(
        2012, 6, 30, 23, 0, tzinfo=datetime.UTC
    )
    assert moment_after(datetime.date(2013, 3, 30), LONDON) == datetime.datetime(
        2013, 3, 31, 0, 0, tzinfo=datetime.UTC
    )

import datetime

import pytest

from plans import periods


@pytest.mark.parametrize(
    ("text", "start"), [("2010-11", 2010), ("1999-00", 1999), ("2024-25", 2024)]
)
def test_a_financial_year_is_read_from_its_label(text, start):
    assert periods.parse_financial_year(text) == start
    assert periods.financial_year_label(start) == text


@pytest.mark.parametrize("text", ["2010-12", "2010/11", "10-11", "2010-2011", "", "abcd-ef"])
def test_text_that_is_not_a_financial_year_is_refused(text):
    with pytest.raises(periods.InvalidFinancialYear):
        periods.parse_financial_year(text)


@pytest.mark.parametrize(
    ("day", "quarter", "year"),
    [
        (datetime.date(2010, 4, 1), 1, 2010),
        (datetime.date(2010, 6, 30), 1, 2010),
        (datetime.date(2010, 7, 1), 2, 2010),
        (datetime.date(2010, 12, 31), 3, 2010),
        (datetime.date(2011, 1, 1), 4, 2010),
        (datetime.date(2011, 3, 31), 4, 2010),
    ],
)
def test_quarter_one_is_april_to_june(day, quarter, year):
    assert periods.quarter_of(day) == quarter
    assert periods.financial_year_of(day) == year


def test_the_months_of_a_financial_year_run_april_to_march():
    months = periods.months_of_financial_year(2010)
    assert months[0] == datetime.date(2010, 4, 1)
    assert months[-1] == datetime.date(2011, 3, 1)
    assert len(months) == 12


def test_reporting_periods_start_in_april_and_run_monthly_quarterly_or_yearly():
    assert len(periods.period_starts(2012, 1)) == 12
    assert periods.period_starts(2012, 3) == [
        datetime.date(2012, 4, 1),
        datetime.date(2012, 7, 1),
        datetime.date(2012, 10, 1),
        datetime.date(2013, 1, 1),
    ]
    assert periods.period_starts(2012, 12) == [datetime.date(2012, 4, 1)]


@pytest.mark.parametrize(
    ("day", "months_per_period", "starts"),
    [
        (datetime.date(2013, 1, 1), 3, True),
        (datetime.date(2013, 2, 1), 3, False),
        (datetime.date(2012, 4, 1), 12, True),
        (datetime.date(2012, 7, 1), 12, False),
        (datetime.date(2012, 4, 2), 1, False),
    ],
)
def test_a_period_starts_on_the_first_day_of_its_first_month(day, months_per_period, starts):
    assert periods.is_period_start(day, months_per_period) is starts


# --- The quarter every figure is "as at" ---------------------------------------------------------

D = datetime.date


@pytest.mark.parametrize(
    ("year", "number", "first", "last", "label"),
    [
        ("2010-11", 1, D(2010, 4, 1), D(2010, 6, 30), "Quarter 1 2010-11"),
        ("2010-11", 2, D(2010, 7, 1), D(2010, 9, 30), "Quarter 2 2010-11"),
        ("2010-11", 3, D(2010, 10, 1), D(2010, 12, 31), "Quarter 3 2010-11"),
        ("2010-11", 4, D(2011, 1, 1), D(2011, 3, 31), "Quarter 4 2010-11"),
        ("2015-16", 4, D(2016, 1, 1), D(2016, 3, 31), "Quarter 4 2015-16"),
        ("1999-00", 4, D(2000, 1, 1), D(2000, 3, 31), "Quarter 4 1999-00"),
    ],
)
def test_a_quarter_knows_its_first_and_last_day_and_label(year, number, first, last, label):
    quarter = periods.Quarter.parse(year, number)
    assert (quarter.first_day, quarter.last_day, quarter.label) == (first, last, label)
    assert quarter.year == year
    assert quarter.short_label == f"Q{number} {year}"
    assert quarter.last_period == D(last.year, last.month, 1)
    assert len(quarter.months) == 3
    assert quarter.months[0] == first
    assert first in quarter
    assert last in quarter
    assert first - datetime.timedelta(days=1) not in quarter
    assert last + datetime.timedelta(days=1) not in quarter


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2012, 4, 1), (2012, 1)),
        (D(2012, 9, 30), (2012, 2)),
        (D(2013, 2, 28), (2012, 4)),
        (D(2013, 3, 31), (2012, 4)),
    ],
)
def test_the_quarter_a_day_falls_in(day, expected):
    assert periods.Quarter.of(day) == periods.Quarter(*expected)


def test_the_quarter_before_and_the_same_quarter_a_year_earlier():
    q1 = periods.Quarter(2012, 1)
    assert q1.previous == periods.Quarter(2011, 4)
    assert periods.Quarter(2012, 3).previous == periods.Quarter(2012, 2)
    assert q1.a_year_earlier == periods.Quarter(2011, 1)
    assert sorted([periods.Quarter(2012, 2), q1, periods.Quarter(2011, 4)]) == [
        periods.Quarter(2011, 4),
        q1,
        periods.Quarter(2012, 2),
    ]


@pytest.mark.parametrize(("year", "number"), [("2010-11", 0), ("2010-11", 5), ("2010-11", "two")])
def test_a_quarter_that_does_not_exist_is_refused_with_a_reason(year, number):
    with pytest.raises(ValueError, match="quarter"):
        periods.Quarter.parse(year, number)


def test_a_quarter_of_a_year_that_is_not_one_is_refused():
    with pytest.raises(periods.InvalidFinancialYear):
        periods.Quarter.parse("2010-12", 1)


@pytest.mark.parametrize(
    ("day", "last"),
    [
        (D(2012, 2, 1), D(2012, 2, 29)),
        (D(2013, 2, 14), D(2013, 2, 28)),
        (D(2012, 12, 5), D(2012, 12, 31)),
        (D(2012, 4, 30), D(2012, 4, 30)),
    ],
)
def test_the_last_day_of_a_month(day, last):
    assert periods.last_day_of_month(day) == last

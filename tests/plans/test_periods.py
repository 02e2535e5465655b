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

"""On the demo, an indicator counted from recommendations counts them as they stood at each
quarter's end: the demo's history records each recommendation made on its made date and
answered on its response date."""

import pytest

from kpis import selectors
from plans.periods import Quarter

# PI1 (2012-13) counts its project's recommendations that are accepted, implemented or under
# consideration. The demo's five, as printed on the project page:
#   made 1 July 2012,      under consideration on 31 July 2012
#   made 1 August 2012,    accepted on 15 September 2012
#   made 1 September 2012, implemented on 31 October 2012
#   made 1 October 2012,   rejected on 15 December 2012
#   made 1 November 2012,  no response
# By hand, at each quarter's end (accepted, implemented, under consideration):
#   30 June: none made yet                                      0, 0, 0 = 0
#   30 September: the first two answered, the third awaiting    1, 0, 1 = 2
#   31 December and 31 March: the third implemented too         1, 1, 1 = 3
EXPECTED = {1: (0, 0, 0, "0"), 2: (1, 0, 1, "2"), 3: (1, 1, 1, "3"), 4: (1, 1, 1, "3")}


@pytest.mark.parametrize("quarter", [1, 2, 3, 4])
def test_pi1_counts_the_recommendations_as_they_stood_at_the_quarters_end(demo, quarter):
    dashboard = selectors.dashboard(year="2012-13", quarter=Quarter(2012, quarter))
    pi1 = next(row for row in dashboard.rows if row.indicator.ref == "PI1")

    accepted, implemented, considering, total = EXPECTED[quarter]
    assert pi1.recommendation_lines == [
        ("Accepted", accepted),
        ("Implemented", implemented),
        ("Under consideration", considering),
    ]
    assert pi1.actual_to_date_text == total


def test_dating_the_history_again_changes_nothing(demo):
    from demo.illustrative_risks import date_the_history
    from plans.models import Recommendation

    def history():
        return list(
            Recommendation.history.order_by("history_id").values_list(
                "id", "history_date", "status"
            )
        )

    before = history()
    for recommendation in Recommendation.objects.all():
        date_the_history(
            recommendation,
            made_on=recommendation.made_on,
            responded_on=recommendation.responded_on,
        )

    assert history() == before

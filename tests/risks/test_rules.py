"""Risk arithmetic without a database: scores, bands, the register's flags, escalation and who
may edit a risk."""

import datetime

import pytest

from risks import rules

TODAY = datetime.date(2017, 1, 15)


@pytest.mark.parametrize(
    ("likelihood", "impact", "score"), [(1, 1, 1), (3, 4, 12), (5, 3, 15), (5, 5, 25)]
)
def test_a_score_is_likelihood_times_impact(likelihood, impact, score):
    assert rules.score(likelihood, impact) == score


@pytest.mark.parametrize(("likelihood", "impact"), [(0, 3), (6, 3), (3, 0), (3, 6)])
def test_a_score_refuses_a_likelihood_or_impact_outside_1_to_5(likelihood, impact):
    with pytest.raises(rules.InvalidScore):
        rules.score(likelihood, impact)


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (1, "Low"),
        (4, "Low"),
        (5, "Medium"),
        (9, "Medium"),
        (10, "High"),
        (14, "High"),
        (15, "Very high"),
        (25, "Very high"),
    ],
)
def test_each_score_falls_in_one_band(score, band):
    assert rules.band_of(score).label == band


def test_the_bands_cover_every_score_once():
    for value in range(1, 26):
        assert sum(value in band for band in rules.BANDS) == 1


@pytest.mark.parametrize("value", [0, 26])
def test_a_band_refuses_a_score_outside_1_to_25(value):
    with pytest.raises(rules.InvalidScore):
        rules.band_of(value)


OVERDUE = rules.REVIEW_OVERDUE
ABOVE_INHERENT = rules.RESIDUAL_ABOVE_INHERENT
TARGET_ABOVE = rules.TARGET_ABOVE_RESIDUAL


@pytest.mark.parametrize(
    ("inherent", "residual", "target", "is_open", "review_on", "flags"),
    [
        (16, 12, 6, True, TODAY, []),
        (12, 16, None, True, None, [ABOVE_INHERENT]),
        (16, 16, None, True, None, []),
        (16, 6, 8, True, None, [TARGET_ABOVE]),
        (16, 6, 6, True, None, []),
        (16, 6, None, True, TODAY - datetime.timedelta(days=1), [OVERDUE]),
        (16, 6, None, False, TODAY - datetime.timedelta(days=1), []),
        (9, 12, 15, True, datetime.date(2016, 4, 1), [ABOVE_INHERENT, TARGET_ABOVE, OVERDUE]),
    ],
    ids=[
        "consistent",
        "residual above inherent",
        "residual equal to inherent",
        "target above residual",
        "target equal to residual",
        "open risk past its review date",
        "closed risk past its review date",
        "all three",
    ],
)
def test_the_register_flags_inconsistent_risks(
    inherent, residual, target, is_open, review_on, flags
):
    assert (
        rules.consistency_flags(
            inherent=inherent,
            residual=residual,
            target=target,
            is_open=is_open,
            review_on=review_on,
            as_at=TODAY,
        )
        == flags
    )


@pytest.mark.parametrize(
    ("is_done", "due_on", "overdue"),
    [
        (False, TODAY - datetime.timedelta(days=1), True),
        (False, TODAY, False),
        (True, TODAY - datetime.timedelta(days=30), False),
    ],
)
def test_an_action_is_overdue_when_not_done_by_its_due_date(is_done, due_on, overdue):
    assert rules.action_is_overdue(is_done=is_done, due_on=due_on, as_at=TODAY) is overdue


@pytest.mark.parametrize(
    ("tier", "residual", "appetite", "is_open", "escalated"),
    [
        ("project", 15, 15, True, True),
        ("operational", 20, 15, True, True),
        ("project", 14, 15, True, False),
        ("project", 12, 12, True, True),
        ("project", 20, 15, False, False),
        ("strategic", 25, 15, True, False),
    ],
)
def test_project_and_operational_risks_at_or_above_the_appetite_are_escalated(
    tier, residual, appetite, is_open, escalated
):
    assert (
        rules.is_escalated(tier=tier, residual=residual, appetite=appetite, is_open=is_open)
        is escalated
    )


def test_the_heat_map_grid_runs_likelihood_5_to_1_down_and_impact_1_to_5_across():
    grid = rules.heat_map_grid({(5, 1): 2, (1, 5): 1, (3, 3): 4})
    assert [row[0].likelihood for row in grid.rows] == [5, 4, 3, 2, 1]
    assert [cell.impact for cell in grid.rows[0]] == [1, 2, 3, 4, 5]
    assert grid.rows[0][0].count == 2
    assert grid.rows[4][4].count == 1
    assert grid.rows[2][2].count == 4
    assert grid.total == 7
    assert grid.rows[2][2].band.label == "Medium"
    # Likelihood 5 is drawn at the top, impact 5 at the right.
    assert grid.rows[0][0].y < grid.rows[4][0].y
    assert grid.rows[0][0].x < grid.rows[0][4].x


ADMIN = rules.EditingRights(is_administrator=True)
STAFF = rules.EditingRights(
    may_change_risks=True, role_ids=frozenset({7}), project_ids=frozenset({3})
)
DIRECTOR = rules.EditingRights(may_change_risks=True, is_director=True)
CLOSED = rules.EditingRights(
    may_change_risks=True, year_is_closed=True, is_director=True, role_ids=frozenset({7})
)
NO_PERMISSION = rules.EditingRights(role_ids=frozenset({7}), project_ids=frozenset({3}))


@pytest.mark.parametrize(
    ("rights", "tier", "owner_id", "project_id", "may_edit"),
    [
        (ADMIN, "strategic", None, None, True),
        (STAFF, "project", None, 3, True),
        (STAFF, "project", None, 4, False),
        (STAFF, "operational", 7, None, True),
        (STAFF, "strategic", 7, None, True),
        (STAFF, "strategic", 8, None, False),
        (DIRECTOR, "strategic", 8, None, True),
        (DIRECTOR, "operational", 8, None, False),
        (DIRECTOR, "project", 8, 3, False),
        (CLOSED, "strategic", 7, None, False),
        (NO_PERMISSION, "project", 7, 3, False),
    ],
)
def test_who_may_edit_a_risk(rights, tier, owner_id, project_id, may_edit):
    assert rights.may_edit(tier=tier, owner_id=owner_id, project_id=project_id) is may_edit


MEMBER = rules.EditingRights(may_change_risks=True, project_ids=frozenset({3}))
DIRECTOR_ON_A_PROJECT = rules.EditingRights(
    may_change_risks=True, is_director=True, project_ids=frozenset({3})
)


@pytest.mark.parametrize(
    ("rights", "tiers"),
    [
        (ADMIN, {"strategic", "operational", "project"}),
        (STAFF, {"strategic", "operational", "project"}),
        (MEMBER, {"project"}),
        (DIRECTOR, {"strategic"}),
        (DIRECTOR_ON_A_PROJECT, {"strategic", "project"}),
        (CLOSED, set()),
        (NO_PERMISSION, set()),
    ],
)
def test_a_form_offers_only_the_tiers_of_risks_the_person_could_edit(rights, tiers):
    assert rights.tiers_offered() == tiers


@pytest.mark.parametrize(
    ("reviewed_on", "interval_months", "next_review"),
    [
        (datetime.date(2026, 12, 3), 1, datetime.date(2027, 1, 3)),  # monthly, into a new year
        (datetime.date(2027, 1, 31), 1, datetime.date(2027, 2, 28)),  # no 31 February
        (datetime.date(2024, 1, 31), 1, datetime.date(2024, 2, 29)),  # a leap year
        (datetime.date(2026, 11, 15), 3, datetime.date(2027, 2, 15)),  # quarterly
        (datetime.date(2016, 4, 1), 12, datetime.date(2017, 4, 1)),  # yearly
    ],
)
def test_a_risk_reviewed_is_next_due_for_review_the_registers_interval_later(
    reviewed_on, interval_months, next_review
):
    assert (
        rules.next_review_on(reviewed_on=reviewed_on, interval_months=interval_months)
        == next_review
    )

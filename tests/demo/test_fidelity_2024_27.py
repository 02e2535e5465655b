"""The demo data holds the Three Year Strategy 2024-2027 as the document prints it.

Every expected value below is read from the source document (seeds/003_*.txt), not from
demo/2024-27.yaml: OUR MISSION, STRATEGIC OBJECTIVES and OUR PILLARS.
"""

import pytest

from plans.models import PlanYear, StrategicAim, StrategicObjective, Strategy, Theme

TITLE = "Three Year Strategy 2024-2027"  # printed "THREE YEAR STRATEGY 2024-2027"

MISSION = (
    "Promoting and protecting the rights of all children; using their voices to affect change "
    "for a bright future."
)
# The objective headings, in printed order (the fifth heading prints "capability and capacity").
OBJECTIVES = [
    "Make sure every child feels listened to by the adults that make decisions about their lives",
    "Empower children to have their say",
    "Improve the design and delivery of children's policy and services",
    "Drive change that keeps children safe and able to thrive",
    "Build capability and capacity",
]
PILLARS = [
    "Better World",
    "Children's Social Care",
    "Community",
    "Family",
    "Education",
    "Health",
    "Jobs and Skills",
]


@pytest.fixture
def strategy(demo):
    return Strategy.objects.get(title=TITLE)


def test_strategy(strategy):
    # "This strategic plan, which takes us to the end of my term ... in 2027": three years.
    assert (strategy.start_year, strategy.end_year) == ("2024-25", "2026-27")
    assert strategy.mission == MISSION


def test_five_objectives(strategy):
    objectives = StrategicObjective.objects.filter(strategy=strategy).order_by("position")
    assert [o.title for o in objectives] == OBJECTIVES
    assert {o.label for o in objectives} == {"strategic objective"}
    assert all(o.plan_year_id is None for o in objectives)
    # Each objective's "We will do this by ..." commitments are its aims.
    assert all(o.aims.exists() for o in objectives)


def test_seven_pillars_in_order(strategy):
    pillars = Theme.objects.filter(strategy=strategy, kind="pillar").order_by("position")
    assert [p.name for p in pillars] == PILLARS
    assert {p.kind for p in pillars} == {"pillar"}
    assert all(p.plan_year_id is None for p in pillars)


def test_no_plan_year_of_its_own(strategy):
    assert not PlanYear.objects.filter(strategy=strategy).exists()
    assert not PlanYear.objects.filter(year__in=["2024-25", "2025-26", "2026-27"]).exists()
    assert sorted(PlanYear.objects.values_list("year", flat=True)) == [
        "2010-11",
        "2012-13",
        "2016-17",
    ]


def test_the_four_strands_of_the_approach(strategy):
    # OUR APPROACH: "Champion for children", "Listen", "Advocate", "Engage and Influence".
    strands = Theme.objects.filter(strategy=strategy, kind="approach strand").order_by("position")
    assert [s.name for s in strands] == [
        "Champion for children",
        "Listen",
        "Advocate",
        "Engage and Influence",
    ]
    assert all(s.summary for s in strands)


def test_the_garbled_help_at_hand_sentence_is_worded_neutrally(strategy):
    # Printed "through increased our Help at Hand service": the missing word is not guessed.
    aim = StrategicAim.objects.get(objective__strategy=strategy, ref="1.2")
    assert "Help at Hand" in aim.summary
    assert "expanded" not in aim.summary
    assert "increased" not in aim.summary
    assert "unknown" in aim.notes


def test_the_strategys_file_notes_are_kept_on_it(strategy):
    assert "Objective 5" in strategy.notes
    assert "Build capability and capacity" in strategy.notes

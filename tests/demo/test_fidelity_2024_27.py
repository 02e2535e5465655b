"""The demo data holds the Three Year Strategy 2024-2027 as the document prints it.

Every expected value below is read from the source document (seeds/003_*.txt), not from
demo/2024-27.yaml: OUR MISSION, STRATEGIC OBJECTIVES and OUR PILLARS.
"""

import html

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


# What the strategy's page shows, word for word as the document prints it (slips included:
# "recommendations..", the missing word after "increased", no full stop after "poverty").
OBJECTIVE_PARAGRAPHS = [
    "We will share existing data and use our statutory powers to reveal systemic issues and new "
    "insights that will increase knowledge and understanding on the issues that matter to "
    "children and their solutions to how their lives can be made better. We will reach out to "
    "children and young people across the country to ensure our data is representative of their "
    "perspectives on an ever-changing world and the challenges they face.",
    "We will stand up for the right of all children to have their voices heard in national debate.",
    "with a child-up rather system-down approach.",
    "call for a consistent unique identifier that will protect and support children and their "
    "families from their earliest years.",
    "We will foster a creative, agile and inclusive working environment, delivering value for "
    "money by making use of innovative technology and resources and constantly looking for ways "
    "to improve how we deliver our work.",
]
COMMITMENTS = [
    "We will do this by creating an open survey function on our website for children to share "
    "their views and ideas with us anonymously and at any time.",
    "We will drive improvement to advocacy access and standards for children in care or involved "
    "with social services through increased our Help at Hand service, outreach, and work with "
    "stakeholders.",
    "We will do this by creating resources for all new publications where we have used data "
    "from what they have told us.",
    "We will conduct visits, focus groups and interviews in every local authority, continually "
    "ensuring our work is truly representative of children and young people from across "
    "England.",
    "We will do this by ensuring government responses or commitments are made to all our policy "
    "recommendations..",
    "We will increase the level of responses to government consultations and parliamentary "
    "inquiries.",
    "These will be tracked in a consultation tracker and published on our website.",
    "We will do this by creating a central database for the children's data we hold grouped by "
    "local authority and parliamentary constituencies for all partners and stakeholders to use.",
    "We will meet with every ministerial department to address the barriers to effective data "
    "sharing.",
    "We will do this by implementing a people strategy that demonstrates our commitment to "
    "equity and inclusivity. This will include a care-experienced guaranteed interview scheme "
    "and flexible working arrangements for kinship carers.",
    "We will commission regular internal audits of our operations to continually ensure we are "
    "meeting the highest standards of governance and best practice.",
]
APPROACH = {
    "Champion for children": "Champion the rights of all children, amplifying their voices and "
    "making sure that their interests and needs are at the forefront of government thinking, "
    "political debate and policymaking.",
    "Listen": "to ensure children's perspectives and concerns are not only listened to but "
    "understood.",
    "Advocate": "Advocate for the needs of vulnerable children, especially those in care or in "
    "contact with social services;",
    "Engage and Influence": "Spearhead effective and innovative policy solutions that will "
    "directly improve the lives of children",
}
PILLAR_WORDING = {
    "Family": "including high quality support in the early years. No child grows up in poverty",
    "Jobs and Skills": "Every young person, no matter their background, is equipped with the "
    "life skills they will need as adults",
    "Better World": "Every child is treated fairly irrespective of where they live, who they "
    "live with or their background in all aspects of their life.",
}


@pytest.fixture
def strategy_page(strategy, client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="staff"))
    return html.unescape(client.get(f"/strategies/{strategy.pk}/").content.decode())


def section(content, heading, next_heading=None):
    """The page from one h2 to the next one named (or the end)."""
    start = content.index(f">{heading}</h2>")
    return content[start : content.index(f">{next_heading}</h2>") if next_heading else None]


def test_the_strategy_page_shows_the_mission_as_printed(strategy_page):
    assert MISSION in section(strategy_page, "Our mission", "Our approach")


def test_the_strategy_page_shows_the_four_approach_strands_as_their_own_kind(strategy_page):
    approach = section(strategy_page, "Our approach", "Strategic objectives")
    positions = [approach.index(f">{name}</h3>") for name in APPROACH]
    assert positions == sorted(positions)
    for words in APPROACH.values():
        assert words in approach
    assert not any(f">{pillar}</h3>" in approach for pillar in PILLARS)
    assert ">Themes</h2>" not in strategy_page


def test_the_strategy_page_shows_each_objective_with_its_paragraph_and_commitments(
    strategy_page,
):
    objectives = section(strategy_page, "Strategic objectives", "Our pillars")
    places = [objectives.index(f">{title}</h3>") for title in OBJECTIVES]
    assert places == sorted(places)
    for number, (place, paragraph) in enumerate(zip(places, OBJECTIVE_PARAGRAPHS, strict=True)):
        following = places[number + 1] if number + 1 < len(places) else None
        assert paragraph in objectives[place:following]
    commitments = [objectives.index(words) for words in COMMITMENTS]
    assert commitments == sorted(commitments)
    assert objectives.count("We will do this by") == 5


def test_the_strategy_page_shows_the_seven_pillars_as_printed(strategy_page):
    pillars = section(strategy_page, "Our pillars", "Business plans that serve this strategy")
    places = [pillars.index(f">{name}</h3>") for name in PILLARS]
    assert places == sorted(places)
    for words in PILLAR_WORDING.values():
        assert words in pillars


def test_the_strategy_page_shows_the_judgements_made_in_reading_it(strategy_page):
    assert "About this record: judgements made in reading the document" in strategy_page
    assert 'the objective heading prints "Build capability and capacity"' in strategy_page
    # The garbled commitment's own note, beside it.
    assert "About 1.2: judgements made in reading the document" in strategy_page
    assert "which word is unknown" in strategy_page


def test_the_strategy_page_marks_its_summary_as_the_products_own_words(strategy_page):
    assert "Summary in our words, not the document's:</span> The Commissioner's approach" in (
        strategy_page
    )


def test_the_home_page_and_each_plan_link_to_the_strategy_they_serve(client, demo):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="director"))
    home = client.get("/").content.decode()
    for strategy in Strategy.objects.all():
        assert f'href="/strategies/{strategy.pk}/"' in home
    for plan_year in PlanYear.objects.select_related("strategy").exclude(strategy=None):
        overview = client.get(f"/plans/{plan_year.year}/").content.decode()
        assert f'href="/strategies/{plan_year.strategy.pk}/"' in overview
    served = Strategy.objects.get(title="Ambitious for Children")
    page = client.get(f"/strategies/{served.pk}/").content.decode()
    assert 'href="/plans/2016-17/"' in page

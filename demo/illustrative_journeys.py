"""Illustrative owners and recommendations in the open plan year (2016-17), so that each demo
user can try their own journey in it. The 2016-17 plan names no owner for any indicator or
project and reports no recommendations: without these, no director could enter an actual and
only administrators could record a response (in the closed 2012-13).

Nothing here is printed. Each owner the demo gives is marked: an indicator's owner link is
illustrative (the pages say "(illustrative)" beside the name), and the notes of every indicator
and project given one (in 2016-17.yaml, shown on its page) name the owner and say it is not
printed. The recommendations are marked is_illustrative and say so in their text, like
2012-13's.
"""

from core.services import ChangeCount, links_set_in_order
from demo import illustrative_risks
from kpis.models import Indicator
from plans.models import PlanYear, Project, Role

OPEN_YEAR = "2016-17"
# By the work each indicator measures: participation (the `staff` user holds Director of
# Participation), communications, and policy (the `director` user holds Director of Policy).
INDICATOR_OWNERS = {
    "OC1": "Director of Participation",
    "OC2": "Director of Participation",
    "OC3": "Director of Participation",
    "OC4": "Director of Participation",
    "OC9": "Director of Participation",
    "OC5": "Director of Communications",
    "OC6": "Director of Communications",
    "OC10": "Director of Communications",
    "OC11": "Director of Communications",
    "OC7": "Director of Policy",
    "OC8": "Director of Policy",
    "OC12": "Director of Policy",
    "OC13": "Director of Policy",
    "OC14": "Director of Policy",
}
# Projects the director owns, so that they respond to their recommendations.
PROJECT_OWNERS = {
    "See Me Hear Me": "Director of Policy",
    "Children in Care Monitor": "Director of Policy",
}


def generate_owners(plan_year: PlanYear, changes: ChangeCount) -> None:
    roles = {role.title: role for role in Role.objects.all()}
    for indicator in Indicator.objects.filter(plan_year=plan_year, ref__in=INDICATOR_OWNERS):
        role = roles[INDICATOR_OWNERS[indicator.ref]]
        if indicator.owner_links.filter(is_illustrative=False).exists():
            continue  # an owner someone has named since stays as it is
        if links_set_in_order(indicator.owners, [role], defaults={"is_illustrative": True}):
            changes.add(Indicator, "updated")
    for project in Project.objects.filter(plan_year=plan_year, title__in=PROJECT_OWNERS):
        if links_set_in_order(project.owners, [roles[PROJECT_OWNERS[project.title]]]):
            changes.add(Project, "updated")


def generate(changes: ChangeCount) -> None:
    for plan_year in PlanYear.objects.filter(year=OPEN_YEAR):
        generate_owners(plan_year, changes)
        illustrative_risks.generate_recommendations(
            plan_year,
            changes,
            projects=Project.objects.filter(plan_year=plan_year, title__in=PROJECT_OWNERS),
        )

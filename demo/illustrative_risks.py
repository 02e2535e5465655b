"""Illustrative risks, mitigating actions and recommendations for the demo, which the documents
do not give.

Deterministic: every risk, action and recommendation comes from the fixed tables below and the
plan year's own projects in their printed order, so reloading writes exactly the same data.
Everything is marked is_illustrative and says so in its text.

- Risks for 2010-11, 2012-13 and 2016-17 in all three tiers: some project and operational risks
  at or above the default risk appetite (escalated), open risks whose review date has passed
  (overdue), some closed, one whose controls were scored above its inherent score (flagged), and
  project risks on the first projects of each plan (those the demo `staff` user works on).
- Recommendations for the 2012-13 projects whose performance theme is Inquiries or Advice and
  Influence, across every status.
"""

import copy
import datetime

from django.utils import timezone

from core.services import ChangeCount, record_upsert
from plans.choices import PerformanceTheme, RecommendationStatus
from plans.models import PlanYear, Project, Recommendation, Role
from risks.choices import RiskStatus, RiskTier
from risks.models import MitigatingAction, Risk

RISK_YEARS = ["2010-11", "2012-13", "2016-17"]
RECOMMENDATION_YEAR = "2012-13"
NOTE = "Illustrative, generated for the demo; not from the business plan."
PROJECTS_WITH_RISKS = 3

# title, cause, effect, owner, inherent (likelihood, impact), residual, target, controls
STRATEGIC = [
    (
        "Grant-in-aid is reduced in the spending review",
        "Pressure on the sponsoring department's budget.",
        "Fewer projects can be delivered and statutory work is squeezed.",
        "Chief Executive",
        (4, 5),
        (4, 4),
        8,
        "Early dialogue with the sponsor team; budget scenarios prepared.",
    ),
    (
        "The Commissioner's independence is questioned",
        "A report critical of government policy attracts hostile coverage.",
        "Loss of credibility with children, stakeholders and Parliament.",
        "Children's Commissioner",
        (3, 5),
        (2, 4),
        4,
        "Evidence-based reports; clear statements of the statutory remit.",
    ),
    (
        "Children's voices do not reach decision makers",
        "Participation work is not linked to policy cycles.",
        "The office fails its core statutory purpose.",
        "Deputy Children's Commissioner",
        (3, 4),
        (2, 4),
        4,
        "Participation plan reviewed quarterly by the Leadership Team.",
    ),
]
OPERATIONAL = [
    (
        "Personal data of children is disclosed in error",
        "Case records and inquiry evidence hold sensitive personal data.",
        "Harm to children, regulatory action and loss of trust.",
        "Director of Corporate Services",
        (3, 5),
        (3, 5),
        6,
        "Data protection training; restricted access to case records.",
    ),
    (
        "Case management system is unavailable",
        "Ageing system with a single supplier.",
        "Enquiries from children and families go unanswered.",
        "Director of Corporate Services",
        (3, 4),
        (2, 3),
        4,
        "Daily back-ups; paper fallback for the advice line.",
    ),
    (
        "Policy advice is not ready for parliamentary stages",
        "Bills move faster than the office's evidence gathering.",
        "Missed chances to influence legislation affecting children.",
        "Director of Policy",
        (3, 3),
        (3, 4),
        6,
        "Parliamentary monitoring; briefings drafted in advance.",
    ),
]
PROJECT = [
    (
        "Children and young people cannot be reached in time",
        "Access to settings depends on other organisations' consent.",
        "The project's evidence lacks children's own views.",
        (4, 4),
        (4, 4),
        9,
        "Access agreements sought at initiation.",
    ),
    (
        "Evidence gathering slips",
        "Key informants and data arrive late.",
        "Publication moves beyond the plan year.",
        (3, 3),
        (2, 3),
        4,
        "Milestones tracked monthly by the project manager.",
    ),
]
ACTIONS = [
    "Agree a fallback plan with the Leadership Team",
    "Brief the project board on progress",
]

# Recommendation wording per project: (who should, what, addressee).
RECOMMENDATIONS = [
    (
        "The Department for Education",
        "publish a plan to act on the findings of {title}",
        "Department for Education",
    ),
    (
        "The Home Office",
        "consult children and young people on the changes {title} proposes",
        "Home Office",
    ),
    (
        "The Department of Health",
        "issue guidance reflecting the evidence of {title}",
        "Department of Health",
    ),
    (
        "The Ministry of Justice",
        "report to Parliament each year on progress against {title}",
        "Ministry of Justice",
    ),
    ("Ofsted", "inspect local arrangements against the standards set out in {title}", "Ofsted"),
]
STATUSES = list(RecommendationStatus)


def _day(plan_year: PlanYear, month_index: int, day: int = 15) -> datetime.date:
    return plan_year.months()[month_index].replace(day=day)


def _roles() -> dict[str, Role]:
    return {role.title: role for role in Role.objects.all()}


def _upsert_risk(plan_year, changes, *, tier, title, project=None, owner, entry, index, closed):
    cause, effect, inherent, residual, target, controls = entry
    review_month = (3 + 2 * index + len(title)) % 12
    risk = record_upsert(
        Risk,
        lookup={"plan_year": plan_year, "tier": tier, "project": project, "title": title},
        values={
            "cause": cause,
            "effect": effect,
            "owner": owner,
            "inherent_likelihood": inherent[0],
            "inherent_impact": inherent[1],
            "current_controls": f"{controls} ({NOTE})",
            "residual_likelihood": residual[0],
            "residual_impact": residual[1],
            "target_score": target,
            "review_on": _day(plan_year, review_month, 28),
            "status": RiskStatus.CLOSED if closed else RiskStatus.OPEN,
            "is_illustrative": True,
        },
        changes=changes,
    )
    for number, description in enumerate(ACTIONS[: 1 + index % 2]):
        record_upsert(
            MitigatingAction,
            lookup={"risk": risk, "description": description},
            values={
                "owner": owner,
                "due_on": _day(plan_year, (review_month + number + 1) % 12, 14),
                "is_done": number == 0 and index % 3 == 0,
            },
            changes=changes,
        )
    return risk


def generate_risks(plan_year: PlanYear, changes: ChangeCount) -> None:
    """The register of one plan year: three strategic, three operational and two risks for each
    of the first projects. In a closed year the lower risks are closed and the others left open
    past their review date, as a register not reviewed at year end would be."""
    roles = _roles()
    year_closed = plan_year.status == "closed"
    for tier, table in ((RiskTier.STRATEGIC, STRATEGIC), (RiskTier.OPERATIONAL, OPERATIONAL)):
        for index, (title, cause, effect, owner, *rest) in enumerate(table):
            _upsert_risk(
                plan_year,
                changes,
                tier=tier,
                title=title,
                owner=roles.get(owner),
                entry=(cause, effect, *rest),
                index=index,
                closed=year_closed and index == 1,
            )
    projects = Project.objects.filter(plan_year=plan_year).order_by("position", "title")
    for position, project in enumerate(projects[:PROJECTS_WITH_RISKS]):
        owner = project.owners.order_by("title").first()
        for index, (title, *entry) in enumerate(PROJECT):
            _upsert_risk(
                plan_year,
                changes,
                tier=RiskTier.PROJECT,
                title=title,
                project=project,
                owner=owner,
                entry=tuple(entry),
                index=position + index,
                closed=year_closed and index == 1 and position == 0,
            )


def generate_recommendations(plan_year: PlanYear, changes: ChangeCount, projects=None) -> None:
    """Five recommendations for each of `projects` (by default the Inquiries and Advice and
    Influence projects), their statuses turning through every status from one project to the
    next."""
    if projects is None:
        themes = [PerformanceTheme.INQUIRIES, PerformanceTheme.ADVICE_AND_INFLUENCE]
        projects = Project.objects.filter(plan_year=plan_year, performance_theme__in=themes)
    for offset, project in enumerate(projects.order_by("position", "title")):
        for index, (subject, what, addressee) in enumerate(RECOMMENDATIONS):
            status = STATUSES[(index + offset) % len(STATUSES)]
            made_on = _day(plan_year, 3 + index, 1 + (offset % 20))
            responded_on = (
                None
                if status == RecommendationStatus.NO_RESPONSE
                else made_on + datetime.timedelta(days=30 + 15 * index)
            )
            recommendation = record_upsert(
                Recommendation,
                lookup={
                    "project": project,
                    "text": f"{subject} should {what.format(title=project.title)}.",
                },
                values={
                    "report": f"{project.title}: report (illustrative)",
                    "addressee": addressee,
                    "made_on": made_on,
                    "status": status,
                    "responded_on": responded_on,
                    "response": NOTE if responded_on else "",
                    "is_illustrative": True,
                },
                changes=changes,
            )
            date_the_history(recommendation, made_on=made_on, responded_on=responded_on)


def _midday(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def date_the_history(recommendation, *, made_on, responded_on) -> None:
    """Give a newly generated recommendation the history it would have had, so that figures
    read as at a past date (the indicators counted from recommendations) see it as it stood:
    made, awaiting a response, on its made date, and its response recorded on its response date.
    A recommendation whose history is more than its creation (a second load, or someone's
    change since) is left alone."""
    rows = list(recommendation.history.order_by("history_date", "history_id"))
    if len(rows) != 1:
        return
    made = rows[0]
    made.history_date = _midday(made_on)
    if responded_on is None:
        made.save()
        return
    response = copy.copy(made)
    response.history_id = None
    response.history_type = "~"
    response.history_date = _midday(responded_on)
    made.status, made.responded_on, made.response = RecommendationStatus.NO_RESPONSE, None, ""
    made.save()
    response.save()


def generate(changes: ChangeCount) -> None:
    for plan_year in PlanYear.objects.filter(year__in=RISK_YEARS):
        generate_risks(plan_year, changes)
    for plan_year in PlanYear.objects.filter(year=RECOMMENDATION_YEAR):
        generate_recommendations(plan_year, changes)

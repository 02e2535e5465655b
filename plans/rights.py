"""Who may change what in the plans: a project's milestones and the responses to its
recommendations. One rule, used by the pages, the entry screens and the imports alike.

- **Administrators** change everything their model permissions allow, in any year.
- **A closed plan year is read-only** to everyone else.
- **Milestones** are updated (status, completion, commentary, revised due date) and added by the
  people who work on the project: the holders of a role that owns it and its members. What was
  planned (a milestone's title and original due date) is changed only by its owners, so that
  slippage stays visible.
- **Recommendations**: a project's owners record the responses to its recommendations, and are
  the only ones besides administrators who change them.
Each needs the model permission as well (plans.change_milestone, plans.change_recommendation).

The rule is `PlanRights`, pure: it is worked out from facts about one person that
`plan_rights` gathers in one query (besides the person's permissions), however many projects
there are, and from the record asked about (its plan year, loaded with it).
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from core import permissions
from plans.models import Project

CHANGE_MILESTONE = "plans.change_milestone"
CHANGE_RECOMMENDATION = "plans.change_recommendation"

#: What was planned: only a project's owners and administrators change it.
MILESTONE_PLAN_FIELDS = ("title", "due_on")

CLOSED_YEAR_MESSAGE = permissions.CLOSED_YEAR_MESSAGE
NOT_YOUR_PROJECT_MESSAGE = (
    "You can only update the milestones of projects you own or are a member of, and "
    "{project} is not one of them."
)
NO_MILESTONE_PERMISSION_MESSAGE = (
    "Your account lets you read milestones but not update them: milestones are updated by the "
    "people who work on their project."
)
NOT_AN_OWNER_MESSAGE = (
    "Only the owners of {project} change what was planned for its milestones (their title and "
    "original due date), so that slippage stays visible."
)
RECOMMENDATIONS_CLOSED_MESSAGE = "{year} is closed: its recommendations can no longer be changed."
NOT_YOUR_RECOMMENDATION_MESSAGE = (
    "Only the owners of a project record the responses to its recommendations."
)


@dataclass(frozen=True)
class MilestoneRights:
    """What a person may do with one project's milestones: update them (status, completion,
    commentary, revised due date) and add them; change what was planned (a milestone's title and
    original due date), which only owners and administrators do; and, when they may not update,
    why not, in words for the page that refuses them."""

    may_update: bool = False
    may_change_plan: bool = False
    refusal: str = ""


@dataclass(frozen=True)
class PlanRights:
    """What one person may change in the plans, worked out from facts about them (whether they
    administer, which model permissions they hold, which projects they own through a role they
    hold or work on, owning it or as a member) and about the record (its plan year, loaded
    with it: whether it is closed)."""

    is_administrator: bool = False
    may_change_milestones: bool = False
    may_change_recommendations: bool = False
    owned_project_ids: frozenset = frozenset()
    worked_on_project_ids: frozenset = frozenset()

    def milestones(self, project) -> MilestoneRights:
        """The rights over the milestones of `project` (its plan year loaded, for the words)."""
        if not self.may_change_milestones:
            return MilestoneRights(refusal=NO_MILESTONE_PERMISSION_MESSAGE)
        if self.is_administrator:
            return MilestoneRights(may_update=True, may_change_plan=True)
        if permissions.is_closed(project.plan_year):
            return MilestoneRights(refusal=CLOSED_YEAR_MESSAGE.format(year=project.plan_year.year))
        if project.pk not in self.worked_on_project_ids:
            return MilestoneRights(refusal=NOT_YOUR_PROJECT_MESSAGE.format(project=project.title))
        return MilestoneRights(
            may_update=True, may_change_plan=project.pk in self.owned_project_ids
        )

    def projects_for_milestones(self, projects):
        """The projects of `projects` whose milestones may be updated and added: the choices a
        form offers."""
        if not self.may_change_milestones:
            return projects.none()
        if self.is_administrator:
            return projects
        return permissions.in_open_years(
            projects.filter(pk__in=self.worked_on_project_ids), "plan_year"
        )

    def may_respond(self, project) -> bool:
        """Whether the recommendations of `project` may be changed (their responses recorded)."""
        if not self.may_change_recommendations:
            return False
        if self.is_administrator:
            return True
        return not permissions.is_closed(project.plan_year) and project.pk in self.owned_project_ids

    def recommendation_refusal(self, project) -> str:
        if permissions.is_closed(project.plan_year):
            return RECOMMENDATIONS_CLOSED_MESSAGE.format(year=project.plan_year.year)
        return NOT_YOUR_RECOMMENDATION_MESSAGE

    def projects_for_recommendations(self, projects):
        """The projects of `projects` whose recommendations may be added and changed."""
        if not self.may_change_recommendations:
            return projects.none()
        if self.is_administrator:
            return projects
        return permissions.in_open_years(
            projects.filter(pk__in=self.owned_project_ids), "plan_year"
        )


def plan_rights(user) -> PlanRights:
    """The facts about `user` that PlanRights needs: their permissions (remembered by Django on
    the user) and, in one query, the projects they work on and which of those they own."""
    if not user.is_authenticated or not user.is_active:
        return PlanRights()
    owns = Project.owners.through.objects.filter(project=OuterRef("pk"), role__holders=user)
    worked_on = (
        Project.objects.filter(Q(owners__holders=user) | Q(members=user))
        .annotate(owns=Exists(owns))
        .values_list("pk", "owns")
        .distinct()
    )
    facts = list(worked_on)
    return PlanRights(
        is_administrator=permissions.is_administrator(user),
        may_change_milestones=user.has_perm(CHANGE_MILESTONE),
        may_change_recommendations=user.has_perm(CHANGE_RECOMMENDATION),
        owned_project_ids=frozenset(pk for pk, owned in facts if owned),
        worked_on_project_ids=frozenset(pk for pk, _ in facts),
    )


def plan_rights_for(request) -> PlanRights:
    """The signed-in person's PlanRights, worked out once per request: an entry screen asks for
    every row and every button."""
    return permissions.once_per_request(request, "plan_rights", lambda: plan_rights(request.user))

"""Who may edit the risk register, built on core.permissions (administrators, closed years
read-only, who works on a project).

The holders of a risk's owner role edit it; the people who work on a project (holding a role that
owns it, or as members) edit its risks; directors edit strategic risks; everyone signed in reads.
The rule itself is risks.rules.EditingRights, pure; this module gathers the facts it needs about
one person in a few queries. Editing needs the model permission as well (risks.change_risk), and
nothing of a closed year changes except by an administrator.
"""

from core import permissions
from plans.models import PlanYear, Project
from risks.rules import EditingRights

DIRECTORS_GROUP = "Directors"
CHANGE_RISK = "risks.change_risk"


def is_director(user) -> bool:
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_is_director"):
        user._is_director = user.groups.filter(name=DIRECTORS_GROUP).exists()
    return user._is_director


def editing_rights(user, plan_year: PlanYear) -> EditingRights:
    """What `user` may edit in `plan_year`'s register, in at most four queries (fewer for an
    administrator or a closed year)."""
    if permissions.is_administrator(user):
        return EditingRights(is_administrator=True)
    if not user.is_authenticated or not user.has_perm(CHANGE_RISK):
        return EditingRights()
    if permissions.is_closed(plan_year):
        return EditingRights(may_change_risks=True, year_is_closed=True)
    projects = permissions.projects_worked_on(user, Project.objects.filter(plan_year=plan_year))
    return EditingRights(
        may_change_risks=True,
        is_director=is_director(user),
        role_ids=frozenset(user.roles.values_list("pk", flat=True)),
        project_ids=frozenset(projects.values_list("pk", flat=True)),
    )


def editing_rights_in_open_years(user) -> EditingRights:
    """What `user` could edit in any open plan year, for the choices a form offers before it
    knows the year: the projects they work on are those of every open year."""
    if permissions.is_administrator(user):
        return EditingRights(is_administrator=True)
    if not user.is_authenticated or not user.has_perm(CHANGE_RISK):
        return EditingRights()
    projects = permissions.projects_worked_on(
        user, permissions.in_open_years(Project.objects.all(), "plan_year")
    )
    return EditingRights(
        may_change_risks=True,
        is_director=is_director(user),
        role_ids=frozenset(user.roles.values_list("pk", flat=True)),
        project_ids=frozenset(projects.values_list("pk", flat=True)),
    )


EDITING_RULE = (
    "Only the holders of a risk's owner role, the people working on its project and, for "
    "strategic risks, directors can {verb} it."
)
CLOSED_YEAR = "{year} is closed: its risks can no longer be changed."


def why_not(plan_year, *, verb="review") -> str:
    """Why someone may not edit a risk of `plan_year`, in the register's words."""
    if permissions.is_closed(plan_year):
        return CLOSED_YEAR.format(year=plan_year.year)
    return EDITING_RULE.format(verb=verb)


def may_edit_risk(user, risk) -> bool:
    return editing_rights(user, risk.plan_year).may_edit(
        tier=risk.tier, owner_id=risk.owner_id, project_id=risk.project_id
    )

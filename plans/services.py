"""Writes of the plans app: a milestone updated or added from the application's pages, and the
latest response to a recommendation.

Each runs in one transaction, checks the person's rights on the record as it is stored, validates
with full_clean() and records who made the change in the audit history.
"""

import copy

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from core.edit_conflicts import check_version
from plans.locks import first_refusal, quarter_locks
from plans.models import Milestone, Project, Recommendation
from plans.rights import MILESTONE_PLAN_FIELDS, MilestoneRights, plan_rights

#: What anyone who updates a project's milestones may change.
PROGRESS_FIELDS = ("status", "completed_on", "commentary", "revised_due_on", "revision_reason")
#: What was planned, which only the project's owners and administrators change.
PLAN_FIELDS = MILESTONE_PLAN_FIELDS
#: What a person changes when they report a milestone's progress: commentary is then needed
#: when it is at risk or slipped.
REPORTED_FIELDS = ("status", "commentary")
#: What a new milestone is given.
NEW_MILESTONE_FIELDS = ("title", "due_on", "status", "completed_on", "commentary")


def milestone_update_fields(rights: MilestoneRights) -> tuple[str, ...]:
    """The fields of a milestone a person with `rights` may change, in the form's order."""
    if not rights.may_update:
        return ()
    return (*PLAN_FIELDS, *PROGRESS_FIELDS) if rights.may_change_plan else PROGRESS_FIELDS


#: What a milestone completed in a signed-off quarter keeps: what the quarter reported of it.
COMPLETION_FIELDS = ("status", "completed_on", "commentary")


def milestone_lock_errors(milestone: Milestone, *, stored=None, locks=None) -> dict[str, str]:
    """What a signed-off quarter (plans.locks) refuses of a milestone as it would be saved,
    `stored` being the milestone before the change (None for a new one):
    - one completed in a signed-off quarter keeps its status, completion date and commentary;
    - no milestone is given a completion date inside a signed-off quarter;
    - a revised due date is not moved into or out of a signed-off quarter.
    Its title and planned due date are the project's plan, not the quarter's report, and stay
    as the owners' rights allow. `locks` are read here unless given."""
    if locks is None:
        locks = quarter_locks()
    plan_year = milestone.project.plan_year
    before = stored.project.plan_year if stored is not None else None
    errors = {}
    if stored is not None:
        refusal = locks.refusal(before, stored.completed_on)
        changed = [n for n in COMPLETION_FIELDS if getattr(stored, n) != getattr(milestone, n)]
        if refusal and changed:
            return dict.fromkeys(changed, refusal)
    if stored is None or stored.completed_on != milestone.completed_on:
        refusal = locks.refusal(plan_year, milestone.completed_on)
        if refusal:
            errors["completed_on"] = refusal
    stored_revision = stored.revised_due_on if stored is not None else None
    if stored_revision != milestone.revised_due_on:
        refusal = first_refusal(
            locks, (before, stored_revision), (plan_year, milestone.revised_due_on)
        )
        if refusal:
            errors["revised_due_on"] = refusal
    return errors


def milestone_lock_refusal(milestone: Milestone, *, locks=None) -> str:
    """Why a stored milestone cannot be deleted (completed in a signed-off quarter), or ""."""
    if locks is None:
        locks = quarter_locks()
    return locks.refusal(milestone.project.plan_year, milestone.completed_on)


def milestone_rule_errors(
    milestone: Milestone, *, changed, stored=None, locks=None
) -> dict[str, str]:
    """What every route that adds or changes a milestone must also refuse, beyond the model's
    own validation: what a signed-off quarter locks (milestone_lock_errors, against `stored`,
    the milestone before the change); and an addition, or a change of its status or
    commentary (`changed` names the fields that changed), that leaves it at risk or slipped
    without commentary. A milestone recorded from a document and not touched since keeps its
    wording as printed."""
    if milestone.pk is None or changed:
        locked = milestone_lock_errors(milestone, stored=stored, locks=locks)
        if locked:
            return locked
    if milestone.pk is not None and not set(changed) & set(REPORTED_FIELDS):
        return {}
    return milestone.update_errors()


def _validate(milestone: Milestone) -> None:
    """full_clean(), and what the pages ask for besides (Milestone.update_errors)."""
    errors = {}
    try:
        milestone.full_clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    for name, message in milestone.update_errors().items():
        errors.setdefault(name, []).append(message)
    if errors:
        raise ValidationError(errors)


def _refuse_if_locked(milestone: Milestone, *, stored) -> None:
    errors = milestone_lock_errors(milestone, stored=stored)
    if errors:
        raise ValidationError(errors)


def _refuse_unless_allowed(rights, values, allowed):
    if not rights.may_update:
        raise PermissionDenied(rights.refusal)
    not_allowed = sorted(set(values) - set(allowed))
    if not_allowed:
        raise PermissionDenied(f"You cannot change a milestone's {', '.join(not_allowed)}.")


def milestone_update(*, milestone_pk: int, user, version: str, values: dict) -> Milestone:
    """Change a milestone as `user`, provided it is still the version they opened.

    Raises core.edit_conflicts.EditConflictError (saying who changed it since, when, and what it
    now says) if someone else saved it meanwhile, PermissionDenied if `user` may not change these
    fields of this project's milestones, ValidationError if the result is invalid. Saving it
    unchanged writes nothing."""
    with transaction.atomic():
        milestone = check_version(
            Milestone.objects.select_related("project__plan_year"),
            milestone_pk,
            version,
            fields=list(values),
        )
        rights = plan_rights(user).milestones(milestone.project)
        _refuse_unless_allowed(rights, values, milestone_update_fields(rights))
        changed = [name for name, value in values.items() if getattr(milestone, name) != value]
        if not changed:
            return milestone
        stored = copy.copy(milestone)
        for name in changed:
            setattr(milestone, name, values[name])
        _refuse_if_locked(milestone, stored=stored)
        _validate(milestone)
        milestone._history_user = user
        milestone.save()
    return milestone


def milestone_create(*, project: Project, user, values: dict) -> Milestone:
    """Add a milestone to `project` as `user`. Raises PermissionDenied if they may not add one
    to it (not their project, a closed year), ValidationError if it is invalid."""
    with transaction.atomic():
        project = Project.objects.select_related("plan_year").get(pk=project.pk)
        rights = plan_rights(user).milestones(project)
        _refuse_unless_allowed(rights, values, NEW_MILESTONE_FIELDS)
        milestone = Milestone(project=project, **values)
        _refuse_if_locked(milestone, stored=None)
        _validate(milestone)
        milestone._history_user = user
        milestone.save()
    return milestone


@transaction.atomic
def recommendation_response_record(*, recommendation: Recommendation) -> Recommendation:
    """Save the latest response to a recommendation, as its form set it."""
    recommendation.full_clean()
    recommendation.save()
    return recommendation

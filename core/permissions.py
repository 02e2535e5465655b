"""Who may change which record, object by object: the rules every entry screen, import and page
applies, written once.

- **Administrators** (superusers and members of the Administrators group) may do whatever their
  model permissions allow.
- **A closed plan year is read-only** to everyone else: nothing that belongs to it (a project, a
  milestone, an indicator, a measurement, a budget line...) is changed, added or deleted.
- **Milestones are updated by the people who work on the project**: those who hold a role that
  owns it (a director) and its members. Nobody else but an administrator changes, adds or
  deletes a project's milestones.

Model permissions (the groups' "can change milestone") still decide what kind of record a person
may touch at all; these rules narrow that down to the records themselves.

core imports no domain app, so the plan domain's words it needs are named here as lookups: where
a record finds its plan year is declared by each admin and resource (`plan_year_path`), what
makes a plan year closed is `CLOSED_PLAN_YEAR`, and how a person works on a project is
`PROJECT_WORKERS`. Tests keep these equal to the plans app's own.
"""

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Exists, OuterRef, Q

ADMINISTRATORS_GROUP = "Administrators"

#: A plan year with these values is closed (plans.choices.PlanStatus.CLOSED).
CLOSED_PLAN_YEAR = {"status": "closed"}

#: How a person works on a project: holding a role that owns it, or as one of its members.
PROJECT_WORKERS = ("owners__holders", "members")

#: How a person owns a project: holding a role that owns it (PROJECT_WORKERS' first way).
PROJECT_OWNERS = PROJECT_WORKERS[0]

#: The model permission that lets a person update milestones at all.
CHANGE_MILESTONE = "plans.change_milestone"

CLOSED_YEAR_MESSAGE = "{year} is closed: its records can no longer be changed."
NOT_YOUR_PROJECT_MESSAGE = (
    "You can only update the milestones of projects you own or are a member of, and "
    "{project} is not one of them."
)

NO_MILESTONE_PERMISSION_MESSAGE = (
    "Your account lets you read milestones but not update them: milestones are updated by the "
    "people who work on their project."
)


def is_administrator(user) -> bool:
    """A superuser, or an active member of the Administrators group. Remembered on the user
    object, since one admin page asks many times."""
    if not user.is_active or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if not hasattr(user, "_is_administrator"):
        user._is_administrator = user.groups.filter(name=ADMINISTRATORS_GROUP).exists()
    return user._is_administrator


def _lookup(path: str, field: str) -> str:
    return f"{path}__{field}" if path else field


def plan_year_of(record, plan_year_path: str):
    """The plan year a record belongs to, following `plan_year_path` ("project__plan_year";
    "" for a plan year itself), or None for a record outside any plan year (a theme of a
    strategy)."""
    for name in plan_year_path.split("__") if plan_year_path else []:
        record = getattr(record, name, None)
        if record is None:
            return None
    return record


def is_closed(plan_year) -> bool:
    return plan_year is not None and all(
        getattr(plan_year, field) == value for field, value in CLOSED_PLAN_YEAR.items()
    )


def in_closed_year(record, plan_year_path: str) -> bool:
    return is_closed(plan_year_of(record, plan_year_path))


def in_open_years(queryset, plan_year_path: str):
    """The records of `queryset` that belong to no closed plan year."""
    return queryset.exclude(
        **{_lookup(plan_year_path, field): value for field, value in CLOSED_PLAN_YEAR.items()}
    )


def may_change_in_year(user, record, plan_year_path: str) -> bool:
    """Whether the record's plan year lets this user change it: open, or the user administers."""
    return is_administrator(user) or not in_closed_year(record, plan_year_path)


def projects_worked_on(user, projects):
    """The projects of `projects` that `user` owns through a role they hold or is a member of."""
    manager = projects.model._default_manager
    linked = Q()
    for path in PROJECT_WORKERS:
        linked |= Q(pk__in=manager.filter(**{path: user}).values("pk"))
    return projects.filter(linked)


def projects_for_milestones(user, projects):
    """The projects of `projects` whose milestones `user` may add, change and delete: all of them
    for an administrator; otherwise those they work on, in open plan years; none without the
    permission to change milestones. For the choices a form offers and for pages."""
    if not user.has_perm(CHANGE_MILESTONE):
        return projects.none()
    if is_administrator(user):
        return projects
    return in_open_years(projects_worked_on(user, projects), "plan_year")


def can_change_milestone(user, project) -> bool:
    """Whether `user` may add, change or delete milestones of `project`: for the pages that
    offer a milestone's edit link. One query once the person's permissions are known (they are
    remembered on the user) and the project's plan year is loaded."""
    if not user.has_perm(CHANGE_MILESTONE):
        return False
    if is_administrator(user):
        return True
    if in_closed_year(project, "plan_year"):
        return False
    one = type(project)._default_manager.filter(pk=project.pk)
    return projects_worked_on(user, one).exists()


def projects_owned(user, projects):
    """The projects of `projects` that `user` owns through a role they hold."""
    manager = projects.model._default_manager
    return projects.filter(pk__in=manager.filter(**{PROJECT_OWNERS: user}).values("pk"))


@dataclass(frozen=True)
class MilestoneRights:
    """What a person may do with a project's milestones on the pages: update them (status,
    completion, commentary, revised due date) and add them; change what was planned (a
    milestone's title and original due date), which only owners and administrators do; and,
    when they may not update, why not, in words for the page that refuses them."""

    may_update: bool = False
    may_change_plan: bool = False
    refusal: str = ""


def milestone_rights(user, project) -> MilestoneRights:
    """`user`'s rights over the milestones of `project` (whose plan year is loaded): one query
    once the person's permissions are known."""
    if not user.has_perm(CHANGE_MILESTONE):
        return MilestoneRights(refusal=NO_MILESTONE_PERMISSION_MESSAGE)
    if is_administrator(user):
        return MilestoneRights(may_update=True, may_change_plan=True)
    if in_closed_year(project, "plan_year"):
        year = plan_year_of(project, "plan_year").year
        return MilestoneRights(refusal=CLOSED_YEAR_MESSAGE.format(year=year))
    manager = type(project)._default_manager
    this_one = manager.filter(pk=OuterRef("pk"))
    owns, works_on = (
        manager.filter(pk=project.pk)
        .annotate(
            owns=Exists(projects_owned(user, this_one)),
            works_on=Exists(projects_worked_on(user, this_one)),
        )
        .values_list("owns", "works_on")
        .get()
    )
    if not works_on:
        return MilestoneRights(refusal=NOT_YOUR_PROJECT_MESSAGE.format(project=project.title))
    return MilestoneRights(may_update=True, may_change_plan=owns)


# --- The admin --------------------------------------------------------------------------------


def _plan_year_path_of(admin_site, model):
    """The plan year path the admin of `model` declares, or None if it has none."""
    model_admin = admin_site._registry.get(model)
    return getattr(model_admin, "plan_year_path", None)


def offered_choices(request, admin_site, db_field, queryset):
    """The related records a form offers for `db_field`: to anyone but an administrator, only
    those of open plan years, so nothing can be added to or moved into a closed year."""
    if is_administrator(request.user):
        return queryset
    path = _plan_year_path_of(admin_site, db_field.related_model)
    return queryset if path is None else in_open_years(queryset, path)


def autocomplete_source(request, admin_site):
    """For an admin autocomplete request, the admin of the form asking and its field; else None."""
    match = request.resolver_match
    if match is None or match.url_name != "autocomplete":
        return None
    try:
        model = apps.get_model(request.GET["app_label"], request.GET["model_name"])
        db_field = model._meta.get_field(request.GET["field_name"])
    except (KeyError, LookupError, FieldDoesNotExist):
        return None
    source_admin = admin_site._registry.get(model)
    return None if source_admin is None else (source_admin, db_field)


class YearLockedAdmin:
    """A ModelAdmin for records of a plan year: read-only once the year is closed, except to
    administrators, and its forms (including the autocomplete lists) offer only records of open
    years to link to. Subclasses name the path to the plan year."""

    #: From a record to its plan year, e.g. "project__plan_year"; "" for the plan year itself.
    plan_year_path = None

    def is_locked(self, request, obj) -> bool:
        return obj is not None and not may_change_in_year(request.user, obj, self.plan_year_path)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self.is_locked(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self.is_locked(request, obj)

    def limit_choices(self, request, db_field, queryset):
        """The records offered for a relation; subclasses narrow it further (a milestone's
        project)."""
        return offered_choices(request, self.admin_site, db_field, queryset)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None:
            field.queryset = self.limit_choices(request, db_field, field.queryset)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None:
            field.queryset = self.limit_choices(request, db_field, field.queryset)
        return field

    def get_search_results(self, request, queryset, search_term):
        # The autocomplete list of another form's field (a milestone's project) offers what
        # that form would accept, no more.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        source = autocomplete_source(request, self.admin_site)
        if source is not None:
            source_admin, db_field = source
            if hasattr(source_admin, "limit_choices"):
                queryset = source_admin.limit_choices(request, db_field, queryset)
        return queryset, may_have_duplicates


class YearLockedInline:
    """An InlineModelAdmin whose rows are read-only when their parent (the `obj` Django passes)
    is in a closed plan year, and whose relations offer only records of open years."""

    def parent_is_locked(self, request, obj) -> bool:
        path = _plan_year_path_of(self.admin_site, self.parent_model)
        return (
            obj is not None and path is not None and not may_change_in_year(request.user, obj, path)
        )

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not self.parent_is_locked(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self.parent_is_locked(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self.parent_is_locked(
            request, obj
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None:
            field.queryset = offered_choices(request, self.admin_site, db_field, field.queryset)
        return field


# --- Spreadsheet imports ----------------------------------------------------------------------


class YearLockedResource:
    """A resource whose import refuses, row by row, a record of a closed plan year to anyone but
    an administrator: a row that would change one, add one or move one into or out of one is an
    error naming the row and its column, and nothing is imported."""

    #: From a record to its plan year, as on the admin.
    plan_year_path = None
    #: The model field the sheet gives the plan year through, which the error names.
    plan_year_field = None

    def check_row_permission(self, instance, user, *, stored_plan_year):
        """Raise ValidationError if `user` may not save `instance` as the row has it;
        `stored_plan_year` is the plan year of the record before the row (None if new)."""
        if user is None or is_administrator(user):
            return
        for plan_year in (stored_plan_year, plan_year_of(instance, self.plan_year_path)):
            if is_closed(plan_year):
                raise ValidationError(
                    {self.plan_year_field: CLOSED_YEAR_MESSAGE.format(year=plan_year.year)}
                )

    def import_instance(self, instance, row, **kwargs):
        # The instance is the stored record, which the row is about to change.
        stored_plan_year = None
        if instance.pk is not None:
            stored_plan_year = plan_year_of(instance, self.plan_year_path)
        super().import_instance(instance, row, **kwargs)
        self.check_row_permission(instance, kwargs.get("user"), stored_plan_year=stored_plan_year)

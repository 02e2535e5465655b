"""The shared part of who may change which record: the rules every domain app builds on, and the
hooks by which its entry screens and imports ask the domain's own rule.

- **Administrators** (superusers and members of the Administrators group) may do whatever their
  model permissions allow.
- **A closed plan year is read-only** to everyone else: nothing that belongs to it (a project, a
  milestone, an indicator, a measurement, a budget line...) is changed, added or deleted.

What narrows these down to a person's own records is each domain app's rights module
(`plans.rights`, `kpis.rights`, `budgets.rights`): a pure rule worked out from facts, and one
function that gathers the facts. The admin classes and resources here call it through hooks
(`may_change_record`, `row_refusal`, `rule_errors`) that the domain's admins and resources fill in.

Model permissions (the groups' "can change milestone") still decide what kind of record a person
may touch at all; the rights modules narrow that down to the records themselves.

core imports no domain app, so the plan domain's words it needs are named here as lookups: where
a record finds its plan year is declared by each admin and resource (`plan_year_path`), what
makes a plan year closed is `CLOSED_PLAN_YEAR`, and how a person works on a project is
`PROJECT_WORKERS` (still used by the risk register's rule). Tests keep these equal to the plans
app's own.
"""

import copy

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Q

ADMINISTRATORS_GROUP = "Administrators"

#: A plan year with these values is closed (plans.choices.PlanStatus.CLOSED).
CLOSED_PLAN_YEAR = {"status": "closed"}

#: How a person works on a project: holding a role that owns it, or as one of its members.
PROJECT_WORKERS = ("owners__holders", "members")

CLOSED_YEAR_MESSAGE = "{year} is closed: its records can no longer be changed."


def once_per_request(request, name: str, work):
    """`work()`, worked out once per request and kept on it under `name`: an entry screen asks
    for a person's rights for every row and every button."""
    kept = request.__dict__.setdefault("_rights", {})
    if name not in kept:
        kept[name] = work()
    return kept[name]


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
    years to link to. Subclasses name the path to the plan year, and fill in the hooks through
    which the domain's rights module narrows this down to a person's own records
    (`may_change_record`, `may_add_record`) and its services add the rules a record keeps beyond
    the model's (`rule_errors`)."""

    #: From a record to its plan year, e.g. "project__plan_year"; "" for the plan year itself.
    plan_year_path = None

    def is_locked(self, request, obj) -> bool:
        return obj is not None and not may_change_in_year(request.user, obj, self.plan_year_path)

    def may_change_record(self, request, obj) -> bool:
        """Whether the domain's rule lets the signed-in person change or delete `obj`."""
        return True

    def may_add_record(self, request) -> bool:
        """Whether the domain's rule leaves the signed-in person anything to add a record to."""
        return True

    def rule_errors(self, request, instance, form) -> dict:
        """What the domain's services say is wrong with `instance` as the form would save it,
        beyond the model's own validation: {field name or None: message}."""
        return {}

    def has_add_permission(self, request, *args):
        return super().has_add_permission(request, *args) and self.may_add_record(request)

    def has_change_permission(self, request, obj=None):
        return (
            super().has_change_permission(request, obj)
            and not self.is_locked(request, obj)
            and (obj is None or self.may_change_record(request, obj))
        )

    def has_delete_permission(self, request, obj=None):
        return (
            super().has_delete_permission(request, obj)
            and not self.is_locked(request, obj)
            and (obj is None or self.may_change_record(request, obj))
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        return checked_by_rules(
            super().get_form(request, obj, change=change, **kwargs),
            lambda instance, form: self.rule_errors(request, instance, form),
        )

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
    is in a closed plan year, and whose relations offer only records of open years. Subclasses
    fill in the same hooks as YearLockedAdmin's, for the rows of one parent."""

    def parent_is_locked(self, request, obj) -> bool:
        path = _plan_year_path_of(self.admin_site, self.parent_model)
        return (
            obj is not None and path is not None and not may_change_in_year(request.user, obj, path)
        )

    def may_change_rows(self, request, parent) -> bool:
        """Whether the domain's rule lets the signed-in person add, change or delete the rows of
        `parent` (None on a form adding the parent)."""
        return True

    def rule_errors(self, request, instance, form) -> dict:
        """As YearLockedAdmin.rule_errors, for one row."""
        return {}

    def _may(self, request, obj) -> bool:
        return not self.parent_is_locked(request, obj) and self.may_change_rows(request, obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._may(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may(request, obj)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = checked_by_rules(
            formset.form, lambda instance, form: self.rule_errors(request, instance, form)
        )
        return formset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None:
            field.queryset = offered_choices(request, self.admin_site, db_field, field.queryset)
        return field


def checked_by_rules(form_class, rule_errors):
    """`form_class` whose validation also asks `rule_errors(instance, form)` what the domain's
    services refuse about the record as it would be saved, once the model's own validation has
    passed, and shows each on its field (or above the form)."""

    class CheckedByRules(form_class):
        def _post_clean(self):
            super()._post_clean()
            if self.errors:
                return
            for name, message in rule_errors(self.instance, self).items():
                self.add_error(name if name in self.fields else None, message)

    CheckedByRules.__name__ = form_class.__name__
    return CheckedByRules


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

    def check_row(self, instance, user, *, stored):
        """The domain's rule for one row: raise ValidationError, naming the field, if `user` may
        not save `instance` as the row has it, or the domain's services refuse it. `stored` is
        a copy of the record before the row (None if the row adds one)."""

    def import_instance(self, instance, row, **kwargs):
        # The instance is the stored record, which the row is about to change.
        stored_plan_year, stored = None, None
        if instance.pk is not None:
            stored_plan_year = plan_year_of(instance, self.plan_year_path)
            stored = copy.copy(instance)
        super().import_instance(instance, row, **kwargs)
        user = kwargs.get("user")
        self.check_row_permission(instance, user, stored_plan_year=stored_plan_year)
        if user is not None:
            self.check_row(instance, user, stored=stored)

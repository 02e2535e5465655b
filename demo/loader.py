"""Loads the source documents held as YAML in this folder through the apps' services.

Each file is checked against the format in README.md before anything is written: an unknown key,
a missing required key or a reference to something not in the file is reported with the file and
the item, and the whole load is one transaction, so nothing is half-written.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from budgets.models import Budget, BudgetCategory, BudgetLine, GrantInAid
from core.services import ChangeCount, links_set_in_order, record_upsert
from kpis.choices import default_target_profile
from kpis.models import Indicator, PeriodTarget
from plans.models import (
    CorporateObjective,
    Milestone,
    PlanYear,
    Project,
    ProjectTolerance,
    Role,
    StrategicAim,
    StrategicObjective,
    Strategy,
    Theme,
)

DATA_DIR = Path(__file__).resolve().parent
DOCUMENT_FILES = ["2010-11.yaml", "2012-13.yaml", "2016-17.yaml", "2024-27.yaml"]
UNIT_MULTIPLIER = {"pounds": Decimal(1), "thousands": Decimal(1000)}

# Allowed and required keys of each kind of item (README.md describes them).
SCHEMA = {
    "document": (
        {
            "document",
            "organisation",
            "notes",
            "strategy",
            "plan_year",
            "strategic_objectives",
            "themes",
            "corporate_objectives",
            "projects",
            "indicators",
            "budget",
        },
        {"document"},
    ),
    "strategy": (
        {"title", "start_year", "end_year", "mission", "summary", "notes"},
        {"title", "start_year", "end_year"},
    ),
    "plan_year": (
        {"year", "title", "status", "mission", "vision", "values", "notes"},
        {"year", "title"},
    ),
    "objective": (
        {"ref", "label", "title", "printed_wording", "summary", "aims", "notes"},
        {"ref", "title"},
    ),
    "aim": ({"ref", "summary", "printed_wording", "uncrc_articles", "notes"}, {"ref", "summary"}),
    "theme": (
        {"name", "kind", "ref", "summary", "printed_wording", "uncrc_articles", "notes"},
        {"name", "kind"},
    ),
    "corporate_objective": (
        {"ref", "kind", "theme", "aim", "objectives", "owners", "projects", "notes"},
        {"ref", "kind", "aim"},
    ),
    "project": (
        {
            "title",
            "ref",
            "owners",
            "objectives",
            "aims",
            "themes",
            "budget_excluding_staff",
            "goals",
            "outcome",
            "performance_theme",
            "tolerances",
            "milestones",
            "notes",
        },
        {"title"},
    ),
    "milestone": ({"title", "due_on", "notes"}, {"title", "due_on"}),
    "indicator": (
        {
            "ref",
            "title",
            "tier",
            "project",
            "objective",
            "owners",
            "unit",
            "direction",
            "aggregation",
            "frequency",
            "source",
            "annual_target",
            "target_change_percent",
            "baseline",
            "later_target",
            "later_target_year",
            "target_wording",
            "target_profile",
            "period_target",
            "purpose",
            "notes",
        },
        {"ref", "title", "tier", "unit", "aggregation", "target_wording"},
    ),
    "budget": ({"unit", "funding", "lines", "notes"}, {"unit"}),
    "funding": ({"sponsor", "amount", "notes"}, {"sponsor", "amount"}),
    "line": (
        {"category", "kind", "income", "amount", "project", "description", "notes"},
        {"category", "kind", "amount"},
    ),
}


class DemoDataError(Exception):
    """A demo data file does not follow the format, or refers to something it does not hold."""


@dataclass
class Context:
    """Where an item sits, for error messages: the file and the item."""

    file: str
    where: str = ""

    def at(self, where: str) -> "Context":
        return Context(self.file, f"{self.where} > {where}" if self.where else where)

    def error(self, message: str) -> DemoDataError:
        place = f"{self.file}, {self.where}" if self.where else self.file
        return DemoDataError(f"{place}: {message}")


def check_keys(item, kind: str, context: Context) -> dict:
    if not isinstance(item, dict):
        raise context.error(f"expected a mapping for {kind}, found {type(item).__name__}")
    allowed, required = SCHEMA[kind]
    unknown = set(item) - allowed
    if unknown:
        raise context.error(f"unknown key(s) {', '.join(sorted(unknown))} for {kind}")
    missing = {key for key in required if item.get(key) in (None, "")} - {"target_wording"}
    if "target_wording" in required and "target_wording" not in item:
        missing.add("target_wording")
    if missing:
        raise context.error(f"missing {', '.join(sorted(missing))}")
    return item


def notes_text(item) -> str:
    notes = item.get("notes") or []
    if isinstance(notes, str):
        return notes
    return "\n".join(f"- {note}" for note in notes)


def joined_notes(*items) -> str:
    """The notes of several items (a file and its plan year), one after the other."""
    return "\n".join(part for part in map(notes_text, items) if part)


def to_decimal(value, context: Context, name: str) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        raise context.error(f'{name} must be quoted ("{value}") so it is read exactly')
    try:
        return Decimal(str(value).replace(",", ""))
    except InvalidOperation as error:
        raise context.error(f"{name} {value!r} is not a number") from error


def load_roles(changes: ChangeCount) -> dict[str, Role]:
    """Roles by title and by abbreviation."""
    data = yaml.safe_load((DATA_DIR / "roles.yaml").read_text(encoding="utf-8"))
    by_name = {}
    for entry in data["roles"]:
        role = record_upsert(
            Role,
            lookup={"title": entry["title"]},
            values={"abbreviation": entry.get("abbreviation", "")},
            changes=changes,
        )
        by_name[role.title] = role
        if role.abbreviation:
            by_name[role.abbreviation] = role
    return by_name


class DocumentLoader:
    """Loads one document file."""

    def __init__(self, filename: str, roles: dict[str, Role], changes: ChangeCount):
        self.context = Context(filename)
        self.roles = roles
        self.changes = changes
        text = (DATA_DIR / filename).read_text(encoding="utf-8")
        self.data = check_keys(yaml.safe_load(text), "document", self.context)
        self.strategy = None
        self.plan_year = None
        self.objectives: dict[str, StrategicObjective] = {}
        self.aims: dict[str, StrategicAim] = {}
        self.themes: dict[str, Theme] = {}
        self.projects: dict[str, Project] = {}

    def upsert(self, model, context: Context, **kwargs):
        try:
            return record_upsert(model, changes=self.changes, **kwargs)
        except ValidationError as error:
            raise context.error("; ".join(error.messages)) from error

    def owners(self, names, context: Context) -> list[Role]:
        missing = [name for name in names or [] if name not in self.roles]
        if missing:
            raise context.error(f"owner(s) not in roles.yaml: {', '.join(missing)}")
        return [self.roles[name] for name in names or []]

    def owners_named(self, item, context: Context) -> dict:
        """The owners the document names for `item`, in printed order, as record_upsert's
        `many`; nothing when it names none (2016-17), so that the owners the demo gives those
        (demo.illustrative_journeys), or a person's since, are kept on a second load."""
        owners = self.owners(item.get("owners"), context)
        return {"owners": owners} if owners else {}

    def lookup(self, table: dict, keys, what: str, context: Context) -> list:
        missing = [key for key in keys or [] if key not in table]
        if missing:
            raise context.error(f"{what} not in this file: {', '.join(map(str, missing))}")
        return [table[key] for key in keys or []]

    def load(self) -> PlanYear | Strategy:
        data = self.data
        if "strategy" in data:
            self.load_strategy(data["strategy"])
        if "plan_year" in data:
            self.load_plan_year(data["plan_year"])
        if not (self.plan_year or self.strategy):
            raise self.context.error("a document needs a plan_year or a strategy")
        owner = {"plan_year": self.plan_year, "strategy": None if self.plan_year else self.strategy}
        for position, item in enumerate(data.get("themes") or [], start=1):
            self.load_theme(item, position, owner)
        for position, item in enumerate(data.get("strategic_objectives") or [], start=1):
            self.load_objective(item, position, owner)
        if self.plan_year:
            for position, item in enumerate(data.get("projects") or [], start=1):
                self.load_project(item, position)
            for position, item in enumerate(data.get("corporate_objectives") or [], start=1):
                self.load_corporate_objective(item, position)
            for position, item in enumerate(data.get("indicators") or [], start=1):
                self.load_indicator(item, position)
            if data.get("budget"):
                self.load_budget(data["budget"])
        elif any(
            data.get(key) for key in ("projects", "corporate_objectives", "indicators", "budget")
        ):
            raise self.context.error("projects, indicators and budgets need a plan_year")
        return self.plan_year or self.strategy

    def load_strategy(self, item):
        context = self.context.at("strategy")
        check_keys(item, "strategy", context)
        self.strategy = self.upsert(
            Strategy,
            context,
            lookup={"title": item["title"]},
            values={
                "start_year": item["start_year"],
                "end_year": item["end_year"],
                "mission": item.get("mission", ""),
                "summary": item.get("summary", ""),
                # A strategy-only document (2024-27) has no plan year to hold its file notes.
                "notes": joined_notes(*([] if "plan_year" in self.data else [self.data]), item),
            },
        )

    def load_plan_year(self, item):
        context = self.context.at("plan_year")
        check_keys(item, "plan_year", context)
        self.plan_year = self.upsert(
            PlanYear,
            context,
            lookup={"year": item["year"]},
            values={
                "title": item["title"],
                "organisation_name": self.data.get("organisation", ""),
                "strategy": self.strategy,
                "status": item.get("status", "draft"),
                "mission": item.get("mission", ""),
                "vision": item.get("vision", ""),
                "values": item.get("values", ""),
                "notes": joined_notes(self.data, item),
            },
        )

    def load_theme(self, item, position, owner):
        context = self.context.at(f"theme {item.get('name')!r}")
        check_keys(item, "theme", context)
        self.themes[item["name"]] = self.upsert(
            Theme,
            context,
            lookup={**owner, "name": item["name"]},
            values={
                "kind": item["kind"],
                "ref": item.get("ref", ""),
                "summary": item.get("summary", ""),
                "printed_wording": item.get("printed_wording", ""),
                "uncrc_articles": item.get("uncrc_articles", ""),
                "notes": notes_text(item),
                "position": position,
            },
        )

    def load_objective(self, item, position, owner):
        context = self.context.at(f"objective {item.get('ref')!r}")
        check_keys(item, "objective", context)
        objective = self.upsert(
            StrategicObjective,
            context,
            lookup={**owner, "ref": item["ref"]},
            values={
                "label": item.get("label", "strategic objective"),
                "title": item["title"],
                "printed_wording": item.get("printed_wording", ""),
                "summary": item.get("summary", ""),
                "notes": notes_text(item),
                "position": position,
            },
        )
        self.objectives[objective.ref] = objective
        for aim_position, aim in enumerate(item.get("aims") or [], start=1):
            aim_context = context.at(f"aim {aim.get('ref')!r}")
            check_keys(aim, "aim", aim_context)
            if aim["ref"] in self.aims:
                raise aim_context.error("an aim with this ref is already in the file")
            self.aims[aim["ref"]] = self.upsert(
                StrategicAim,
                aim_context,
                lookup={"objective": objective, "ref": aim["ref"]},
                values={
                    "summary": aim["summary"],
                    "printed_wording": aim.get("printed_wording", ""),
                    "uncrc_articles": aim.get("uncrc_articles", ""),
                    "notes": notes_text(aim),
                    "position": aim_position,
                },
            )

    def load_project(self, item, position):
        context = self.context.at(f"project {item.get('title')!r}")
        check_keys(item, "project", context)
        if item["title"] in self.projects:
            raise context.error("a project with this title is already in the file")
        project = self.upsert(
            Project,
            context,
            lookup={"plan_year": self.plan_year, "title": item["title"]},
            values={
                "ref": item.get("ref", ""),
                "budget_excluding_staff": to_decimal(
                    item.get("budget_excluding_staff"), context, "budget_excluding_staff"
                ),
                "goals": item.get("goals", ""),
                "outcome": item.get("outcome", ""),
                "performance_theme": item.get("performance_theme", ""),
                "notes": notes_text(item),
                "position": position,
            },
            many={
                **self.owners_named(item, context),
                "strategic_objectives": self.lookup(
                    self.objectives, item.get("objectives"), "objective(s)", context
                ),
                "aims": self.lookup(self.aims, item.get("aims"), "aim(s)", context),
                "themes": self.lookup(self.themes, item.get("themes"), "theme(s)", context),
            },
        )
        self.projects[project.title] = project
        for dimension in item.get("tolerances") or []:
            self.upsert(
                ProjectTolerance,
                context.at(f"tolerance {dimension!r}"),
                lookup={"project": project, "dimension": dimension},
            )
        for milestone in item.get("milestones") or []:
            self.load_milestone(milestone, project, context)

    def load_milestone(self, item, project, context):
        """A milestone the document prints: not illustrative. No status is printed, so it starts
        on track and staff's later changes to its status are kept."""
        context = context.at(f"milestone {item.get('title')!r}")
        check_keys(item, "milestone", context)
        due_on = item["due_on"]
        if isinstance(due_on, str):
            try:
                due_on = datetime.date.fromisoformat(due_on)
            except ValueError as error:
                raise context.error(f"due_on {due_on!r} is not a date (YYYY-MM-DD)") from error
        self.upsert(
            Milestone,
            context,
            lookup={"project": project, "title": item["title"]},
            values={"due_on": due_on, "notes": notes_text(item), "is_illustrative": False},
        )

    def load_corporate_objective(self, item, position):
        context = self.context.at(f"corporate objective {item.get('ref')!r}")
        check_keys(item, "corporate_objective", context)
        theme = self.lookup(
            self.themes, [item["theme"]] if item.get("theme") else [], "theme", context
        )
        objective = self.upsert(
            CorporateObjective,
            context,
            lookup={"plan_year": self.plan_year, "ref": item["ref"]},
            values={
                "kind": item["kind"],
                "theme": theme[0] if theme else None,
                "aim": item["aim"],
                "objectives": item.get("objectives", ""),
                "notes": notes_text(item),
                "position": position,
            },
            many=self.owners_named(item, context),
        )
        projects = self.lookup(self.projects, item.get("projects"), "project(s)", context)
        if links_set_in_order(objective.projects, projects):
            self.changes.add(CorporateObjective, "updated")

    def load_indicator(self, item, position):
        context = self.context.at(f"indicator {item.get('ref')!r}")
        check_keys(item, "indicator", context)
        project = self.lookup(
            self.projects, [item["project"]] if item.get("project") else [], "project", context
        )
        objective = self.lookup(
            self.objectives,
            [item["objective"]] if item.get("objective") else [],
            "objective",
            context,
        )
        number = lambda name: to_decimal(item.get(name), context, name)  # noqa: E731
        indicator = self.upsert(
            Indicator,
            context,
            lookup={"plan_year": self.plan_year, "ref": item["ref"]},
            values={
                "title": item["title"],
                "tier": item["tier"],
                "project": project[0] if project else None,
                "strategic_objective": objective[0] if objective else None,
                "unit": item["unit"],
                "direction": item.get("direction", "higher"),
                "aggregation": item["aggregation"],
                "frequency": item.get("frequency", "monthly"),
                "target_profile": item.get("target_profile")
                or default_target_profile(item["aggregation"]),
                "source": item.get("source", "entered"),
                "annual_target": number("annual_target"),
                "baseline": number("baseline"),
                "target_change_percent": number("target_change_percent"),
                "later_target": number("later_target"),
                "later_target_year": str(item.get("later_target_year", "")),
                "target_wording": item["target_wording"] or "",
                "purpose": item.get("purpose", ""),
                "notes": notes_text(item),
                "position": position,
            },
            many=self.owners_named(item, context),
        )
        period_target = number("period_target")
        if period_target is not None:
            for period in indicator.periods():
                self.upsert(
                    PeriodTarget,
                    context.at(f"period target {period:%B %Y}"),
                    lookup={"indicator": indicator, "period": period},
                    values={"target": period_target},
                )

    def load_budget(self, item):
        context = self.context.at("budget")
        check_keys(item, "budget", context)
        unit = item["unit"]
        if unit not in UNIT_MULTIPLIER:
            raise context.error(f"unit must be pounds or thousands, not {unit!r}")
        multiplier = UNIT_MULTIPLIER[unit]
        budget = self.upsert(
            Budget,
            context,
            lookup={"plan_year": self.plan_year},
            values={"presentation_unit": unit, "notes": notes_text(item)},
        )
        for funding in item.get("funding") or []:
            funding_context = context.at(f"funding {funding.get('sponsor')!r}")
            check_keys(funding, "funding", funding_context)
            self.upsert(
                GrantInAid,
                funding_context,
                lookup={"plan_year": self.plan_year, "sponsor": funding["sponsor"]},
                values={
                    "amount": to_decimal(funding["amount"], funding_context, "amount") * multiplier,
                    "notes": notes_text(funding),
                },
            )
        for position, line in enumerate(item.get("lines") or [], start=1):
            line_context = context.at(f"line {position} ({line.get('category')!r})")
            check_keys(line, "line", line_context)
            category = self.upsert(
                BudgetCategory,
                line_context,
                lookup={"name": line["category"]},
                values={"kind": line["kind"], "is_income": bool(line.get("income", False))},
            )
            project = self.lookup(
                self.projects,
                [line["project"]] if line.get("project") else [],
                "project",
                line_context,
            )
            self.upsert(
                BudgetLine,
                line_context,
                lookup={
                    "budget": budget,
                    "category": category,
                    "project": project[0] if project else None,
                },
                values={
                    "amount": to_decimal(line["amount"], line_context, "amount") * multiplier,
                    "description": line.get("description", ""),
                    "notes": notes_text(line),
                    "position": position,
                },
            )


def load_documents(changes: ChangeCount | None = None) -> ChangeCount:
    """Load every document file in one transaction; returns what changed."""
    changes = changes or ChangeCount()
    with transaction.atomic():
        roles = load_roles(changes)
        for filename in DOCUMENT_FILES:
            DocumentLoader(filename, roles, changes).load()
    return changes

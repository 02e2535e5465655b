"""Drift: how the records have moved since a quarter's report was signed off.

Two views of it, shown together on the signed-off report:
- the report's figures that differ between the report as signed off and the same report built
  from the records now (`figure_changes`, pure): "Indicators, K2: actual to date 540, now 490";
- the changes to the plan year's records since the sign-off, field by field, with who made each
  and when, from the audit history (`record_changes`).

A report whose figures are all as signed off has no drift, even when records of later quarters
have changed since (a later month's actual does not move this quarter's figures).
"""

import datetime
from dataclasses import dataclass

from budgets.models import BudgetLine, MonthlyFigure
from core.history import HistoryEntry, record_histories
from kpis.models import Indicator, Measurement
from plans.models import Milestone, Recommendation
from reports.models import CorrectiveAction
from risks.models import Risk

#: What a figure is not: addresses, drawings, and the text that describes a drawing.
NOT_FIGURES = {"url", "project_url", "trend_svg", "trend_text", "register_url", "heat_map_url"}
NOT_FIGURES |= {"strategic_url", "dashboard_url", "milestone_tracker_url", "recommendations_url"}
#: The keys that name an item in a list, in the order they are tried; the first an item has
#: identifies it, unless it has a primary key.
NAMES = ("ref", "title", "name", "label", "objective", "rag", "status", "tier")


@dataclass(frozen=True)
class FigureChange:
    """One figure of the report as signed off and as the records give it now."""

    where: str
    field: str
    signed_off: str
    now: str


def _words(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _text(value) -> str:
    if value is None or value == "":
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _identity(item, index: int) -> tuple:
    """What identifies an item of a list in both reports: its record (an indicator, a risk), else
    its name (a status, an objective), else its place (a heat map's cell)."""
    if isinstance(item, dict):
        if item.get("pk") is not None:
            return ("pk", item.get("kind"), item["pk"])
        if item.get("item_id") is not None:
            return ("item", item.get("kind"), item["item_id"])
        for key in NAMES:
            if key in item:
                return (key, str(item[key]))
    return ("place", index)


def _name(item, index: int) -> str:
    if isinstance(item, dict):
        for key in NAMES:
            if item.get(key):
                return str(item[key])
        if "likelihood" in item and "impact" in item:
            return f"likelihood {item['likelihood']}, impact {item['impact']}"
    return f"row {index + 1}"


def figure_changes(signed_off: dict, now: dict) -> list[FigureChange]:
    """The figures that differ between two reports' data (QuarterlyReport.as_dict(), as stored
    or built now), each named by where it sits in the report."""
    found = []

    def walk(before, after, where: str, field: str):
        if isinstance(before, dict) and isinstance(after, dict):
            for key in before.keys() | after.keys():
                if key not in NOT_FIGURES:
                    walk(before.get(key), after.get(key), where, key)
            return
        if isinstance(before, list) and isinstance(after, list):
            after_by_id = {_identity(item, index): item for index, item in enumerate(after)}
            matched = set()
            for index, item in enumerate(before):
                key = _identity(item, index)
                place = f"{where}, {_name(item, index)}" if where else _name(item, index)
                if key in after_by_id:
                    matched.add(key)
                    walk(item, after_by_id[key], place, field)
                else:
                    found.append(FigureChange(place, _words(field), "listed", "no longer listed"))
            for index, item in enumerate(after):
                if _identity(item, index) not in matched:
                    place = f"{where}, {_name(item, index)}" if where else _name(item, index)
                    found.append(FigureChange(place, _words(field), "not listed", "listed"))
            return
        if str(before) != str(after):
            found.append(
                FigureChange(where or "Report", _words(field), _text(before), _text(after))
            )

    walk(signed_off, now, "", "")
    return sorted(found, key=lambda change: (change.where, change.field))


#: The records a quarter's report reads, each with its path to the plan year and how to name it.
def _month(values, key) -> str:
    day = values.get(key)
    return f"{day:%B %Y}" if isinstance(day, datetime.date) else ""


REPORTED_RECORDS = [
    (Indicator, "plan_year", lambda values: f"Indicator {values.get('ref', '')}"),
    (Measurement, "indicator__plan_year", lambda values: f"Actual, {_month(values, 'period')}"),
    (Milestone, "project__plan_year", lambda values: f"Milestone: {values.get('title', '')}"),
    (Recommendation, "project__plan_year", lambda values: "Recommendation"),
    (BudgetLine, "budget__plan_year", lambda values: "Budget line"),
    (
        MonthlyFigure,
        "line__budget__plan_year",
        lambda values: f"Budget figures, {_month(values, 'month')}",
    ),
    (Risk, "plan_year", lambda values: f"Risk: {values.get('title', '')}"),
    (CorrectiveAction, "plan_year", lambda values: f"Explanation, quarter {values.get('quarter')}"),
]


def record_changes(*, plan_year, since: datetime.datetime) -> list[HistoryEntry]:
    """The changes made to the plan year's reported records after `since`, newest first, each
    with what it changed from and to: two queries per kind of record, and one for the names of
    records they link to."""
    entries = []
    for model, path, name in REPORTED_RECORDS:
        pk_name = model._meta.pk.attname
        changed = set(
            model.history.model.objects.filter(
                **{"history_date__gt": since, path: plan_year}
            ).values_list(pk_name, flat=True)
        )
        if not changed:
            continue
        # Each changed record's whole history, so that its first change since has a before.
        for history in record_histories(model, pks=changed, name=name).values():
            entries.extend(entry for entry in history.entries if entry.when > since)
    return sorted(entries, key=lambda entry: entry.when, reverse=True)

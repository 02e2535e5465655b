"""Who may change what in the performance framework: an indicator's definition and targets, and
its actuals. One rule, used by the indicator pages, the entry screens and the imports alike.

- **Actuals** are entered and corrected by the holders of one of the indicator's owner roles,
  in an open plan year; by administrators in any year. Nobody enters a figure the application
  counts itself (an indicator counted from recommendations).
- **An indicator's definition and targets** (its title, unit, direction, annual target,
  baseline, profile of period targets and thresholds) are changed by administrators only. The
  printed business plan fixes them for the year, and the Leadership Team's report measures
  performance against them: a director who could lower a target in the entry screens could
  turn their own red indicator green. A change agreed by the Leadership Team is made by an
  administrator, and the audit history keeps what it was.

The rule is `IndicatorRights`, pure: it is worked out from facts about one person that
`indicator_rights` gathers in one query, however many indicators there are, and from the
indicator asked about.
"""

from dataclasses import dataclass

from core import permissions
from kpis.choices import Source
from kpis.models import Indicator

NOT_YOURS = (
    "Only the holders of this indicator's owner roles, and administrators, enter its actuals; "
    "in a closed plan year only administrators."
)
COUNTED = "The application counts this indicator's figures itself: nobody enters them."
CLOSED = "{year} is closed: its actuals can no longer be changed."
DEFINITION_IS_FIXED = (
    "Only administrators change an indicator's definition and targets: the printed business "
    "plan fixes them for the year."
)


@dataclass(frozen=True)
class IndicatorRights:
    """What one person may change in the performance framework, worked out from facts about
    them (whether they administer, and the indicators whose owner roles they hold) and about the
    indicator asked about (where its figures come from, and its plan year, loaded with it)."""

    is_signed_in: bool = False
    is_administrator: bool = False
    owned_indicator_ids: frozenset = frozenset()

    def may_enter_actuals(self, indicator) -> bool:
        """Whether the person may enter or correct `indicator`'s actuals."""
        return not self.actuals_refusal(indicator)

    def answers_for(self, indicator) -> bool:
        """Whether the person answers for `indicator`: holds one of its owner roles in an open
        plan year, or administers. They enter its actuals (unless the application counts them)
        and account for it, figures counted or entered, in the Leadership Team's report."""
        if not self.is_signed_in:
            return False
        if self.is_administrator:
            return True
        return (
            not permissions.is_closed(indicator.plan_year)
            and indicator.pk in self.owned_indicator_ids
        )

    def actuals_refusal(self, indicator) -> str:
        """Why the person may not enter `indicator`'s actuals, or "" if they may."""
        if indicator.source != Source.ENTERED:
            return COUNTED
        if self.answers_for(indicator):
            return ""
        if self.is_signed_in and permissions.is_closed(indicator.plan_year):
            return CLOSED.format(year=indicator.plan_year.year)
        return NOT_YOURS

    def indicators_for_actuals(self, indicators):
        """The indicators of `indicators` whose actuals the person may enter: the choices a
        form offers."""
        indicators = indicators.filter(source=Source.ENTERED)
        if self.is_administrator:
            return indicators
        return permissions.in_open_years(
            indicators.filter(pk__in=self.owned_indicator_ids), "plan_year"
        )

    @property
    def may_enter_any_actuals(self) -> bool:
        return self.is_administrator or bool(self.owned_indicator_ids)

    @property
    def may_change_definitions(self) -> bool:
        """Whether the person may change indicators' definitions and targets (and add or
        delete indicators): administrators only."""
        return self.is_administrator


def indicator_rights(user) -> IndicatorRights:
    """The facts about `user` that IndicatorRights needs: whether they administer and, in one
    query, the indicators whose owner roles they hold."""
    if not user.is_authenticated or not user.is_active:
        return IndicatorRights()
    if permissions.is_administrator(user):
        return IndicatorRights(is_signed_in=True, is_administrator=True)
    return IndicatorRights(
        is_signed_in=True,
        owned_indicator_ids=frozenset(
            Indicator.objects.filter(owners__holders=user).values_list("pk", flat=True)
        ),
    )


def indicator_rights_for(request) -> IndicatorRights:
    """The signed-in person's IndicatorRights, worked out once per request."""
    return permissions.once_per_request(
        request, "indicator_rights", lambda: indicator_rights(request.user)
    )

"""Forms of the risk register, drawn as GOV.UK Design System fields (see
templates/components/field.html)."""

from django import forms
from django.template.defaultfilters import pluralize

from core.forms import GovukFormMixin
from plans.forms import DateField, date_input_parts
from risks import choices, rules
from risks.models import Risk
from risks.selectors import POSITIONS, RESIDUAL, RiskFilters

LIKELIHOODS = [
    (1, "1 (rare)"),
    (2, "2 (unlikely)"),
    (3, "3 (possible)"),
    (4, "4 (likely)"),
    (5, "5 (almost certain)"),
]
IMPACTS = [
    (1, "1 (minor)"),
    (2, "2 (moderate)"),
    (3, "3 (serious)"),
    (4, "4 (major)"),
    (5, "5 (severe)"),
]
SCORE_FIELDS = ["inherent_likelihood", "inherent_impact", "residual_likelihood", "residual_impact"]


def _choice(label, options, blank):
    return forms.ChoiceField(label=label, required=False, choices=[("", blank), *options])


class RiskFilterForm(GovukFormMixin, forms.Form):
    """The register's filters, read from the address (GET), so a filtered register can be
    bookmarked and works without JavaScript."""

    tier = _choice("Tier", choices.RiskTier.choices, "All tiers")
    owner = _choice("Owner", [], "All owners")
    project = _choice("Project", [], "All projects")
    status = _choice("Status", choices.RiskStatus.choices, "Open and closed")
    band = _choice(
        "Score band",
        [(band.key, f"{band.label} ({band.lowest} to {band.highest})") for band in rules.BANDS],
        "All scores",
    )
    position = forms.ChoiceField(
        label="Scores shown", required=False, choices=list(POSITIONS.items())
    )
    likelihood = forms.TypedChoiceField(
        required=False, coerce=int, choices=[("", "Any"), *LIKELIHOODS], widget=forms.HiddenInput
    )
    impact = forms.TypedChoiceField(
        required=False, coerce=int, choices=[("", "Any"), *IMPACTS], widget=forms.HiddenInput
    )

    def __init__(self, data, *, owners, projects):
        super().__init__(data)
        self.fields["owner"].choices = [("", "All owners")] + [
            (str(role.pk), role.title) for role in owners
        ]
        self.fields["project"].choices = [("", "All projects")] + [
            (str(project.pk), project.title) for project in projects
        ]
        self.govuk_widgets()

    def filters(self) -> RiskFilters:
        """The filters chosen; none if any is not valid (the form then shows why)."""
        if not self.is_valid():
            return RiskFilters()
        data = self.cleaned_data
        return RiskFilters(
            tier=data["tier"],
            owner=int(data["owner"]) if data["owner"] else None,
            project=int(data["project"]) if data["project"] else None,
            status=data["status"],
            band=data["band"],
            likelihood=data["likelihood"] or None,
            impact=data["impact"] or None,
            position=data["position"] or RESIDUAL,
        )


class RiskReviewForm(GovukFormMixin, forms.ModelForm):
    """An owner's review: the scores, controls, target, next review date and status as they now
    stand, with a note (required when a score changes) and the actions done since."""

    inherent_likelihood = forms.TypedChoiceField(
        label="Inherent likelihood", coerce=int, choices=LIKELIHOODS
    )
    inherent_impact = forms.TypedChoiceField(label="Inherent impact", coerce=int, choices=IMPACTS)
    residual_likelihood = forms.TypedChoiceField(
        label="Residual likelihood", coerce=int, choices=LIKELIHOODS
    )
    residual_impact = forms.TypedChoiceField(label="Residual impact", coerce=int, choices=IMPACTS)
    # The GOV.UK date input, as on the milestone form: day, month and year boxes.
    review_on = DateField(
        label="Next review date", required=False, help_text="For example, 31 3 2017"
    )
    target_score = forms.TypedChoiceField(
        label="Target score",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "No target"), *((n, str(n)) for n in range(1, 26))],
        help_text="Likelihood times impact that the owner aims to bring the risk to.",
    )
    note = forms.CharField(
        label="Review note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required when a score changes: say why.",
    )
    actions_done = forms.MultipleChoiceField(
        label="Mitigating actions done",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select each action done since the last review.",
    )

    # As the page lays them out, so the error summary lists errors in the page's order.
    field_order = [
        *SCORE_FIELDS[:2],
        "current_controls",
        *SCORE_FIELDS[2:],
        "target_score",
        "note",
        "actions_done",
        "review_on",
        "status",
    ]

    class Meta:
        model = Risk
        fields = [
            "inherent_likelihood",
            "inherent_impact",
            "current_controls",
            "residual_likelihood",
            "residual_impact",
            "target_score",
            "review_on",
            "status",
        ]
        widgets = {"current_controls": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, open_actions=(), next_review=None, **kwargs):
        """`next_review`: (the date, the interval in months) an empty next review date becomes."""
        super().__init__(*args, **kwargs)
        if next_review is not None:
            day, months = next_review
            self.fields["review_on"].help_text = (
                f"For example, 31 3 2017. Leave it empty to review again in {months} "
                f"month{pluralize(months)}, on {day.day} {day:%B %Y}."
            )
        self.fields["actions_done"].choices = [
            (str(action.pk), f"{action.description} (due {action.due_on:%-d %B %Y})")
            for action in open_actions
        ]
        self.govuk_widgets()

    def review_on_parts(self) -> list[dict]:
        """The day, month and year boxes of the review date, as templates/components/field.html
        draws a date."""
        return date_input_parts(self["review_on"])

    def scores_changed(self) -> bool:
        return any(name in self.changed_data for name in [*SCORE_FIELDS, "target_score"])

    def clean(self):
        cleaned_data = super().clean()
        if self.scores_changed() and not cleaned_data.get("note", "").strip():
            self.add_error("note", "Say why the scores changed: a note is required when they do.")
        return cleaned_data

"""The quarterly report's forms: an owner's explanation of an exception for one quarter, in the
GOV.UK patterns the other pages use (plans.forms: dates as day, month and year, and an error
summary that links to the field in error), and a quarter's sign-off and reopening."""

from django import forms

from core.forms import GovukFormMixin
from plans.forms import DateField, GovukPageFormMixin


class CorrectiveActionForm(GovukPageFormMixin, forms.Form):
    """Why the item is off course this quarter, what is being done, and by when it should be
    back on course. That the date falls after the quarter began is the service's rule
    (reports.services), so the entry screens keep it too."""

    explanation = forms.CharField(
        label="Explanation",
        widget=forms.Textarea,
        help_text="Why it is off course this quarter.",
        error_messages={"required": "Enter the explanation: why it is off course this quarter."},
    )
    action = forms.CharField(
        label="Corrective action",
        widget=forms.Textarea,
        help_text="What is being done to bring it back on course.",
        error_messages={
            "required": "Enter the corrective action: what is being done to bring it back on "
            "course."
        },
    )
    recover_by = DateField(
        label="Expected recovery date",
        error_messages={"required": "Enter the expected recovery date."},
    )

    def __init__(self, *args, example_date=None, **kwargs):
        super().__init__(*args, **kwargs)
        hint = "The date by which it should be back on course, after the quarter began."
        if example_date is not None:
            hint += f" For example, {example_date.day} {example_date.month} {example_date.year}."
        self.fields["recover_by"].help_text = hint
        self.govuk_widgets()


class SignOffForm(GovukFormMixin, forms.Form):
    """A director's sign-off of a quarter's report, with an optional note."""

    note = forms.CharField(
        label="Note (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, what the Leadership Team agreed about this quarter's exceptions.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.govuk_widgets()


class ReopenForm(GovukFormMixin, forms.Form):
    """An administrator's reopening of a signed-off quarter: the reason is required."""

    reason = forms.CharField(
        label="Reason for reopening",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="It is kept with the sign-off, in its history.",
        error_messages={"required": "Enter the reason for reopening the quarter."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.govuk_widgets()


class ReturnForRevisionForm(GovukFormMixin, forms.Form):
    """A director's return of a commentary or corrective action: the note is required."""

    note = forms.CharField(
        label="What should be revised",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The owner sees this note on their list until they resubmit.",
        error_messages={"required": "Enter a note saying what the owner should revise."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.govuk_widgets()

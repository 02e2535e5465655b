"""The form in which an item's owner explains an exception for one quarter, in the GOV.UK
patterns the other pages use (plans.forms): dates as day, month and year, and an error summary
that links to the field in error."""

from django import forms

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

"""Forms of the budget pages: the monthly actuals upload and its confirmation."""

from django import forms

from core.forms import GovukFormMixin


class MonthlyFiguresUploadForm(GovukFormMixin, forms.Form):
    """A finance system's export of monthly actuals and forecasts."""

    file = forms.FileField(
        label="Upload a file",
        help_text="An Excel workbook (.xlsx) or a CSV file, laid out as described above.",
        error_messages={"required": "Select a file to import."},
        widget=forms.FileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.govuk_widgets()

    @classmethod
    def refusing(cls, message: str) -> "MonthlyFiguresUploadForm":
        """The form asking for a file again, saying why the one sent was refused after its
        preview (the budget changed, or the kept sheet could not be read)."""
        # Sent empty and allowed to be: the only error it shows is `message`.
        form = cls(data={}, files={}, empty_permitted=True, use_required_attribute=False)
        form.add_error("file", message)
        return form


class ConfirmImportForm(forms.Form):
    """The confirm step names the previewed upload by its random key, never by a file."""

    preview_key = forms.CharField(widget=forms.HiddenInput, max_length=64)


class VarianceMonthForm(GovukFormMixin, forms.Form):
    """The variance report's choice of month, showing the month shown and whether each has
    actuals or only forecasts; read from the address (?month=)."""

    month = forms.ChoiceField(label="Show the position at the end of", required=False)

    def __init__(self, report):
        chosen = report.chosen_month
        super().__init__(initial={"month": f"{chosen:%Y-%m}" if chosen else None}, auto_id="%s")
        self.fields["month"].choices = [
            (
                f"{month:%Y-%m}",
                f"{month:%B %Y} "
                + ("(actuals)" if month in report.months_with_actuals else "(forecasts)"),
            )
            for month in report.months
        ]
        self.govuk_widgets()

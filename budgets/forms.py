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

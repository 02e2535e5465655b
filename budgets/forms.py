"""Forms of the budget pages: the monthly actuals upload and its confirmation."""

from django import forms


class MonthlyFiguresUploadForm(forms.Form):
    """A finance system's export of monthly actuals and forecasts."""

    file = forms.FileField(
        label="Upload a file",
        help_text="An Excel workbook (.xlsx) or a CSV file, laid out as described above.",
        error_messages={"required": "Select a file to import."},
    )


class ConfirmImportForm(forms.Form):
    """The confirm step names the previewed upload by its random key, never by a file."""

    preview_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

"""Every judgement written in the demo data files (each entry of a `notes:` list) is kept in the
database, beside the record it is about, so that nobody has to read the files to know why a
figure or a title is what it is."""

import pytest
import yaml
from django.apps import apps

import demo.loader


def notes_in(item, where: str = ""):
    """Each note in a data file's items, with where it sits, e.g. ("themes > Listen", "...")."""
    if isinstance(item, dict):
        for key, value in item.items():
            if key == "notes":
                for note in [value] if isinstance(value, str) else value or []:
                    yield where or "file", note
            else:
                name = item.get("ref") or item.get("title") or item.get("name") or ""
                yield from notes_in(value, f"{where} > {key} {name}".strip(" >"))
    elif isinstance(item, list):
        for value in item:
            yield from notes_in(value, where)


def file_notes() -> list[tuple[str, str, str]]:
    return [
        (filename, where, note)
        for filename in demo.loader.DOCUMENT_FILES
        for where, note in notes_in(
            yaml.safe_load((demo.loader.DATA_DIR / filename).read_text(encoding="utf-8"))
        )
    ]


def test_the_data_files_record_their_judgements_in_notes():
    notes = file_notes()
    assert len(notes) > 100
    assert {filename for filename, _, _ in notes} == set(demo.loader.DOCUMENT_FILES)


@pytest.mark.usefixtures("demo")
def test_every_note_in_the_data_files_reaches_the_database():
    stored = []
    for label in ("plans", "risks", "kpis", "budgets"):
        for model in apps.get_app_config(label).get_models():
            fields = {field.name for field in model._meta.get_fields()}
            if "notes" in fields and not model._meta.object_name.startswith("Historical"):
                stored += [text for text in model.objects.values_list("notes", flat=True) if text]
    everything = "\n".join(stored)
    lost = [
        (filename, where, note[:60])
        for filename, where, note in file_notes()
        if f"- {note}" not in everything
    ]
    assert lost == []

"""Writers that save the same record at the same moment, for tests/test_sqlite_concurrency.py.

Run as a script against a file-based SQLite database named by DATABASE_URL:

    sqlite_writers.py prepare         migrate, and create the role both writers edit
    sqlite_writers.py threads N       N rounds of two threads saving the role through the
                                      edit-conflict form; prints one JSON list of outcomes a round
    sqlite_writers.py admin N         the same through the admin change view, two test clients
    sqlite_writers.py process NAME    one writer of a pair of processes: for each "go" line on
                                      stdin it saves once, having said "ready" first
    sqlite_writers.py preview         one thread previews a milestone import in the admin while
                                      another saves the role; prints how the save went and how
                                      long it took

An outcome is "saved", "conflict" (the edit-conflict message) or what went wrong instead.
Every save sleeps a moment between reading the record and writing it, as a slow request would,
so that both writers have read before either writes: the moment SQLite used to refuse one of
them with "database is locked".
"""

import json
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django import forms  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from core.edit_conflicts import (  # noqa: E402
    EDIT_CONFLICT_MESSAGE,
    edit_conflict_form,
    record_fingerprint,
)
from plans.models import Role  # noqa: E402

ROLE_TITLE = "Director of Policy"
SLOW_SAVE_SECONDS = 0.2


class RoleForm(forms.ModelForm):
    class Meta:
        model = Role
        fields = ["title", "abbreviation"]


def slow_save(save):
    """Role.save that waits a moment first, as a slow request would between read and write."""

    def wrapper(self, *args, **kwargs):
        time.sleep(SLOW_SAVE_SECONDS)
        return save(self, *args, **kwargs)

    return wrapper


Role.save = slow_save(Role.save)


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def open_form(writer: str):
    """What an entry screen holds once opened: the record, and the form bound to its version."""
    role = Role.objects.get(title__startswith=ROLE_TITLE)
    return role, edit_conflict_form(RoleForm, role, record_fingerprint(role))


def save_form(writer: str, role, form_class) -> str:
    """Save as the edit-conflict form does: in one transaction, refusing a stale version."""
    data = {
        "title": f"{ROLE_TITLE} ({writer} {time.monotonic_ns()})",
        "abbreviation": "DoP",
        "record_version": form_class.base_fields["record_version"].initial,
    }
    try:
        with transaction.atomic():
            form = form_class(data, instance=role)
            if not form.is_valid():
                refused = any(EDIT_CONFLICT_MESSAGE in error for error in form.non_field_errors())
                return "conflict" if refused else "invalid"
            form.save()
        return "saved"
    except Exception as error:  # the outcome reported is the point
        return describe(error)
    finally:
        connection.close()


def prepare():
    call_command("migrate", verbosity=0)
    Role.objects.create(title=ROLE_TITLE, abbreviation="DoP")
    get_user_model().objects.create_superuser("admin", "admin@example.org", None)


def in_threads(targets) -> list[str]:
    """Run the targets in threads released together; their outcomes in order."""
    barrier = threading.Barrier(len(targets))
    outcomes = [None] * len(targets)

    def run(index, target):
        barrier.wait()
        outcomes[index] = target()

    threads = [
        threading.Thread(target=run, args=(index, target)) for index, target in enumerate(targets)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def threads(rounds: int):
    for _ in range(rounds):
        opened = [(name, *open_form(name)) for name in ("first", "second")]
        targets = [
            lambda name=name, role=role, form=form: save_form(name, role, form)
            for name, role, form in opened
        ]
        print(json.dumps(in_threads(targets)), flush=True)


def admin_post(client: Client, url: str, data: dict) -> str:
    try:
        response = client.post(url, data)
    except Exception as error:  # the outcome reported is the point
        return describe(error)
    finally:
        connection.close()
    if response.status_code == 302:
        return "saved"
    if response.status_code == 200 and EDIT_CONFLICT_MESSAGE in response.content.decode():
        return "conflict"
    return f"status {response.status_code}"


def admin(rounds: int):
    setup_test_environment()
    user = get_user_model().objects.get(username="admin")
    role = Role.objects.get(title__startswith=ROLE_TITLE)
    url = f"/admin/plans/role/{role.pk}/change/"
    clients = []
    for _ in range(2):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients.append(client)
    for _ in range(rounds):
        posts = []
        for name, client in zip(("first", "second"), clients, strict=True):
            form = client.get(url).context["adminform"].form
            data = {
                "title": f"{ROLE_TITLE} ({name} {time.monotonic_ns()})",
                "abbreviation": "DoP",
                "record_version": form["record_version"].value(),
                "_save": "Save",
            }
            posts.append(lambda client=client, data=data: admin_post(client, url, data))
        print(json.dumps(in_threads(posts)), flush=True)


def process(name: str):
    """One of two writer processes, told when to save by a "go" line on stdin."""
    while True:
        role, form = open_form(name)
        connection.close()
        print("ready", flush=True)
        if sys.stdin.readline().strip() != "go":
            return
        print(json.dumps(save_form(name, role, form)), flush=True)


def preview():
    """Someone saves while someone else's import preview is under way: the preview is held at
    its first row until the save is done (or has waited 30 s), so the save happens during it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.spreadsheets.resources import FormulaSafeResource
    from tests.plans.factories import PlanYearFactory, ProjectFactory

    setup_test_environment()
    project = ProjectFactory(plan_year=PlanYearFactory(year="2010-11"), title="Voices")
    client = Client(raise_request_exception=False)
    client.force_login(get_user_model().objects.get(username="admin"))
    sheet = "id,plan_year,project,title,due_on,status\n" + "".join(
        f",2010-11,{project.title},Step {n},2011-03-31,on track\n" for n in range(20)
    )
    previewing, saved = threading.Event(), threading.Event()
    import_row = FormulaSafeResource.import_row

    def held_import_row(self, *args, **kwargs):
        if not previewing.is_set():
            previewing.set()
            saved.wait(timeout=30)
        return import_row(self, *args, **kwargs)

    FormulaSafeResource.import_row = held_import_row

    def run_preview():
        try:
            upload = SimpleUploadedFile("sheet.csv", sheet.encode())
            response = client.post(
                "/admin/plans/milestone/import/",
                {"import_file": upload, "format": "0", "resource": "0"},
            )
            return response.status_code
        finally:
            previewing.set()
            connection.close()

    def run_save():
        previewing.wait(timeout=30)
        started = time.monotonic()
        try:
            with transaction.atomic():
                role = Role.objects.get(title__startswith=ROLE_TITLE)
                role.title = f"{ROLE_TITLE} (saved during a preview)"
                role.save()
            outcome = "saved"
        except Exception as error:  # the outcome reported is the point
            outcome = describe(error)
        finally:
            saved.set()
            connection.close()
        return {"save": outcome, "seconds": round(time.monotonic() - started, 2)}

    threads_done = {}

    def run(name, target):
        threads_done[name] = target()

    workers = [
        threading.Thread(target=run, args=("preview", run_preview)),
        threading.Thread(target=run, args=("save", run_save)),
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    print(json.dumps({"preview": threads_done.get("preview"), **threads_done.get("save", {})}))


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    if command == "prepare":
        prepare()
    elif command == "threads":
        threads(int(arguments[0]))
    elif command == "admin":
        admin(int(arguments[0]))
    elif command == "process":
        process(arguments[0])
    elif command == "preview":
        preview()
    else:
        sys.exit(f"unknown command {command}")

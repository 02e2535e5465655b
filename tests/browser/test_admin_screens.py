"""Every admin entry screen an administrator uses passes axe-core (WCAG 2.0/2.1/2.2 A and AA)
in every state, and every change list fits 1280 px without sideways scrolling.

The screens are found from the admin site's registry, so a model registered later is walked
too, in a test of its own: its change list with and without a filter, add form, change form of
a demo record (one with rows in its inlines), the form in its error state and the History page;
and for a spreadsheet admin the import form, an import preview with a changed row, the import's
result, a preview with a refused row and the export form. One browser page, signed in as the
administrator once, is kept for all the module's tests (see SignedInContexts); each test starts
from the demo data as loaded.
"""

import csv
import io
import re

import pytest
from django.contrib import admin
from django.forms.models import _get_foreign_key
from django.urls import NoReverseMatch, reverse
from import_export.admin import ImportMixin
from playwright.sync_api import expect

from plans.models import Milestone, Project
from tests.browser.conftest import axe_violations, format_violations

pytestmark = pytest.mark.browser

WIDE = {"width": 1280, "height": 800}
NARROW = {"width": 320, "height": 640}
# A text column an import preview can show changed, the first of these a sheet has.
TEXT_COLUMNS = ("title", "description", "commentary", "notes", "purpose")


def registered_admins():
    """Every model the admin site has, with its ModelAdmin, in a fixed order."""
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def example_record(model, model_admin):
    """A demo record to open: one with rows in its first inline that has any, so that the
    inlines are seen filled in."""
    for inline in model_admin.inlines:
        foreign_key = _get_foreign_key(model, inline.model, fk_name=inline.fk_name)
        parent = (
            inline.model.objects.order_by("pk").values_list(foreign_key.attname, flat=True).first()
        )
        if parent is not None:
            return model._default_manager.get(pk=parent)
    return model._default_manager.order_by("pk").first()


def admin_url(model, view, *args):
    opts = model._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)
    except NoReverseMatch:
        return None


def sheet_to_import(model_admin, record_limit=3):
    """A CSV of a few exported records with one text cell changed, and one with a row that
    names a plan year that does not exist (None where the sheet has no plan year column)."""
    resource = model_admin.resource_classes[0]()
    queryset = model_admin.model._default_manager.order_by("pk")[:record_limit]
    dataset = resource.export(
        queryset=model_admin.model._default_manager.filter(
            pk__in=list(queryset.values_list("pk", flat=True))
        )
    )
    headers = list(dataset.headers)
    rows = [list(row) for row in dataset]
    changed = next((name for name in TEXT_COLUMNS if name in headers), None)
    if changed and rows:
        column = headers.index(changed)
        rows[0][column] = f"{rows[0][column] or ''} (revised)"
    refused = None
    if "plan_year" in headers and rows:
        bad = [list(row) for row in rows]
        bad[-1][headers.index("plan_year")] = "1999-00"
        refused = as_csv(headers, bad)
    return as_csv(headers, rows), refused


def as_csv(headers, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(["" if value is None else value for value in row] for row in rows)
    return out.getvalue().encode()


class Walk:
    """Visits pages in one browser page, recording every axe-core violation and every page
    wider than its viewport, so that one run reports them all."""

    def __init__(self, page, base_url):
        self.page = page
        self.base_url = base_url
        self.problems = []
        self.visited = 0

    def go(self, path):
        self.page.goto(f"{self.base_url}{path}")
        self.check()

    def check(self):
        self.visited += 1
        violations = axe_violations(self.page)
        if violations:
            self.problems.append(format_violations(self.page.url, violations))

    def check_fits(self, what):
        """The page is no wider than the window, and the change list's table no wider than
        its box (which would otherwise scroll sideways on its own)."""
        widths = self.page.evaluate(
            """() => {
                const results = document.querySelector("#changelist .results");
                return {
                    page: document.documentElement.scrollWidth,
                    window: window.innerWidth,
                    table: results ? results.scrollWidth : 0,
                    box: results ? results.clientWidth : 0,
                };
            }"""
        )
        if widths["page"] > widths["window"] or widths["table"] > widths["box"]:
            self.problems.append(
                f"{what} ({self.page.url}) is {max(widths['page'], widths['table'])} px wide "
                f"in a {widths['window']} px window ({widths['box']} px for the table)."
            )

    def check_inlines_fit(self, what):
        """Each tabular inline's rows fit the form, with no column cut off on the right."""
        tables = self.page.evaluate(
            """() => [...document.querySelectorAll(".inline-group .tabular table")].map(
                (table) => [table.closest(".inline-group").id, table.scrollWidth,
                            table.parentElement.clientWidth])"""
        )
        for group, width, room in tables:
            if width > room:
                self.problems.append(
                    f"The {group} rows of {what} ({self.page.url}) are {width} px wide in "
                    f"{room} px."
                )

    def submit(self, button_selector):
        with self.page.expect_navigation():
            self.page.locator(button_selector).first.click()
        self.check()


def narrow_pages(model, model_admin):
    """A model's change list and the change form of a demo record."""
    yield admin_url(model, "changelist")
    record = example_record(model, model_admin)
    if record is not None:
        yield admin_url(model, "change", record.pk)


def walk_changelist(walk, model):
    url = admin_url(model, "changelist")
    walk.go(url)
    walk.check_fits(f"The {model._meta.verbose_name} change list")
    filter_link = walk.page.locator("#changelist-filter li:not(.selected) a")
    if filter_link.count():
        with walk.page.expect_navigation():
            filter_link.first.click()
        walk.check()
        walk.check_fits(f"The filtered {model._meta.verbose_name} change list")


def walk_forms(walk, model, model_admin):
    add = admin_url(model, "add")
    if add and model_admin.has_add_permission(walk.request):
        walk.go(add)
        # Saved empty, the form shows its errors (or saves, for a model with nothing required).
        walk.submit("input[name=_save]")
    record = example_record(model, model_admin)
    if record is not None:
        walk.go(admin_url(model, "change", record.pk))
        walk.check_inlines_fit(f"the {model._meta.verbose_name} form")
        history = admin_url(model, "history", record.pk)
        if history:
            walk.go(history)


def walk_spreadsheet(walk, model, model_admin):
    page = walk.page
    walk.go(admin_url(model, "import"))
    sheet, refused = sheet_to_import(model_admin)
    for content in (sheet, refused):
        if content is None:
            continue
        walk.go(admin_url(model, "import"))
        page.locator("input[type=file]").set_input_files(
            files=[{"name": "sheet.csv", "mimeType": "text/csv", "buffer": content}]
        )
        format_select = page.locator("select[name=format]")
        if format_select.count():
            format_select.select_option(label="csv")
        walk.submit('form[enctype="multipart/form-data"] input[type=submit]')
        if content is refused:
            if not page.get_by_text("Some rows failed to validate").count():
                walk.problems.append(f"{page.url}: the sheet with a bad row was not refused.")
            continue
        if not page.locator("input[name=preview_key]").count():
            walk.problems.append(f"{page.url}: an exported sheet could not be previewed.")
            continue
        walk.submit("form:has(input[name=preview_key]) input[type=submit]")
        if not page.locator(".messagelist .success").count():
            walk.problems.append(f"{page.url}: the confirmed import reported no success.")
    walk.go(admin_url(model, "export"))


def test_the_admin_index_passes_axe_and_fits_1280px(signed_in_page, server_url):
    page = signed_in_page("admin", WIDE)
    walk = Walk(page, server_url)
    walk.go("/admin/")
    walk.check_fits("The admin index")
    assert not walk.problems, "\n\n".join(walk.problems)


@pytest.mark.parametrize(
    ("model", "model_admin"),
    registered_admins(),
    ids=[model._meta.label for model, _ in registered_admins()],
)
def test_every_admin_screen_passes_axe_and_every_change_list_fits_1280px(
    model, model_admin, signed_in_page, server_url, admin_user_request
):
    page = signed_in_page("admin", WIDE)
    walk = Walk(page, server_url)
    walk.request = admin_user_request
    walk_changelist(walk, model)
    walk_forms(walk, model, model_admin)
    if isinstance(model_admin, ImportMixin):
        walk_spreadsheet(walk, model, model_admin)
    # At least the change list, the add form and its error state where adding is allowed, and
    # a record's form where there is one.
    expected = 1 + 2 * model_admin.has_add_permission(admin_user_request)
    expected += example_record(model, model_admin) is not None
    assert walk.visited >= expected, f"{walk.visited} screens of {model._meta.label} checked"

    # At 320 px (a phone, or 1280 px zoomed to 400%) no page scrolls sideways: tables scroll
    # within their own boxes (WCAG 1.4.10 Reflow).
    page.set_viewport_size(NARROW)
    for url in narrow_pages(model, model_admin):
        page.goto(f"{server_url}{url}")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > NARROW["width"]:
            walk.problems.append(f"{page.url} is {width} px wide in a 320 px window.")
    assert not walk.problems, "\n\n".join(walk.problems)


@pytest.fixture
def admin_user_request(rf, server_url):
    from django.contrib.auth import get_user_model

    request = rf.get("/admin/")
    request.user = get_user_model().objects.get(username="admin")
    return request


def test_long_lists_keep_an_autocomplete_box_that_screen_readers_can_name(
    signed_in_page, server_url, assert_accessible, monkeypatch
):
    # Every list counts as long here, so each relation is an autocomplete (select2) box.
    monkeypatch.setattr("core.forms.SHORT_LIST", 0)
    project = Project.objects.filter(milestones__isnull=False).order_by("pk").first()
    page = signed_in_page("admin", WIDE)

    page.goto(f"{server_url}{admin_url(Project, 'change', project.pk)}")
    plan_year = page.get_by_role("combobox", name=re.compile("^Plan year"))
    expect(plan_year).to_be_visible()
    owners = page.get_by_role("searchbox", name="Owners: search")
    expect(owners).to_be_visible()
    assert_accessible(page)

    plan_year.click()
    search = page.get_by_role("searchbox", name="Plan year: search")
    expect(search).to_be_focused()
    search.fill("2010")
    expect(page.get_by_role("option", name=re.compile("2010-11"))).to_be_visible()
    assert_accessible(page)
    page.keyboard.press("Escape")

    page.goto(f"{server_url}{admin_url(Milestone, 'add')}")
    expect(page.get_by_role("combobox", name=re.compile("^Project"))).to_be_visible()
    assert_accessible(page)


def test_short_lists_are_plain_selects_and_checkboxes(signed_in_page, server_url):
    project = Project.objects.order_by("pk").first()
    page = signed_in_page("admin", WIDE)

    page.goto(f"{server_url}{admin_url(Project, 'change', project.pk)}")

    expect(page.locator("select#id_plan_year:not(.admin-autocomplete)")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Director of Policy").first).to_be_attached()
    expect(page.locator(".select2-container")).to_have_count(0)

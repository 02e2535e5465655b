"""The quarterly report's PDF, /reports/<year>/q<N>.pdf: the same figures as the page, tagged
for a screen reader (headings, tables, each chart with its figures as alternative text), A4 with
a cover, contents, page numbers and a running header, and only for those who read the page."""

import io
import re

import lxml.html
import pikepdf
import pypdf
import pytest
import weasyprint
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from weasyprint.formatting_structure.boxes import MarginBox

from kpis.models import Measurement
from plans.models import Milestone, PlanYear
from plans.periods import Quarter
from reports import pdf, selectors
from risks.rules import heat_map_grid
from tests.conftest import data_shared_by_the_tests
from tests.plans.factories import UserFactory
from tests.reports.conftest import add_plan, make_plan
from tests.reports.test_pdf import _structure

URL = "/reports/2010-11/q2.pdf"
PAGE = "/reports/2010-11/q2/"

#: Money, percentages, numbers with thousands separators and dates as the page writes them.
FIGURE = re.compile(
    r"\(?£[\d,]+(?:\.\d+)?\)?|\(?\d[\d,]*(?:\.\d+)?%\)?|\b\d{1,3}(?:,\d{3})+\b"
    r"|\b\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b"
)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _pdf_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


@pytest.fixture
def director_client(client, user_in_group):
    client.force_login(user_in_group("Directors"))
    return client


@pytest.fixture(scope="module")
def report_pdf(django_db_setup, django_db_blocker):
    """The PDF of the plan worked out by hand, as a director downloads it. Made once for the
    tests that only read it (a PDF takes seconds to lay out), from the plan written in a
    transaction rolled back once it is made."""
    with data_shared_by_the_tests(django_db_blocker), django_db_blocker.unblock():
        make_plan()
        director = UserFactory(is_staff=True)
        director.groups.add(Group.objects.get(name="Directors"))
        client = Client()
        client.force_login(director)
        response = client.get(URL)
        cache.clear()
    assert response.status_code == 200
    return response.content


# --- Who may read it, and how it is sent --------------------------------------------------------


@pytest.mark.parametrize("group", ["Directors", "Administrators"])
def test_directors_and_administrators_download_the_pdf(client, user_in_group, plan, group):
    client.force_login(user_in_group(group))
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert (
        response["Content-Disposition"] == 'attachment; filename="quarterly-report-2010-11-q2.pdf"'
    )
    # Figures for the Leadership Team are not kept by a shared cache or the browser's.
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("group", ["Staff", "Corporate services"])
def test_staff_and_corporate_services_are_refused_the_pdf_saying_why(
    client, user_in_group, plan, group
):
    client.force_login(user_in_group(group))
    response = client.get(URL)
    assert response.status_code == 403
    assert "only directors and administrators can read it" in response.content.decode()


def test_someone_signed_out_is_sent_to_sign_in_for_the_pdf(client, plan):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("url", ["/reports/2010-11/q5.pdf", "/reports/2031-32/q1.pdf"])
def test_the_pdf_of_an_unknown_year_or_quarter_is_not_found(director_client, plan, url):
    assert director_client.get(url).status_code == 404


def test_the_report_page_links_to_its_pdf(director_client, plan):
    page = lxml.html.fromstring(director_client.get(PAGE).content)
    (link,) = page.xpath("//a[@href='/reports/2010-11/q2.pdf']")
    assert link.text_content() == "Download the report as a PDF (accessible, A4)"
    assert "govuk-link" in link.classes


# --- The same figures as the page -----------------------------------------------------------------


def test_every_figure_the_page_shows_is_in_the_pdf(director_client, plan, report_pdf):
    page = lxml.html.fromstring(director_client.get(PAGE).content)
    shown = set()
    for element in page.xpath("//*[@id='summary-counts'] | //main//table[not(ancestor::details)]"):
        shown |= set(FIGURE.findall(_flat(element.text_content())))
    text = _flat(" ".join(_pdf_text(report_pdf)))

    assert len(shown) >= 30  # the summary, indicators, milestones, budget and risks
    assert sorted(figure for figure in shown if figure not in text) == []


def test_the_pdf_holds_the_figures_worked_out_by_hand(report_pdf):
    text = _flat(" ".join(_pdf_text(report_pdf)))
    # K1 600 of 600 green; K2 540 of 600 amber; K3 300 of 600 red; E1 has no actual.
    assert "4 indicators: 1 red, 1 amber, 1 green, 0 no target to date, 1 no data" in text
    # Due July to September: 5, of which Venues booked, Day held and Pilot run completed,
    # Schools signed up slipped and Report drafted at risk.
    assert "5 due: 3 completed, 1 slipped, 1 at risk" in text
    # Pay 5 x 10,000 + 16,000 = 66,000 and projects 6 x 5,000 = 30,000: 96,000 spent against
    # 6/12 of 180,000 = 90,000 profiled; 6,000 over, 6,000 / 90,000 = 6.7%.
    assert (
        "£96,000 spent to the end of September 2010 against £90,000 profiled: overspent by "
        "£6,000 (6.7%)"
    ) in text
    # Outturn: Pay 66,000 + 6 x 10,000 = 126,000; projects 30,000 + 8,000 + 5 x 5,000 = 63,000.
    assert "£189,000 against a budget of £180,000: over budget by £9,000 (5.0%)" in text
    # Grant cut (16) and Venue lost (15) at or above the appetite of 15; Venue lost escalated.
    assert "2 above the risk appetite of 15; 1 escalated to the Leadership Team" in text
    # K2: 3 x 80 = 240 in quarter 2 against 3 x 100 = 300 in quarter 1.
    assert "Worse 240 against 300 in Quarter 1" in text
    assert "Two more schools are signed up for October" in text
    assert "No explanation from Director of Policy for quarter 2" in text


# --- Cover, contents, pages ---------------------------------------------------------------------


def test_a_report_on_entered_figures_only_has_no_illustrative_label(report_pdf):
    # The hand-worked plan's actuals, milestones, budget figures and risks were all entered.
    assert "Illustrative" not in " ".join(_pdf_text(report_pdf))


def test_the_pdf_opens_with_a_cover_then_contents_with_page_numbers(report_pdf, settings):
    pages = _pdf_text(report_pdf)
    cover = _flat(pages[0])
    # The plan year names no organisation: the one in the settings, as the page header.
    assert settings.ORGANISATION_NAME in cover
    assert "Quarterly performance report" in cover
    assert "Plan year 2010-11, quarter 2: 1 July 2010 to 30 September 2010" in cover
    assert "As at 30 September 2010" in cover
    assert "Page" not in cover
    contents = [_flat(line) for line in pages[1].splitlines()]
    chapters = [
        "1. Summary",
        "2. Indicators",
        "3. Exceptions and corrective action",
        "4. Milestones",
        "5. Budget",
        "6. Risks",
    ]
    numbers = []
    for chapter in chapters:
        (line,) = [line for line in contents if line.startswith(chapter)]
        numbers.append(int(line.rsplit(" ", 1)[-1].strip(".")))
        # The page the contents gives is the page the chapter begins on.
        assert _flat(pages[numbers[-1] - 1]).count(chapter) >= 1
    assert numbers == sorted(numbers)
    assert numbers[0] == 3


def test_every_page_after_the_cover_has_its_number_and_the_running_header(report_pdf):
    pages = _pdf_text(report_pdf)
    count = len(pages)
    for number, text in enumerate(pages[1:], start=2):
        assert f"Page {number} of {count}" in text
        assert "Quarter 2 2010-11" in text


def test_the_pdf_names_the_plan_years_organisation_when_it_has_one(director_client, plan):
    PlanYear.objects.filter(pk=plan.plan_year.pk).update(organisation_name="11 MILLION")
    cover = _pdf_text(director_client.get(URL).content)[0]
    assert "11 MILLION" in cover


# --- Tagged for a screen reader -------------------------------------------------------------------


def test_the_pdf_is_tagged_with_title_language_headings_tables_and_chart_text(report_pdf):
    document = pikepdf.open(io.BytesIO(report_pdf))
    assert str(document.Root.Lang) == "en-GB"
    assert document.open_metadata()["dc:title"] == (
        "Quarterly performance report, quarter 2 2010-11"
    )
    tags = _structure(document)
    names = [tag for tag, _ in tags]
    assert names.count("/H1") == 1
    # Contents and the six sections.
    assert names.count("/H2") == 7
    assert {"/Table", "/TH", "/TD", "/Caption"} <= set(names)
    figures = [alt for tag, alt in tags if tag == "/Figure"]
    # One trend chart per indicator and the heat map, each with its figures.
    assert len(figures) == 5
    assert (
        "K2 by period to September 2010: Apr 2010 100 (target 100); May 2010 100 (target 100); "
        "Jun 2010 100 (target 100); Jul 2010 80 (target 100); Aug 2010 80 (target 100); "
        "Sep 2010 80 (target 100); actual to date 540 against a target to date of 600: amber"
    ) in figures
    assert any(
        alt.startswith("E1 by period to September 2010: Apr 2010 not entered (") for alt in figures
    )
    # Grant cut and Data lost at 4 x 4, Venue lost at 3 x 5, Staff leave at 2 x 3.
    assert (
        "Residual heat map of 4 risks, the risk appetite being 15: 2 at likelihood 4, "
        "impact 4 (score 16, very high); 1 at likelihood 3, impact 5 (score 15, very high); "
        "1 at likelihood 2, impact 3 (score 6, medium)"
    ) in figures


def test_no_box_reaches_past_the_right_margin_of_its_page(plan):
    """Nothing is cut off: every table, column and line of text ends inside its page's margins,
    portrait or landscape, even long commentary with a long address in it."""
    long_text = "Schools slow to reply; see https://example.org/" + "a-very-long-address-" * 8
    Measurement.objects.filter(indicator=plan.k2).update(commentary=long_text * 3)
    Milestone.objects.filter(project=plan.project).update(commentary=long_text * 3)
    report = selectors.quarterly_report(plan_year=plan.plan_year, quarter=Quarter(2010, 2))
    html = render_to_string(
        "reports/pdf/quarter.html",
        {"report": report, "organisation": "An organisation", "heat_map": ""},
    )
    document = weasyprint.HTML(string=html).render()
    widths = set()
    for page in document.pages:
        box = page._page_box
        right = box.margin_width() - box.margin_right
        widths.add(round(box.margin_width() * 72 / 96))  # CSS pixels to points
        (root,) = [child for child in box.children if not isinstance(child, MarginBox)]
        for child in root.descendants():
            if getattr(child, "width", None) is not None:
                assert child.position_x + child.margin_width() <= right + 0.5, child
    assert widths == {595, 842}  # A4 portrait, and landscape for the indicators
    assert report.indicator_tiers[0].groups[0].indicators[1].commentary.startswith("Schools")


# --- The demo data ------------------------------------------------------------------------------


def test_the_demo_2010_11_quarter_2_pdf_opens_with_its_headline_counts(client, demo):
    client.force_login(get_user_model().objects.get(username="director"))
    response = client.get(URL)
    assert response.status_code == 200
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = _flat(" ".join(page.extract_text() for page in reader.pages))
    # As the demo report test finds: KPI1 to KPI10, 7 green, 2 amber, 1 red; 28 milestones due;
    # 5 risks above the appetite, 4 escalated; the printed £3,000 thousand budget.
    assert "10 indicators: 1 red, 2 amber, 7 green, 0 no target to date, 0 no data" in text
    assert "28 due:" in text
    assert "5 above the risk appetite of" in text
    assert "4 escalated to the Leadership Team" in text
    assert "against a budget of £3,000,000" in text
    assert "11 MILLION" in reader.pages[0].extract_text()
    assert "Illustrative" in reader.pages[0].extract_text()


def test_an_empty_heat_map_says_so_in_its_alternative_text():
    assert pdf.heat_map_text(heat_map_grid({}), appetite=15) == (
        "Residual heat map: no risks are recorded."
    )


def test_the_pdf_runs_as_many_queries_for_a_plan_four_times_as_large(
    director_client, plan, django_assert_num_queries
):
    director_client.get(URL)  # sessions and permissions settle
    cache.clear()  # built afresh, not the PDF kept by the first request
    with CaptureQueriesContext(connection) as small:
        director_client.get(URL)
    add_plan(plan.plan_year, plan.earlier_year, copies=3, suffix="b")
    cache.clear()
    with django_assert_num_queries(len(small.captured_queries)):
        response = director_client.get(URL)
    assert "K3b2" in " ".join(_pdf_text(response.content))

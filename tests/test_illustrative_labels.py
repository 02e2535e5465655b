"""Every figure of the demo that rests on illustrative data carries the one "Illustrative"
label (templates/components/illustrative_label.html), checked by tests/illustrative.py."""

import datetime
import time

import lxml.html
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from budgets.models import BudgetLine
from kpis import selectors
from kpis.models import Indicator, Measurement
from plans.models import Milestone, PlanYear, Project, Recommendation
from plans.periods import Quarter
from risks.models import Risk
from tests.illustrative import unlabelled_illustrative
from tests.kpis.factories import IndicatorFactory, MeasurementFactory
from tests.test_components import COMPONENTS, pages_drawing

LABEL = (
    '<strong class="govuk-tag govuk-tag--grey app-illustrative-label">Illustrative'
    '<span class="govuk-visually-hidden">: generated for the demo</span></strong>'
)


# -- The checker can fail ------------------------------------------------------------------------


def test_the_checker_finds_a_marked_figure_without_its_label():
    found = unlabelled_illustrative("<p data-illustrative>Actual to date: 1,200</p>")
    assert len(found) == 1
    assert "marked illustrative without the label" in found[0]
    assert unlabelled_illustrative(f"<p data-illustrative>{LABEL} Actual to date: 1,200</p>") == []


def test_the_checker_finds_a_rag_status_outside_a_marked_element_where_all_are_illustrative():
    rag = '<strong class="govuk-tag govuk-tag--green">Green</strong>'
    page = f"<ul><li>{rag} 4</li></ul>"
    assert len(unlabelled_illustrative(page, rag_is_illustrative=True)) == 1
    assert unlabelled_illustrative(page) == []  # where the actuals are real, nothing to label
    marked = f"<div data-illustrative>{LABEL}<ul><li>{rag} 4</li></ul></div>"
    assert unlabelled_illustrative(marked, rag_is_illustrative=True) == []
    # A tag that is not a RAG status ("Overdue") needs no label.
    assert (
        unlabelled_illustrative(
            '<strong class="govuk-tag govuk-tag--red">Overdue</strong>', rag_is_illustrative=True
        )
        == []
    )


def test_the_checker_finds_a_named_figure_outside_a_marked_element():
    page = '<table class="counts"><tr><td>3</td></tr></table>'
    assert len(unlabelled_illustrative(page, figures=("//table[@class='counts']",))) == 1
    assert (
        unlabelled_illustrative(
            f"<div data-illustrative>{LABEL}{page}</div>", figures=("//table[@class='counts']",)
        )
        == []
    )


def test_every_page_labels_with_the_one_component():
    # The PDF of the report draws its own, print-only label.
    for markup in (">Illustrative<", "app-illustrative-label"):
        assert [p for p in pages_drawing(markup) if not p.startswith("reports/pdf/")] == []
    assert "app-illustrative-label" in (COMPONENTS / "illustrative_label.html").read_text()


# -- Labelled where the figure rests on illustrative data, and only there ---------------------


STATUS = "//dd[contains(., 'Target to date')]"


def test_an_indicator_is_labelled_once_an_illustrative_actual_counts_to_date(client, user_in_group):
    indicator = IndicatorFactory(plan_year__year="2010-11", ref="KPI1")
    MeasurementFactory(indicator=indicator, period=datetime.date(2010, 4, 1))
    generated = MeasurementFactory(
        indicator=indicator, period=datetime.date(2010, 7, 1), is_illustrative=True
    )
    client.force_login(user_in_group("Directors"))
    url = reverse("kpis:indicator", args=["2010-11", "KPI1"])
    dashboard = reverse("kpis:dashboard", args=["2010-11"])
    # At the end of quarter 1 only April's entered actual counts: nothing to label but the
    # rows the page lists that count July's: quarter 2's own and the years to date after it.
    assert "data-illustrative" not in client.get(dashboard, {"quarter": 1}).text
    page = lxml.html.fromstring(client.get(url, {"quarter": 1}).text)
    assert page.xpath(f"{STATUS}/@data-illustrative") == []
    assert [
        " ".join(row.xpath("th")[0].text_content().split())
        for row in page.xpath("//tr[td[@data-illustrative]]")
    ] == [
        "Quarter 2 subtotal",
        "Year to date to the end of quarter 2",
        "Year to date to the end of quarter 3",
        "Year to date to the end of quarter 4",
    ]
    # By the end of quarter 2 July's generated actual counts too: the status, the actual to
    # date and the counts by RAG are labelled.
    for html in (client.get(url, {"quarter": 2}).text, client.get(dashboard, {"quarter": 2}).text):
        assert "app-illustrative-label" in html
        assert unlabelled_illustrative(html) == []
    assert lxml.html.fromstring(client.get(url, {"quarter": 2}).text).xpath(
        f"{STATUS}/@data-illustrative"
    ) == [""]
    generated.is_illustrative = False
    generated.save()
    assert "data-illustrative" not in client.get(url, {"quarter": 2}).text


@pytest.mark.parametrize(("quarter", "labelled"), [(1, False), (2, True)])
def test_the_2012_13_pi1_counts_are_labelled_once_a_generated_recommendation_counts(
    demo, client, quarter, labelled
):
    # PI1's project has no recommendation made by 30 June 2012; by 30 September two of its
    # five generated ones (tests/kpis/test_demo_recommendation_counts.py).
    client.force_login(get_user_model().objects.get(username="director"))
    dashboard = selectors.dashboard(year="2012-13", quarter=Quarter(2012, quarter))
    assert next(r for r in dashboard.rows if r.indicator.ref == "PI1").is_illustrative is labelled
    page = lxml.html.fromstring(
        client.get(reverse("kpis:indicator", args=["2012-13", "PI1"]), {"quarter": quarter}).text
    )
    (counts,) = page.xpath("//dd[contains(., 'Counted from the recommendations')]")
    assert (counts.get("data-illustrative") is not None) is labelled
    assert bool(counts.xpath(".//*[contains(@class, 'app-illustrative-label')]")) is labelled


def test_the_variance_banner_says_all_when_every_monthly_figure_is_illustrative(
    demo, client, user_in_group
):
    client.force_login(user_in_group("Corporate services"))
    url = reverse("budgets:variance", args=["2016-17"])
    assert "All of these monthly actuals and forecasts are illustrative" in client.get(url).text
    line = BudgetLine.objects.filter(budget__plan_year__year="2016-17").first()
    line.monthly_figures.filter(month=datetime.date(2016, 4, 1)).update(is_illustrative=False)
    assert "Some of these monthly actuals and forecasts are illustrative" in client.get(url).text


# -- The demo's pages ----------------------------------------------------------------------------

#: What shows illustrative figures on each kind of page in the demo, besides its RAG statuses.
FIGURES = {
    "risks:heat-map": ("//svg",),
    "plans:recommendations": ("//table[.//caption[contains(., 'Recommendations by status')]]",),
    "budgets:variance": ("//table[contains(@class, 'app-variance-table')]",),
    "reports:quarter": (
        "//dl[@id='summary-counts']//div[.//dt[normalize-space()='Indicators']]/dd",
        "//table[@id='rag-by-objective']",
        "//table[@id='budget-categories']",
        "//svg",
    ),
}
QUARTER = 2


def _pages(year: str, *, every_indicator: bool) -> list[tuple[str, str]]:
    """(kind, url) for every kind of page of the plan year's, each once (every indicator's page
    if asked): the pages of one kind share one template and one selector, so one of each shows
    whether that template labels its illustrative figures."""
    plan_year = PlanYear.objects.get(year=year)
    project = Project.objects.filter(plan_year=plan_year, budget_lines__isnull=False).first()
    project = project or Project.objects.filter(plan_year=plan_year).first()
    milestone = Milestone.objects.filter(project__plan_year=plan_year).first()
    risk = Risk.objects.filter(plan_year=plan_year).first()
    recommendation = Recommendation.objects.filter(project__plan_year=plan_year).first()
    indicators = Indicator.objects.filter(plan_year=plan_year).order_by("ref")
    indicators = list(indicators) if every_indicator else [indicators.first()]
    computed = Indicator.objects.filter(plan_year=plan_year, source="recommendations").first()
    if computed and computed not in indicators:
        indicators.append(computed)
    # A commentary of quarter 2 (July to September), which a director may return for revision.
    measurement = (
        Measurement.objects.filter(
            indicator__plan_year=plan_year,
            period__gte=datetime.date(plan_year.start, 7, 1),
            period__lte=datetime.date(plan_year.start, 9, 1),
        )
        .exclude(commentary="")
        .first()
    )
    line = BudgetLine.objects.filter(budget__plan_year=plan_year).first()
    pages = [
        ("plans:plan-overview", reverse("plan-overview", args=[year])),
        ("plans:project", reverse("plans:project", args=[year, project.pk])),
        ("plans:milestones", reverse("plans:milestones", args=[year])),
        ("plans:milestone-add", reverse("plans:milestone-add", args=[year, project.pk])),
        ("plans:recommendations", reverse("plans:recommendations", args=[year])),
        ("kpis:dashboard", reverse("kpis:dashboard", args=[year])),
        ("risks:register", reverse("risks:register", args=[year])),
        ("risks:heat-map", reverse("risks:heat-map", args=[year])),
        ("risks:strategic", reverse("risks:strategic", args=[year])),
        ("budgets:variance", reverse("budgets:variance", args=[year])),
        ("budgets:import", reverse("budgets:import", args=[year])),
        ("reports:quarter", reverse("reports:quarter", args=[year, QUARTER])),
        ("reports:preparation", reverse("reports:preparation", args=[year, QUARTER])),
    ]
    for indicator in indicators:
        pages.append(("kpis:indicator", reverse("kpis:indicator", args=[year, indicator.ref])))
    pages.append(
        ("kpis:actual-entry", reverse("kpis:actual-entry", args=[year, indicators[0].ref]))
    )
    if milestone:
        pages.append(
            (
                "plans:milestone-update",
                reverse("plans:milestone-update", args=[year, project.pk, milestone.pk])
                if milestone.project_id == project.pk
                else reverse(
                    "plans:milestone-update", args=[year, milestone.project_id, milestone.pk]
                ),
            )
        )
    if recommendation:
        pages.append(
            (
                "plans:recommendation-response",
                reverse("plans:recommendation-response", args=[year, recommendation.pk]),
            )
        )
    if risk:
        pages.append(("risks:risk", reverse("risks:risk", args=[year, risk.pk])))
        pages.append(("risks:review", reverse("risks:review", args=[year, risk.pk])))
    # The explanation pages; /reports/<year>/explain/... redirects to one of them.
    for kind, pk in (("indicator", indicators[0].pk), ("budget-line", line and line.pk)):
        if pk:
            pages.append(
                ("reports:explain", reverse("reports:explain", args=[year, QUARTER, kind, pk]))
            )
    if measurement:
        pages.append(
            (
                "reports:return-for-revision",
                reverse(
                    "reports:return-for-revision",
                    args=[year, QUARTER, "commentary", measurement.pk],
                ),
            )
        )
    return pages


def test_every_kind_of_demo_page_labels_its_illustrative_figures(demo, client):
    """Walks every kind of page (each address pattern that renders a page) of each plan year
    once, and every indicator page of 2012-13, whose PI1-PI15 are counted from illustrative
    recommendations: pages of one kind share one template and one selector, so one of each
    kind shows whether that template labels what it shows (walking all ~440 demo pages took
    83 s; this takes a few). In the demo every actual and every recommendation is generated,
    so every RAG status must be labelled, as must the figures FIGURES names; and every element
    marked illustrative must carry the label."""
    assert not Measurement.objects.filter(is_illustrative=False).exists()
    assert not Recommendation.objects.filter(is_illustrative=False).exists()
    client.force_login(get_user_model().objects.get(username="admin"))
    pages = [("home", reverse("home")), ("plans:my-work", reverse("my-work"))]
    strategy = PlanYear.objects.exclude(strategy=None).values_list("strategy", flat=True).first()
    if strategy:
        pages.append(("plans:strategy", reverse("strategy", args=[strategy])))
    for year in PlanYear.objects.order_by("year").values_list("year", flat=True):
        pages += _pages(year, every_indicator=year == "2012-13")
    # Only directors return a commentary for revision: those pages last, signed in as one.
    pages.sort(key=lambda page: page[0] == "reports:return-for-revision")
    director = get_user_model().objects.get(username="director")
    started = time.process_time()
    problems = {}
    shown = 0
    for kind, url in pages:
        if kind == "reports:return-for-revision":
            client.force_login(director)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            print("not shown:", response.status_code, url)
            continue
        shown += 1
        found = unlabelled_illustrative(
            response.text, rag_is_illustrative=True, figures=FIGURES.get(kind, ())
        )
        if found:
            problems[url] = found
    assert shown > len(pages) * 3 // 4, "most pages of the walk were not shown"
    assert problems == {}
    print(f"{shown} of {len(pages)} pages, {time.process_time() - started:.1f} s of processor")

"""The entry screens' admin site: a change list costs the same number of queries however many
rows it shows, and only the index pages build the list of every app and model."""

import pytest
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from tests.test_admin import make_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def director(client, user_in_group):
    client.force_login(user_in_group("Directors"))
    return client


@pytest.mark.parametrize(
    ("app_label", "model_name"),
    [("kpis", "measurement"), ("plans", "milestone"), ("budgets", "budgetline")],
)
def test_a_change_list_of_50_rows_runs_the_queries_of_one_of_5(
    director, app_label, model_name, django_assert_max_num_queries
):
    url = reverse(f"admin:{app_label}_{model_name}_changelist")
    make_rows(model_name, 5)
    director.get(url)  # the session and the person's rights, once
    cache.clear()  # built afresh, not kept (core.kept_pages)
    with django_assert_max_num_queries(30) as five:
        response = director.get(url)
    assert len(response.context["cl"].result_list) == 5
    make_rows(model_name, 45)
    with django_assert_max_num_queries(30) as fifty:
        response = director.get(url)
    # 5 + 45 rows, all on the one page of 50.
    assert len(response.context["cl"].result_list) == 50
    assert len(fifty.captured_queries) == len(five.captured_queries)


def test_only_the_index_pages_build_the_list_of_every_app_and_model(director, monkeypatch):
    built = []
    build = admin.site.get_app_list
    monkeypatch.setattr(
        admin.site, "get_app_list", lambda request, *args: built.append(1) or build(request, *args)
    )
    assert director.get(reverse("admin:kpis_measurement_changelist")).status_code == 200
    assert built == []
    index = director.get(reverse("admin:index"))
    assert "Measurements" in index.content.decode()
    # Once, for the index's own list; not a second time for the sidebar, which is off.
    assert built == [1]


def test_each_admin_page_has_what_django_gives_it(user_in_group):
    request = RequestFactory().get("/admin/")
    request.user = user_in_group("Directors")
    ours = admin.site.each_context(request)
    assert set(ours) == set(AdminSite.each_context(admin.site, request))
    assert list(ours["available_apps"]) == admin.site.get_app_list(request)

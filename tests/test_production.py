"""Production mode: static files collect from a fresh build, and the demo loader keeps away from
a production database unless told otherwise."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

from plans.models import PlanYear
from tests.test_settings import production_environment, run_manage


def test_collectstatic_finds_every_file_the_stylesheet_refers_to(tmp_path):
    result = run_manage(
        "collectstatic",
        "--no-input",
        environment=production_environment(STATIC_ROOT=str(tmp_path)),
    )
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    assert "dist/assets/images/govuk-crest.svg" in manifest
    stylesheet = (tmp_path / manifest["dist/app.css"]).read_text()
    # The stylesheet names the crest by its hashed name, which exists.
    crest = manifest["dist/assets/images/govuk-crest.svg"]
    assert f"/static/{crest}" in stylesheet
    assert (tmp_path / crest).exists()
    # The module that starts GOV.UK Frontend imports it by its hashed name too, so browsers may
    # keep both for a year and a new release never mixes with an old one.
    starter = (tmp_path / manifest["js/govuk-init.js"]).read_text()
    assert f'"../dist/{manifest["dist/govuk-frontend.min.js"].removeprefix("dist/")}"' in starter


def test_load_demo_refuses_to_run_with_debug_off(db):
    with pytest.raises(CommandError, match="run it with --allow-production"):
        call_command("load_demo", verbosity=0)
    assert not PlanYear.objects.exists()
    assert not get_user_model().objects.filter(username="director").exists()


@override_settings(SECURE_SSL_REDIRECT=True)
def test_with_the_https_redirect_on_pages_redirect_but_the_health_check_answers(client, db):
    # A load balancer probes /healthz over plain http on the private network.
    assert client.get("/healthz").status_code == 200
    response = client.get("/plans/2012-13/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/plans/2012-13/"

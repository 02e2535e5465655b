"""Every project page names each objective the plan overview lists the project under: strategic
objectives, aims, and corporate and enabling objectives (a 2010-11 project listed under six
corporate and two enabling objectives once said "Not linked to an objective")."""

import pytest
from django.contrib.auth import get_user_model

from plans.models import Project


@pytest.fixture
def reader(client, demo):
    client.force_login(get_user_model().objects.get(username="staff"))
    return client


def test_every_project_page_names_every_objective_the_overview_lists_it_under(reader):
    projects = Project.objects.select_related("plan_year").prefetch_related(
        "strategic_objectives", "aims", "corporate_objectives"
    )
    checked = 0
    for project in projects:
        content = reader.get(project.get_absolute_url()).content.decode()
        delivers = content[content.index(">Delivers<") :]
        delivers = delivers[: delivers.index("</dd>")]
        links = [
            *(objective.ref for objective in project.strategic_objectives.all()),
            *(f"aim {aim.ref}" for aim in project.aims.all()),
            *(objective.ref for objective in project.corporate_objectives.all()),
        ]
        for ref in links:
            assert ref in delivers, (project, ref)
        assert ("Not linked to an objective" in delivers) == (not links), project
        checked += bool(project.corporate_objectives.all())
    assert checked  # the demo has projects under corporate objectives

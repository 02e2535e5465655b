"""Pages of the plans app."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from plans import selectors


@require_safe
def project_detail(request, year, pk):
    project = selectors.project_detail(year=year, pk=pk)
    return render(
        request,
        "plans/project.html",
        {"project": project, "history": selectors.project_history(project=project)},
    )

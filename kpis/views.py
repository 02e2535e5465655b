"""Pages of the kpis app."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from kpis import selectors


@require_safe
def indicator_detail(request, year, ref):
    detail = selectors.indicator_detail(year=year, ref=ref)
    return render(
        request,
        "kpis/indicator.html",
        {
            "indicator": detail.indicator,
            "detail": detail,
            "history": selectors.indicator_history(indicator=detail.indicator),
        },
    )

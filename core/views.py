"""The full history page of any record whose history is kept: every change, newest first, a page
of 50 at a time, for those who may read such records."""

from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_permission_codename
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from core import history, pagination
from core.kept_pages import kept_page
from core.refusals import Refused


@dataclass(frozen=True)
class PageLink:
    """A link of the GOV.UK pagination; a number of None is the gap between two links."""

    number: int | None
    url: str = ""
    current: bool = False


def may_view(user, model) -> bool:
    """Whether `user` holds the view permission of `model` (administrators hold them all)."""
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.{get_permission_codename('view', opts)}")


def _page_url(number: int) -> str:
    return f"?page={number}" if number > 1 else "?"


@require_safe
@kept_page
def full_history_page(request, app_label, model_name, pk):
    """Every change of a record, and of its parts (a project's milestones), newest first."""
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        raise Http404("No such kind of record.") from None
    if not history.has_history(model):
        raise Http404("The history of these records is not kept.")
    if not may_view(request.user, model):
        raise Refused(
            f"You do not have permission to read {model._meta.verbose_name_plural}.",
            heading="You cannot read this history",
        )
    record = model._default_manager.filter(pk=pk).first()
    if record is None:
        raise Http404(f"No such {model._meta.verbose_name}.")
    parts = [part for part in history.parts_of(model) if may_view(request.user, part.model)]
    entries = history.full_history(model, pk, parts=parts)
    page, problem = pagination.page_of(
        request.GET.get("page", ""), size=history.FULL_HISTORY_PAGE, count=len(entries)
    )
    return render(
        request,
        "history.html",
        {
            "record": record,
            "kind": model._meta.verbose_name,
            "parts": [part.words or part.model._meta.verbose_name_plural for part in parts],
            "record_url": _record_url(model, record),
            "entries": page.slice(entries),
            "page": page,
            "page_problem": problem,
            "page_links": [
                PageLink(number)
                if number is None
                else PageLink(number, _page_url(number), number == page.number)
                for number in page.numbers()
            ],
            "previous_url": _page_url(page.number - 1),
            "next_url": _page_url(page.number + 1),
        },
    )


def _record_url(model, record) -> str:
    """The page of the record or, for a part of another (a milestone), of the record it is
    part of; "" when there is none."""
    if hasattr(record, "get_absolute_url"):
        return record.get_absolute_url()
    whole = history.whole_of(model)
    if whole is not None:
        whole_model, part = whole
        owner = whole_model._default_manager.filter(pk=getattr(record, part.link)).first()
        if owner is not None and hasattr(owner, "get_absolute_url"):
            return owner.get_absolute_url()
    return ""

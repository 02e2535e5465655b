"""The application's addresses and the benchmark's two trivial views: `HttpResponse("ok")`
without sign-in, and the same to a signed-in person (the session and user read, as every page
does)."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import include, path

from config.urls import handler403  # noqa: F401 - the application's refusal page


@login_not_required
def trivial(request):
    return HttpResponse("ok")


def trivial_signed_in(request):
    # The sign-in requirement (LoginRequiredMiddleware) reads the session and the user.
    return HttpResponse("ok")


urlpatterns = [
    path("bench/trivial/", trivial),
    path("bench/trivial-signed-in/", trivial_signed_in),
    path("", include("config.urls")),
]

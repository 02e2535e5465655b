"""Middleware every response passes through: requests whose address cannot be stored are
refused, and responses are kept out of shared and browser caches."""

from django.shortcuts import render
from django.utils.cache import patch_cache_control


def storable(text: str) -> bool:
    """Whether a database can store and compare `text`: PostgreSQL refuses a NUL in text, and
    a lone surrogate (what undecodable bytes become) cannot be encoded at all."""
    return not any(char == "\x00" or "\ud800" <= char <= "\udfff" for char in text)


class UnstorableCharactersMiddleware:
    """A NUL or another character that cannot be stored, in the path or the query, is a bad
    request (400), refused before any view looks it up: on PostgreSQL it would otherwise reach
    the database as an error and a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = (text for key, values in request.GET.lists() for text in (key, *values))
        if not storable(request.path) or not all(storable(text) for text in query):
            return render(request, "400.html", status=400)
        return self.get_response(request)


class PrivateResponsesMiddleware:
    """Pages hold the organisation's plans and the signed-in user's work, and downloads hold
    its figures: none may be kept by a shared cache or left in the browser's, so every
    response that does not say otherwise is `Cache-Control: private, no-store`. Static files
    are served before this (WhiteNoise) with their own long-lived caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response

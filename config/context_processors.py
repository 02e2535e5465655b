from django.conf import settings


def organisation(request):
    """The organisation name for the page header."""
    return {"organisation_name": settings.ORGANISATION_NAME}

"""A request that found the database busy gets a page saying so, not a server error.

On SQLite a writer waits its turn for up to SQLITE_TIMEOUT seconds. A writer that holds the
database longer than that (the dry run of a very large spreadsheet import) makes the others give
up with "database is locked". They are told the service is busy and to try again, with 503 and
Retry-After, and nothing of theirs was saved, since their transaction was rolled back.
"""

import logging

from django.db import OperationalError
from django.shortcuts import render

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


def is_database_busy(error: Exception) -> bool:
    return isinstance(error, OperationalError) and "database is locked" in str(error)


class DatabaseBusyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_busy(exception):
            return None
        logger.warning(
            "Database busy: %s %s gave up waiting for its turn to write.",
            request.method,
            request.path,
        )
        response = render(
            request,
            "busy.html",
            {"retry_after_seconds": RETRY_AFTER_SECONDS},
            status=503,
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

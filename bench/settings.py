"""The application's settings, with the benchmark's own URL configuration (bench/urls.py): the
trivial views the pages are compared with are not part of the application."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

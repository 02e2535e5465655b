"""Choices of the reports app."""

from django.db import models


class ReminderStage(models.TextChoices):
    """When in a quarter's data-entry cycle an owner is reminded of what they have not entered:
    5 working days before the deadline, on the day, and 3 working days after it."""

    BEFORE = "before", "Before the deadline"
    DUE = "due", "On the deadline"
    OVERDUE = "overdue", "After the deadline"

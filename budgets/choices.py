"""Choices for budgets."""

from django.db import models


class CategoryKind(models.TextChoices):
    PROGRAMME_DELIVERY = "programme delivery", "Programme delivery"
    ADMIN = "admin", "Admin / running costs"


class PresentationUnit(models.TextChoices):
    """How a budget is printed; amounts are always held in pounds."""

    POUNDS = "pounds", "£"
    THOUSANDS = "thousands", "£'000"

"""Choices for the risk register, in the organisation's own words (see DOMAIN.md)."""

from django.db import models


class RiskTier(models.TextChoices):
    STRATEGIC = "strategic", "Strategic"
    OPERATIONAL = "operational", "Operational"
    PROJECT = "project", "Project"


class RiskStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"

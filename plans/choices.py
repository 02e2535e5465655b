"""Choices for the plans app, in the organisation's own words (see DOMAIN.md)."""

from django.db import models


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    CLOSED = "closed", "Closed"


class ObjectiveLabel(models.TextChoices):
    """What a document calls the top of its hierarchy."""

    STRATEGIC_OBJECTIVE = "strategic objective", "Strategic objective"
    STRATEGIC_PRIORITY = "strategic priority", "Strategic priority"


class ThemeKind(models.TextChoices):
    """A strategy's pillars group its work by subject; its approach strands (2024-27's "OUR
    APPROACH": Champion for children, Listen, Advocate, Engage and Influence) by way of working."""

    KEY_THEME = "key theme", "Key theme"
    CORE_BUSINESS_ACTIVITY = "core business activity", "Core business activity"
    CROSS_CUTTING_ISSUE = "cross-cutting issue", "Cross-cutting issue"
    UNCRC_CLUSTER = "UNCRC cluster", "UNCRC cluster / programme"
    PILLAR = "pillar", "Pillar"
    APPROACH_STRAND = "approach strand", "Approach strand"


class CorporateObjectiveKind(models.TextChoices):
    CORPORATE = "corporate", "Corporate objective"
    ENABLING = "enabling", "Enabling objective"


class PerformanceTheme(models.TextChoices):
    INQUIRIES = "inquiries", "Inquiries"
    ADVICE_AND_INFLUENCE = "advice and influence", "Advice and Influence"
    PUBLIC_OUTREACH_AND_ENGAGEMENT = (
        "public outreach and engagement",
        "Public Outreach and Engagement",
    )
    ORGANISATIONAL_EFFICIENCY = (
        "organisational efficiency and effectiveness",
        "Organisational Efficiency and Effectiveness",
    )


class ToleranceDimension(models.TextChoices):
    TIME = "time", "Time"
    COST = "cost", "Cost"
    RISK = "risk", "Risk"
    BENEFIT = "benefit", "Benefit"
    QUALITY = "quality", "Quality"
    SCOPE = "scope", "Scope"


class MilestoneStatus(models.TextChoices):
    """A milestone's status as staff report it each quarter, in the order they choose from."""

    NOT_STARTED = "not started", "Not started"
    ON_TRACK = "on track", "On track"
    AT_RISK = "at risk", "At risk"
    SLIPPED = "slipped", "Slipped"
    DONE = "done", "Done"


#: The statuses whose milestone needs commentary saying why.
MILESTONE_STATUSES_NEEDING_COMMENTARY = (MilestoneStatus.AT_RISK, MilestoneStatus.SLIPPED)


class RecommendationStatus(models.TextChoices):
    UNDER_CONSIDERATION = "under consideration", "Under consideration"
    ACCEPTED = "accepted", "Accepted"
    IMPLEMENTED = "implemented", "Implemented"
    REJECTED = "rejected", "Rejected"
    NO_RESPONSE = "no response", "No response"

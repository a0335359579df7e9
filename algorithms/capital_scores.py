"""Social capital formulas: one customer's raw facts to trust, tie strength, Orbit scores, stage.

Pure functions over :class:`CapitalFacts` (what :mod:`algorithms.capital` reads
from the graph); the reasoning and references are in ``docs/social-capital.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel

__all__ = [
    "STAGES",
    "CapitalBreakdown",
    "CapitalFacts",
    "CapitalSettings",
    "CustomerCapital",
    "Stage",
    "advocacy_stage",
    "decay",
    "score_customer",
]

Stage = Literal["prospect", "customer", "repeat_customer", "supporter", "advocate"]
# The ladder of loyalty, lowest rung first.
STAGES: tuple[Stage, ...] = ("prospect", "customer", "repeat_customer", "supporter", "advocate")

DAY_MS = 86_400_000


@dataclass(frozen=True, slots=True)
class CapitalSettings:
    """The constants of the formulas (defaults argued in ``docs/social-capital.md``)."""

    trust_half_life_days: float = 180.0
    activity_half_life_days: float = 30.0
    relationship_half_life_days: float = 90.0
    window_days: float = 90.0
    # Pseudo-observations of neutral sentiment that trust is shrunk with.
    trust_prior: float = 1.0
    # Interactions at which frequency reaches 1 - 1/e.
    frequency_scale: float = 10.0
    weight_frequency: float = 0.4
    weight_recency: float = 0.3
    weight_reciprocity: float = 0.2
    weight_community: float = 0.1
    # Orbit-style love: effort of each kind of brand-related activity.
    love_weights: dict[str, float] = field(
        default_factory=lambda: {
            "post": 4.0,
            "REPLIED": 3.0,
            "QUOTED": 3.0,
            "SHARED": 2.0,
            "LIKED": 1.0,
        }
    )
    supporter_trust: float = 0.2
    supporter_endorsements: int = 3
    advocate_engagement_drawn: int = 10
    advocate_audience: int = 1000

    def half_life_ms(self, days: float) -> float:
        return days * DAY_MS

    @property
    def window_ms(self) -> int:
        return int(self.window_days * DAY_MS)


def decay(age_ms: float, half_life_ms: float) -> float:
    """``2^(-age / half_life)``: 1 now, 1/2 one half-life ago; ages below 0 count as now."""
    return 2.0 ** (-max(age_ms, 0.0) / half_life_ms)


@dataclass(slots=True)
class CapitalFacts:
    """Raw aggregates about one customer (all accounts summed), as of one instant.

    Decayed sums are computed by the queries with the settings' half-lives:
    ``trust_sum = Σ w·s`` and ``trust_weight = Σ w`` over rated posts about the
    brand (w with the trust half-life); ``activity`` and ``love`` are decayed
    sums inside the window.
    """

    customer: str
    accounts: list[str] = field(default_factory=list)
    followers: int = 0
    engagers: int = 0
    posts: int = 0
    posts_window: int = 0
    engagements_window: int = 0
    activity: float = 0.0
    brand_posts: int = 0
    rated_posts: int = 0
    trust_sum: float = 0.0
    trust_weight: float = 0.0
    last_brand_post: int | None = None
    engagement_drawn: int = 0
    love: float = 0.0
    endorsements: int = 0
    interactions_out: int = 0
    interactions_in: int = 0
    last_out: int | None = None
    last_in: int | None = None
    communities: int = 0
    member_since: int | None = None
    orders: int = 0
    order_value: float = 0.0
    currencies: list[str] = field(default_factory=list)
    last_order: int | None = None


class CapitalBreakdown(BaseModel):
    """The parts behind each score, so a person can see why a customer stands where it does."""

    accounts: list[str]
    # trust
    brand_posts: int
    rated_posts: int
    trust_weight: float
    # relationship strength
    interactions_out: int
    interactions_in: int
    last_contact: int | None
    frequency: float
    recency: float
    reciprocity: float
    community: float
    communities: int
    member_since: int | None
    # activity and love
    posts: int
    posts_window: int
    engagements_window: int
    endorsements: int
    # reach
    followers: int
    engagers: int
    audience: int
    # contribution
    engagement_drawn: int
    orders: int
    order_value: float
    currencies: list[str]
    last_order: int | None


class CustomerCapital(BaseModel):
    """Social capital of one customer toward one brand (``None``: all brands), as of ``as_of``."""

    customer: str
    brand: str | None
    as_of: int
    stage: Stage
    trust: float
    relationship: float
    activity: float
    contribution: float
    love: float
    reach: float
    gravity: float
    breakdown: CapitalBreakdown


def score_customer(
    facts: CapitalFacts, *, brand: str | None, as_of: int, settings: CapitalSettings
) -> CustomerCapital:
    """All social capital measures of one customer.

    Parameters
    ----------
    facts : CapitalFacts
        The customer's aggregates as of ``as_of``.
    brand : str or None
        The brand the facts were read for (``None``: every brand).
    as_of : int
        Epoch ms the scores describe.
    settings : CapitalSettings
        Half-lives, weights and stage thresholds.

    Returns
    -------
    CustomerCapital

    Notes
    -----
    ::

        trust        = Σ w·s / (Σ w + prior)                       ∈ [-1, 1]
        frequency    = 1 − exp(−n / scale), n = out + in + brand posts
        recency      = 2^(−(as_of − last contact) / half-life)   (0 without contact)
        reciprocity  = min(out, in) / max(out, in)                (0 without contact)
        community    = 1 if a member of a brand community else 0
        relationship = .4·frequency + .3·recency + .2·reciprocity + .1·community
        reach        = log10(1 + followers + engagers)
        gravity      = love · reach
        contribution = log10(1 + brand posts) + log10(1 + engagement drawn)
                       + log10(1 + order value)

    References
    ----------
    .. [1] M. S. Granovetter, "The Strength of Weak Ties", American Journal of
       Sociology 78(6), 1973.
    .. [2] E. Gilbert and K. Karahalios, "Predicting Tie Strength with Social
       Media", CHI 2009.
    .. [3] Orbit, "The Orbit Model", github.com/orbit-love/orbit-model, 2020-2022.
    .. [4] E. C. Malthouse, M. Haenlein, B. Skiera, E. Wege and M. Zhang,
       "Managing Customer Relationships in the Social Media Era: Introducing
       the Social CRM House", Journal of Interactive Marketing 27(4), 2013.
    """
    s = settings
    trust = facts.trust_sum / (facts.trust_weight + s.trust_prior)
    interactions = facts.interactions_out + facts.interactions_in + facts.brand_posts
    frequency = 1.0 - math.exp(-interactions / s.frequency_scale)
    contacts = [t for t in (facts.last_out, facts.last_in, facts.last_brand_post) if t]
    last_contact = max(contacts) if contacts else None
    recency = (
        decay(as_of - last_contact, s.half_life_ms(s.relationship_half_life_days))
        if last_contact is not None
        else 0.0
    )
    high = max(facts.interactions_out, facts.interactions_in)
    reciprocity = min(facts.interactions_out, facts.interactions_in) / high if high else 0.0
    community = 1.0 if facts.communities > 0 else 0.0
    relationship = (
        s.weight_frequency * frequency
        + s.weight_recency * recency
        + s.weight_reciprocity * reciprocity
        + s.weight_community * community
    )
    audience = facts.followers + facts.engagers
    reach = math.log10(1 + audience)
    contribution = (
        math.log10(1 + facts.brand_posts)
        + math.log10(1 + facts.engagement_drawn)
        + math.log10(1 + max(facts.order_value, 0.0))
    )
    stage = advocacy_stage(
        trust=trust,
        orders=facts.orders,
        endorsements=facts.endorsements,
        engagement_drawn=facts.engagement_drawn,
        audience=audience,
        settings=s,
    )
    return CustomerCapital(
        customer=facts.customer,
        brand=brand,
        as_of=as_of,
        stage=stage,
        trust=trust,
        relationship=relationship,
        activity=facts.activity,
        contribution=contribution,
        love=facts.love,
        reach=reach,
        gravity=facts.love * reach,
        breakdown=CapitalBreakdown(
            # Counts pass through as read; the derived parts are named here.
            **{name: getattr(facts, name) for name in _FACTS_SHOWN},
            last_contact=last_contact,
            frequency=frequency,
            recency=recency,
            reciprocity=reciprocity,
            community=community,
            audience=audience,
        ),
    )


_FACTS_SHOWN = tuple(
    name for name in CapitalBreakdown.model_fields if name in CapitalFacts.__dataclass_fields__
)


def advocacy_stage(
    *,
    trust: float,
    orders: int,
    endorsements: int,
    engagement_drawn: int,
    audience: int,
    settings: CapitalSettings,
) -> Stage:
    """The highest rung of the ladder whose condition holds (see ``docs/social-capital.md``).

    advocate: speaks well of the brand (trust ≥ 0.2) and is heard (its posts
    about the brand drew ≥ 10 engagements, or its audience is ≥ 1000);
    supporter: speaks well of the brand, or endorses its content (≥ 3 shares,
    quotes or likes in the window) without speaking ill of it; repeat customer:
    ≥ 2 orders; customer: ≥ 1 order; prospect: none of these.
    """
    s = settings
    speaks_well = trust >= s.supporter_trust
    heard = engagement_drawn >= s.advocate_engagement_drawn or audience >= s.advocate_audience
    if speaks_well and heard:
        return "advocate"
    if speaks_well or (trust >= 0.0 and endorsements >= s.supporter_endorsements):
        return "supporter"
    if orders >= 2:
        return "repeat_customer"
    if orders >= 1:
        return "customer"
    return "prospect"

"""``truth.json``: what the demo generator planted, in the graph's id scheme.

Analyses are checked against it: communities (NMI), advocates and detractors
(top-k), identity groups (identity resolution), and counts per channel and file
(loading).  The schema is these pydantic models; ``Truth.model_json_schema()``
gives it as JSON Schema.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Truth",
    "TruthCommunity",
    "TruthGroup",
    "TruthIdentity",
    "TruthVoice",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TruthCommunity(_Model):
    """A planted community: accounts of one channel that mostly engage with each other."""

    id: str = Field(description='"<platform>-NN", e.g. "twitter-03"')
    platform: str
    name: str
    brand: str = Field(description="the brand the community mostly talks about")
    lang: Literal["en", "zh"]
    hashtags: list[str] = Field(description="the community's theme hashtags, normalised")
    channel: str | None = Field(
        None, description="native channel id when the community is one (subreddit, Slack channel)"
    )
    community: str | None = Field(
        None, description="the graph's Community id for that channel (reddit:t5_…, slack:C…)"
    )
    accounts: list[str]
    advocates: list[str]
    detractors: list[str]
    influencers: list[str] = Field(description="high-reach accounts with neutral brand talk")


class TruthVoice(_Model):
    """A planted advocate or detractor of a brand."""

    account: str
    platform: str
    brand: str
    community: str
    followers: int


class TruthIdentity(_Model):
    """One person's accounts and orders that identity resolution should (or may) join."""

    person: str
    name: str
    match: Literal["strong", "suggested"] = Field(
        description="strong: shared unionid / phone / e-mail; suggested: similar handles only"
    )
    keys: list[Literal["unionid", "phone", "email", "handle"]]
    accounts: list[str]
    shop_customer: str | None = None
    orders: list[str] = Field(default_factory=list)


class TruthGroup(_Model):
    """A WeChat Work customer group chat and its external members."""

    id: str = Field(description="the graph's Community id, wechat-group:<chat_id>")
    chat_id: str
    name: str
    brand: str
    owner: str
    members: list[str]


class Truth(_Model):
    """Everything planted in one generated data set."""

    format: Literal["scrm-demo-truth/1"] = "scrm-demo-truth/1"
    size: str
    scale: float
    seed: int
    reference_time: str = Field(description="end of the data set's year, ISO 8601 UTC")
    reference_time_ms: int
    start_time_ms: int
    brands: list[dict[str, object]]
    communities: list[TruthCommunity]
    advocates: list[TruthVoice]
    detractors: list[TruthVoice]
    identities: list[TruthIdentity]
    wechat_groups: list[TruthGroup]
    accounts: dict[str, list[str]] = Field(description="every account id, by platform")
    counts: dict[str, dict[str, int]] = Field(
        description="per connector: accounts, posts, replies, shares, quotes, likes, mentions, "
        "...; 'total' sums the interactions"
    )
    files: dict[str, dict[str, int]] = Field(description="per written file: what it holds")

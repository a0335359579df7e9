"""WeChat Official Account (公众号) follower API responses as canonical records, for the
wechat-work connector: ``user/get`` and ``user/tag/get`` (``data.openid[]``),
``user/info`` (one profile) and ``user/info/batchget`` (``user_info_list[]``).

A follower is an Account ``wechat-mp:<openid>`` (platform ``wechat-mp``): ``nickname``
as name, ``language`` as lang, city/province/country as location; ``subscribe``
(``subscribed``), ``subscribe_time`` (``subscribed_at``, epoch ms), ``sex``,
``subscribe_scene`` and ``tagid_list`` (``tag_ids``, comma-separated) as properties;
``unionid`` as a unionid key, which joins the follower to the same person's WeChat
Work contact and group memberships.  The responses do not name the Official Account
itself, so no FOLLOWS edge to it is made.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Annotated, Any, Literal

from pydantic import Field

from graph.model import Account, AccountLink, Record
from loaders.base import ParseItem, Reject, Source
from loaders.native import EpochSeconds, NativeId, NativeModel, build_records, validate
from loaders.social import ShortText

__all__ = ["MP_BODIES", "mp_records"]

PLATFORM = "wechat-mp"
# Top-level keys that mark an Official Account response (user/info has "openid",
# batchget "user_info_list", user/get and user/tag/get "data": {"openid": [...]}).
MP_BODIES = ("openid", "user_info_list", "data")


class MpFollower(NativeModel):
    openid: NativeId
    subscribe: Literal[0, 1] | None = None
    nickname: ShortText | None = None
    sex: Literal[0, 1, 2] | None = None
    language: ShortText | None = None
    city: ShortText | None = None
    province: ShortText | None = None
    country: ShortText | None = None
    subscribe_time: EpochSeconds | None = None
    unionid: NativeId | None = None
    tagid_list: list[Annotated[int, Field(ge=0)]] = Field(default_factory=list)
    subscribe_scene: ShortText | None = None


def mp_records(
    body: dict[str, Any], prefix: str, source: Source, accounts: set[str]
) -> Iterator[ParseItem]:
    """Records of one Official Account response; ``accounts`` holds the account ids the
    file has produced already (updated)."""
    if "user_info_list" in body:
        profiles = body["user_info_list"]
        where = f"{prefix}.user_info_list"
        if not isinstance(profiles, list):
            yield Reject(source.name, where, "user_info_list: expected a list", profiles)
            return
        for index, raw in enumerate(profiles):
            yield from _profile(raw, f"{where}[{index}]", source, accounts)
    elif "openid" in body:
        yield from _profile(body, prefix, source, accounts)
    else:
        data = body["data"]
        openids = data.get("openid", []) if isinstance(data, dict) else None
        where = f"{prefix}.data.openid"
        if not isinstance(openids, list):
            yield Reject(source.name, where, "data.openid: expected a list of openids", data)
            return
        for index, openid in enumerate(openids):
            if not isinstance(openid, str) or not openid.strip():
                reason = "openid: expected a non-empty string"
                yield Reject(source.name, f"{where}[{index}]", reason, openid)
                continue
            account_id = f"{PLATFORM}:{openid.strip()}"
            if account_id in accounts:
                continue
            build = partial(_bare, account_id)
            items = build_records(source, f"{where}[{index}]", openid, build)
            if not any(isinstance(item, Reject) for item in items):
                accounts.add(account_id)
            yield from items


def _bare(account_id: str) -> Iterator[Record]:
    yield Account(id=account_id, platform=PLATFORM)


def _profile(raw: Any, where: str, source: Source, accounts: set[str]) -> Iterator[ParseItem]:
    follower = validate(MpFollower, raw, source, where)
    if isinstance(follower, Reject):
        yield follower
        return
    account_id = f"{PLATFORM}:{follower.openid}"
    items = build_records(source, where, raw, partial(_follower_records, follower))
    if not any(isinstance(item, Reject) for item in items):
        accounts.add(account_id)
    yield from items


def _follower_records(follower: MpFollower) -> Iterator[Record]:
    account_id = f"{PLATFORM}:{follower.openid}"
    properties: dict[str, str | int | float | bool] = {}
    if follower.subscribe is not None:
        properties["subscribed"] = follower.subscribe == 1
    if follower.subscribe_time is not None:
        properties["subscribed_at"] = follower.subscribe_time * 1000
    if follower.sex is not None:
        properties["sex"] = follower.sex
    if follower.subscribe_scene:
        properties["subscribe_scene"] = follower.subscribe_scene
    if follower.tagid_list:
        properties["tag_ids"] = ",".join(str(t) for t in follower.tagid_list)
    places = [p for p in (follower.city, follower.province, follower.country) if p]
    yield Account(
        id=account_id,
        platform=PLATFORM,
        name=follower.nickname or None,
        lang=follower.language or None,
        location=", ".join(places) or None,
        properties=properties,
    )
    if follower.unionid:
        yield AccountLink(account=account_id, key_type="unionid", key=follower.unionid)

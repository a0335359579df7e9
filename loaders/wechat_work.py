"""WeChat Work (企业微信) external-contact and customer-group API responses, and WeChat
Official Account follower lists, as canonical records.

Reads the JSON bodies as the APIs return them, one per file (or one per line):

- ``externalcontact/get``: ``external_contact`` + ``follow_user[]``;
  ``externalcontact/batch/get_by_user``: ``external_contact_list[]`` of
  ``external_contact`` + ``follow_info``; ``externalcontact/list``: ``external_userid[]``.
- ``externalcontact/groupchat/get``: ``group_chat`` with ``member_list[]`` and
  ``admin_list[]``.
- Official Account (公众号): ``user/get`` and ``user/tag/get`` (``data.openid[]``),
  ``user/info`` and ``user/info/batchget`` (``user_info_list[]``): see
  :mod:`loaders.wechat_mp`.

Mapping.  An external contact is an Account ``wechat:<external_userid>`` (platform
``wechat``; ``corp_name``, ``position``, ``gender`` and ``type`` as properties) and,
being the company's customer record, a Customer ``wechat-work:customer:<external_userid>``
linked to it (IdentityLink, method ``source``) that carries the contact's tags (the
``tag_name`` of each follow_user's tags; ``batch/get_by_user`` gives only ``tag_id``,
which are kept as they are) and, as ``first_seen``, the earliest ``createtime``.
Each staff member in ``follow_user`` (``userid``) is an Account ``wechat-work:<userid>``
(platform ``wechat-work``).  A WeCom contact is a two-way friendship, as in WeChat, so
the staff member and the contact FOLLOW each other, both ``at`` the ``createtime``
(``oper_userid``/``add_way`` say who added whom; the graph keeps the friendship, not
the direction of the request).  ``remark_mobiles`` (numbers the staff member noted)
become phone keys and ``unionid`` a unionid key of the contact's account; the identity
step turns them into one Customer across WeCom, groups, the Official Account and shops.

A customer group chat is a Community ``wechat-group:<chat_id>`` (kind ``wechat_group``,
platform ``wechat-work``, ``notice`` as description); each member a Membership with
``role`` ``owner`` (``owner``), ``admin`` (in ``admin_list``) or ``member`` and
``since`` its ``join_time``: employees (``type`` 1) as ``wechat-work:<userid>``,
external contacts (``type`` 2) as ``wechat:<userid>`` with their ``unionid`` as a key.
Who invited a member (``invitor``) is not kept: the graph has no relationship for it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, StringConstraints

from graph.model import (
    Account,
    AccountLink,
    Community,
    CommunityBrand,
    Customer,
    Follow,
    IdentityLink,
    Membership,
    Record,
)
from loaders.base import ConnectorSpec, LoadOptions, ParseItem, Reject, Source
from loaders.native import (
    EpochSeconds,
    NativeId,
    NativeModel,
    build_records,
    json_documents,
    validate,
)
from loaders.social import ShortText, Text
from loaders.wechat_mp import MP_BODIES, mp_records

__all__ = ["CONNECTOR", "parse"]

CONTACT = "wechat"  # the platform of external contacts (WeChat users seen from WeCom)
STAFF = "wechat-work"
GROUP = "wechat-group"
CONTACT_TYPES = {1: "wechat", 2: "wework"}  # external_contact.type: WeChat or WeCom user


def _number_text(value: Any) -> Any:
    """Some API versions give ``remark_mobiles`` as numbers."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


Mobile = Annotated[
    str,
    BeforeValidator(_number_text),
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
]


# --- native records ----------------------------------------------------------


class WeComTag(NativeModel):
    group_name: ShortText | None = None
    tag_name: ShortText | None = None
    type: int | None = None
    tag_id: ShortText | None = None


class _FollowFields(NativeModel):
    remark: ShortText | None = None
    description: Text | None = None
    createtime: EpochSeconds | None = None
    tags: list[WeComTag] = Field(default_factory=list)
    tag_id: list[ShortText] = Field(default_factory=list)
    remark_mobiles: list[Mobile] = Field(default_factory=list)
    add_way: int | None = None
    oper_userid: ShortText | None = None


class WeComFollowUser(_FollowFields):
    """A staff member who has the contact (``externalcontact/get``'s ``follow_user[]``)."""

    userid: NativeId


class WeComFollowInfo(_FollowFields):
    """``batch/get_by_user``'s ``follow_info``; older responses do not name the staff member."""

    userid: NativeId | None = None


class WeComExternalContact(NativeModel):
    external_userid: NativeId
    name: ShortText | None = None
    type: Literal[1, 2] | None = None
    gender: Literal[0, 1, 2] | None = None
    unionid: NativeId | None = None
    position: ShortText | None = None
    corp_name: ShortText | None = None
    corp_full_name: ShortText | None = None


class WeComBatchItem(NativeModel):
    external_contact: WeComExternalContact
    follow_info: WeComFollowInfo | None = None


class WeComInvitor(NativeModel):
    userid: NativeId | None = None


class WeComMember(NativeModel):
    userid: NativeId
    type: Literal[1, 2]
    unionid: NativeId | None = None
    join_time: EpochSeconds | None = None
    join_scene: int | None = None
    invitor: WeComInvitor | None = None
    name: ShortText | None = None
    group_nickname: ShortText | None = None


class WeComAdmin(NativeModel):
    userid: NativeId


class WeComGroupChat(NativeModel):
    chat_id: NativeId
    name: ShortText | None = None
    owner: NativeId | None = None
    create_time: EpochSeconds | None = None
    notice: Text | None = None
    member_list: list[Any] = Field(default_factory=list)
    admin_list: list[WeComAdmin] = Field(default_factory=list)


# --- parsing -----------------------------------------------------------------


@dataclass
class _Seen:
    """What one file has already produced, so repeats are neither re-emitted nor lost."""

    source: Source
    options: LoadOptions
    accounts: set[str] = field(default_factory=set)
    contacts: dict[str, str] = field(default_factory=dict)  # external_userid -> location

    def account(self, account: Account) -> Iterator[Record]:
        if account.id not in self.accounts:
            self.accounts.add(account.id)
            yield account


BODIES = ("external_contact", "external_contact_list", "group_chat", "external_userid")


def parse(source: Source, *, options: LoadOptions) -> Iterator[ParseItem]:
    """Canonical records of one file of WeChat Work / Official Account responses."""
    seen = _Seen(source, options)
    for found in json_documents(source):
        if isinstance(found, Reject):
            yield found
            continue
        location, body = found
        prefix = "$" if location == "document" else location
        if not isinstance(body, dict):
            yield Reject(source.name, prefix, "expected a JSON object (an API response)", body)
        elif body.get("errcode") not in (None, 0):
            reason = f"an API error response: errcode {body.get('errcode')} {body.get('errmsg')}"
            yield Reject(source.name, prefix, reason, body)
        elif "external_contact" in body:
            yield from _contact_detail(body, prefix, seen)
        elif "external_contact_list" in body:
            yield from _batch(body, prefix, seen)
        elif "group_chat" in body:
            yield from _group_chat(body["group_chat"], f"{prefix}.group_chat", seen)
        elif "external_userid" in body:
            yield from _contact_ids(body["external_userid"], f"{prefix}.external_userid", seen)
        elif any(key in body for key in MP_BODIES):
            yield from mp_records(body, prefix, source, seen.accounts)
        else:
            keys = ", ".join([*BODIES, *MP_BODIES])
            reason = f"not a WeChat Work or Official Account response (none of {keys})"
            yield Reject(source.name, prefix, reason, body)


def _contact_detail(body: dict[str, Any], prefix: str, seen: _Seen) -> Iterator[ParseItem]:
    """``externalcontact/get``: one contact and the staff members who have it."""
    where = f"{prefix}.external_contact"
    contact = validate(WeComExternalContact, body["external_contact"], seen.source, where)
    if isinstance(contact, Reject):
        yield contact
        return
    repeat = _repeat(contact, where, body["external_contact"], seen)
    if repeat is not None:
        yield repeat
        return
    follows: list[WeComFollowUser] = []
    raw_follows = body.get("follow_user") or []
    if not isinstance(raw_follows, list):
        yield Reject(
            seen.source.name, f"{prefix}.follow_user", "follow_user: expected a list", raw_follows
        )
        raw_follows = []
    for index, raw in enumerate(raw_follows):
        follow = validate(WeComFollowUser, raw, seen.source, f"{prefix}.follow_user[{index}]")
        if isinstance(follow, Reject):
            yield follow
        else:
            follows.append(follow)
    build = partial(_contact_records, contact, follows, seen)
    yield from build_records(seen.source, where, body["external_contact"], build)


def _batch(body: dict[str, Any], prefix: str, seen: _Seen) -> Iterator[ParseItem]:
    """``externalcontact/batch/get_by_user``: contacts, each with one staff member's view."""
    items = body["external_contact_list"]
    if not isinstance(items, list):
        where = f"{prefix}.external_contact_list"
        yield Reject(seen.source.name, where, "external_contact_list: expected a list", items)
        return
    for index, raw in enumerate(items):
        where = f"{prefix}.external_contact_list[{index}]"
        item = validate(WeComBatchItem, raw, seen.source, where)
        if isinstance(item, Reject):
            yield item
            continue
        repeat = _repeat(item.external_contact, where, raw, seen)
        if repeat is not None:
            yield repeat
            continue
        follows = [item.follow_info] if item.follow_info is not None else []
        build = partial(_contact_records, item.external_contact, follows, seen)
        yield from build_records(seen.source, where, raw, build)


def _repeat(contact: WeComExternalContact, where: str, raw: Any, seen: _Seen) -> Reject | None:
    """A Reject when the file already gave this contact (naming where), else None."""
    first = seen.contacts.setdefault(contact.external_userid, where)
    if first == where:
        return None
    reason = f"external_userid: duplicate contact {contact.external_userid} (first at {first})"
    return Reject(seen.source.name, where, reason, raw)


def _contact_records(
    contact: WeComExternalContact,
    follows: Sequence[WeComFollowUser | WeComFollowInfo],
    seen: _Seen,
) -> Iterator[Record]:
    account_id = f"{CONTACT}:{contact.external_userid}"
    customer_id = f"{STAFF}:customer:{contact.external_userid}"
    properties: dict[str, str | int | float | bool] = {}
    for name in ("corp_name", "corp_full_name", "position", "gender"):
        value = getattr(contact, name)
        if value is not None and value != "":
            properties[name] = value
    if contact.type is not None:
        properties["contact_type"] = CONTACT_TYPES[contact.type]
    tags: list[str] = []
    for follow in follows:
        tags += [t.tag_name for t in follow.tags if t.tag_name]
        tags += follow.tag_id
    times = [f.createtime for f in follows if f.createtime is not None]
    first_seen = min(times) * 1000 if times else None
    yield Account(id=account_id, platform=CONTACT, name=contact.name, properties=properties)
    seen.accounts.add(account_id)
    yield Customer(
        id=customer_id, name=contact.name, tags=list(dict.fromkeys(tags)), first_seen=first_seen
    )
    yield IdentityLink(
        customer=customer_id,
        account=account_id,
        method="source",
        evidence="WeChat Work external contact",
        confidence=1.0,
    )
    if contact.unionid:
        yield AccountLink(account=account_id, key_type="unionid", key=contact.unionid)
    for follow in follows:
        for mobile in dict.fromkeys(follow.remark_mobiles):
            yield AccountLink(account=account_id, key_type="phone", key=mobile)
        if follow.userid is None:
            continue  # an older batch response: which staff member is not said
        staff_id = f"{STAFF}:{follow.userid}"
        yield from seen.account(Account(id=staff_id, platform=STAFF, handle=follow.userid))
        at = follow.createtime * 1000 if follow.createtime is not None else None
        yield Follow(source=account_id, target=staff_id, at=at)
        yield Follow(source=staff_id, target=account_id, at=at)


def _contact_ids(ids: Any, where: str, seen: _Seen) -> Iterator[ParseItem]:
    """``externalcontact/list``: only the ids of one staff member's contacts."""
    if not isinstance(ids, list):
        yield Reject(seen.source.name, where, "external_userid: expected a list", ids)
        return
    for index, value in enumerate(ids):
        if not isinstance(value, str) or not value.strip():
            reason = "external_userid: expected a non-empty string"
            yield Reject(seen.source.name, f"{where}[{index}]", reason, value)
            continue
        build = partial(seen.account, Account(id=f"{CONTACT}:{value.strip()}", platform=CONTACT))
        yield from build_records(seen.source, f"{where}[{index}]", value, build)


def _group_chat(raw_chat: Any, where: str, seen: _Seen) -> Iterator[ParseItem]:
    """``externalcontact/groupchat/get``: a customer group and its members."""
    chat = validate(WeComGroupChat, raw_chat, seen.source, where)
    if isinstance(chat, Reject):
        yield chat
        return
    community_id = f"{GROUP}:{chat.chat_id}"
    build = partial(_group_records, chat, seen.options)
    header = {k: v for k, v in raw_chat.items() if k != "member_list"}
    group = build_records(seen.source, where, header, build)
    yield from group
    if any(isinstance(item, Reject) for item in group):
        return
    admins = {a.userid for a in chat.admin_list}
    members: dict[str, str] = {}  # userid -> location
    for index, raw in enumerate(chat.member_list):
        location = f"{where}.member_list[{index}]"
        member = validate(WeComMember, raw, seen.source, location)
        if isinstance(member, Reject):
            yield member
            continue
        if member.userid in members:
            reason = f"userid: duplicate member {member.userid} (first at {members[member.userid]})"
            yield Reject(seen.source.name, location, reason, raw)
            continue
        members[member.userid] = location
        role = (
            "owner"
            if member.userid == chat.owner
            else "admin"
            if member.userid in admins
            else "member"
        )
        build = partial(_member_records, member, community_id, role, seen)
        yield from build_records(seen.source, location, raw, build)
    if chat.owner is not None and chat.owner not in members:
        # The owner is always an employee and always in the group, listed or not.
        owner = Account(id=f"{STAFF}:{chat.owner}", platform=STAFF, handle=chat.owner)
        yield from seen.account(owner)
        yield Membership(account=owner.id, community=community_id, role="owner")


def _group_records(chat: WeComGroupChat, options: LoadOptions) -> Iterator[Record]:
    community_id = f"{GROUP}:{chat.chat_id}"
    yield Community(
        id=community_id,
        platform=STAFF,
        name=chat.name or None,
        community_kind="wechat_group",
        description=chat.notice or None,
        created_at=chat.create_time * 1000 if chat.create_time is not None else None,
    )
    if options.brand:
        yield CommunityBrand(community=community_id, brand=options.brand)


def _member_records(
    member: WeComMember, community_id: str, role: str, seen: _Seen
) -> Iterator[Record]:
    if member.type == 1:
        account = Account(
            id=f"{STAFF}:{member.userid}", platform=STAFF, handle=member.userid, name=member.name
        )
    else:
        account = Account(
            id=f"{CONTACT}:{member.userid}",
            platform=CONTACT,
            name=member.name or member.group_nickname,
        )
    since = member.join_time * 1000 if member.join_time is not None else None
    yield from seen.account(account)
    yield Membership(account=account.id, community=community_id, role=role, since=since)
    if member.type == 2 and member.unionid:
        yield AccountLink(account=account.id, key_type="unionid", key=member.unionid)


CONNECTOR = ConnectorSpec(
    name="wechat-work",
    summary="WeChat Work external contacts (externalcontact/get, batch/get_by_user), "
    "customer groups (groupchat/get), Official Account followers (user/get, user/info)",
    parse=parse,
    patterns=("*.json", "*.jsonl"),
)

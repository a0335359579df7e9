"""Slack workspace exports (users.json, channels.json, one file per channel per day) as
canonical records.

Mapping: a user is an Account ``slack:<user id>`` (e-mail and phone from the profile
become identity keys); a channel of ``channels.json`` / ``groups.json`` a Community
(kind ``channel``), a group DM of ``mpims.json`` one of kind ``group``, with a
Membership for each listed member (role ``owner`` for the creator; ``since`` from the
member's ``channel_join`` message).  A message is a Post ``slack:<channel id>:<ts>``
by its user (a bot message by ``slack:<bot id>``); a thread reply
(``thread_ts`` ≠ ``ts``) REPLY_TO the thread's parent and its author REPLIED to it;
each user listed under a reaction LIKED the post; ``<@U…>`` in the text MENTIONS that
user.  Slack writes the author into texts it generates ("<@U1> uploaded a file"), so
a post's own author is not taken as mentioned.  Join, leave, topic and other system
messages are events, not posts; only ``channel_join`` is used (for ``since``).
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from graph.model import (
    Account,
    AccountLink,
    Community,
    CommunityBrand,
    Engagement,
    Membership,
    Mention,
    Post,
    PostLink,
    Record,
)
from loaders.base import ConnectorSpec, LoadOptions, ParseItem, Reject, Source
from loaders.native import (
    EpochSeconds,
    NativeId,
    NativeModel,
    build_records,
    json_documents,
    ms_from_seconds,
    validated,
)
from loaders.social import ShortText, Text

__all__ = ["CONNECTOR", "parse"]

PLATFORM = "slack"
# Slack's message timestamp: Unix seconds with a per-channel sequence, as a string.
SlackTs = Annotated[str, StringConstraints(pattern=r"^\d{1,11}(\.\d{1,6})?$")]
# channels.json writes "created" as a number or as a string of digits.
SlackSeconds = EpochSeconds | Annotated[str, StringConstraints(pattern=r"^\d{1,11}$")]

# Subtypes that carry content someone wrote; the others are channel events.
CONTENT_SUBTYPES = frozenset(
    {
        "bot_message",
        "file_share",
        "file_comment",
        "file_mention",
        "me_message",
        "thread_broadcast",
        "reply_broadcast",
    }
)
JOIN_SUBTYPES = frozenset({"channel_join", "group_join"})
MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
# Channel lists in an export, and the Community kind of each.
CHANNEL_LISTS = {
    "channels.json": "channel",
    "groups.json": "channel",
    "mpims.json": "group",
    "dms.json": None,
}


# --- native records ----------------------------------------------------------


class SlackProfile(NativeModel):
    real_name: ShortText | None = None
    display_name: ShortText | None = None
    title: ShortText | None = None
    email: ShortText | None = None
    phone: ShortText | None = None


class SlackUser(NativeModel):
    id: NativeId
    name: ShortText | None = None
    real_name: ShortText | None = None
    deleted: bool = False
    is_bot: bool = False
    profile: SlackProfile = Field(default_factory=SlackProfile)


class SlackText(NativeModel):
    value: Text = ""


class SlackChannel(NativeModel):
    id: NativeId
    name: ShortText | None = None
    created: SlackSeconds | None = None
    creator: str | None = None
    members: list[NativeId] = Field(default_factory=list)
    purpose: SlackText | None = None


class SlackReaction(NativeModel):
    name: str
    users: list[NativeId] = Field(default_factory=list)
    count: Annotated[int, Field(ge=0)] | None = None


class SlackAttachment(NativeModel):
    fallback: Text | None = None
    text: Text | None = None


class SlackComment(NativeModel):
    user: NativeId | None = None


class SlackBotProfile(NativeModel):
    name: ShortText | None = None


class SlackMessage(NativeModel):
    type: str = "message"
    subtype: str | None = None
    ts: SlackTs
    user: NativeId | None = None
    bot_id: NativeId | None = None
    username: ShortText | None = None
    bot_profile: SlackBotProfile | None = None
    comment: SlackComment | None = None
    text: Text = ""
    thread_ts: SlackTs | None = None
    reply_count: Annotated[int, Field(ge=0)] | None = None
    reactions: list[SlackReaction] = Field(default_factory=list)
    attachments: list[SlackAttachment] = Field(default_factory=list)


# --- the export as a set of files --------------------------------------------


@dataclass
class _Export:
    """The JSON files of an export folder or zip, by path relative to its root."""

    name: str
    files: dict[str, Source] = field(default_factory=dict)

    @classmethod
    def open(cls, source: Source) -> _Export | Reject:
        if source.path is not None and source.path.is_dir():
            export = cls(source.name)
            # The root's lists and one folder level of day files (os.scandir: a big
            # export has tens of thousands of files, and pathlib globbing is slow).
            found: dict[str, str] = {}
            with os.scandir(source.path) as top:
                for entry in top:
                    if entry.is_file() and entry.name.endswith(".json"):
                        found[entry.name] = entry.path
                    elif entry.is_dir():
                        with os.scandir(entry.path) as days:
                            for day in days:
                                if day.is_file() and day.name.endswith(".json"):
                                    found[f"{entry.name}/{day.name}"] = day.path
            for rel in sorted(found):
                export.files[rel] = Source.from_path(Path(found[rel]))
            return export
        try:
            data = source.read_bytes()
            archive = zipfile.ZipFile(io.BytesIO(data))
        except (OSError, zipfile.BadZipFile):
            return Reject(
                source.name,
                "file",
                "a Slack export is a folder or a .zip holding users.json and channels.json",
                None,
            )
        names = [n for n in archive.namelist() if n.endswith(".json")]
        # Some archives wrap the export in one top-level folder.
        roots = sorted(
            {str(PurePosixPath(n).parent) for n in names if PurePosixPath(n).name in CHANNEL_LISTS}
        )
        prefix = "" if not roots or roots[0] == "." else roots[0] + "/"
        export = cls(source.name)
        for member in sorted(names):
            rel = member.removeprefix(prefix)
            if member.startswith(prefix) and rel.count("/") <= 1:
                export.files[rel] = Source.from_bytes(
                    archive.read(member), name=f"{source.name}:{member}"
                )
        return export


# --- parsing -----------------------------------------------------------------


@dataclass
class _State:
    source: Source
    options: LoadOptions
    accounts: set[str] = field(default_factory=set)
    # (community id, account id) -> since; insertion order is emission order.
    members: dict[tuple[str, str], int | None] = field(default_factory=dict)
    owners: set[tuple[str, str]] = field(default_factory=set)
    folders: dict[str, str] = field(default_factory=dict)  # folder name -> channel id
    communities: set[str] = field(default_factory=set)
    posts: set[str] = field(default_factory=set)

    def account(self, native_id: str) -> Iterator[Record]:
        """A bare Account for someone the export names but does not describe."""
        account_id = f"{PLATFORM}:{native_id}"
        if account_id not in self.accounts:
            self.accounts.add(account_id)
            yield Account(id=account_id, platform=PLATFORM)


def parse(source: Source, *, options: LoadOptions) -> Iterator[ParseItem]:
    """Canonical records of one Slack export (a folder or a zip) and Rejects."""
    export = _Export.open(source)
    if isinstance(export, Reject):
        yield export
        return
    if "users.json" not in export.files and "channels.json" not in export.files:
        yield Reject(
            source.name, "file", "no users.json or channels.json: not a Slack export", None
        )
        return
    state = _State(source, options)
    if "users.json" in export.files:
        yield from _users(export.files["users.json"], state)
    for list_name, kind in CHANNEL_LISTS.items():
        if list_name in export.files:
            yield from _channels(export.files[list_name], kind, state)
    for rel, file in export.files.items():
        folder, _, _day = rel.rpartition("/")
        if folder:
            yield from _messages(file, folder, state)
    for (community_id, account_id), since in state.members.items():
        role = "owner" if (community_id, account_id) in state.owners else "member"
        yield Membership(account=account_id, community=community_id, role=role, since=since)


def _records_of(file: Source) -> Iterator[tuple[str, Any] | Reject]:
    """``($[i], item)`` for each item of a file holding one JSON array."""
    for found in json_documents(file):
        if isinstance(found, Reject):
            yield found
            continue
        location, document = found
        if not isinstance(document, list):
            yield Reject(file.name, location, "expected a JSON array of records", document)
            continue
        for index, item in enumerate(document):
            yield f"$[{index}]", item


def _users(file: Source, state: _State) -> Iterator[ParseItem]:
    seen: dict[str, str] = {}
    for found in validated(_records_of(file), SlackUser, file):
        if isinstance(found, Reject):
            yield found
            continue
        location, raw, user = found
        if user.id in seen:
            reason = f"id: duplicate user {user.id} (first at {seen[user.id]})"
            yield Reject(file.name, location, reason, raw)
        else:
            seen[user.id] = location
            items = build_records(file, location, raw, partial(_user_records, user))
            if not any(isinstance(item, Reject) for item in items):
                state.accounts.add(f"{PLATFORM}:{user.id}")
            yield from items


def _user_records(user: SlackUser) -> Iterator[Record]:
    account_id = f"{PLATFORM}:{user.id}"
    profile = user.profile
    yield Account(
        id=account_id,
        platform=PLATFORM,
        handle=user.name or None,
        name=profile.real_name or user.real_name or profile.display_name or None,
        description=profile.title or None,
    )
    if profile.email and profile.email.strip():
        yield AccountLink(account=account_id, key_type="email", key=profile.email.strip())
    if profile.phone and profile.phone.strip():
        yield AccountLink(account=account_id, key_type="phone", key=profile.phone.strip())


def _channels(file: Source, kind: str | None, state: _State) -> Iterator[ParseItem]:
    for found in validated(_records_of(file), SlackChannel, file):
        if isinstance(found, Reject):
            yield found
            continue
        location, raw, channel = found
        community_id = f"{PLATFORM}:{channel.id}"
        if community_id in state.communities:
            yield Reject(file.name, location, f"id: duplicate channel {channel.id}", raw)
            continue
        items = build_records(file, location, raw, partial(_channel_records, channel, kind, state))
        yield from items
        if any(isinstance(item, Reject) for item in items):
            continue
        state.communities.add(community_id)
        state.folders[channel.name or channel.id] = channel.id
        if kind is None:
            continue
        for member in dict.fromkeys(channel.members):
            yield from state.account(member)
            key = (community_id, f"{PLATFORM}:{member}")
            state.members[key] = None
            if member == channel.creator:
                state.owners.add(key)


def _channel_records(channel: SlackChannel, kind: str | None, state: _State) -> Iterator[Record]:
    if kind is None:  # a direct message: a conversation, not a community
        return
    community_id = f"{PLATFORM}:{channel.id}"
    purpose = channel.purpose.value if channel.purpose else ""
    yield Community(
        id=community_id,
        platform=PLATFORM,
        name=channel.name,
        community_kind="channel" if kind == "channel" else "group",
        description=purpose or None,
        created_at=ms_from_seconds(channel.created) if channel.created is not None else None,
    )
    if state.options.brand:
        yield CommunityBrand(community=community_id, brand=state.options.brand)


def _messages(file: Source, folder: str, state: _State) -> Iterator[ParseItem]:
    channel_id = state.folders.get(folder)
    for found in validated(_records_of(file), SlackMessage, file):
        if isinstance(found, Reject):
            yield found
            continue
        location, raw, message = found
        if channel_id is None:
            yield Reject(
                file.name,
                location,
                f"channel: folder {folder!r} is not listed in channels.json, groups.json, "
                "mpims.json or dms.json",
                raw,
            )
            continue
        if message.subtype in JOIN_SUBTYPES:
            _joined(message, channel_id, state)
            continue
        if message.subtype is not None and message.subtype not in CONTENT_SUBTYPES:
            continue  # a channel event
        # A legacy file comment names its author only inside the comment.
        author = message.user or (message.comment.user if message.comment else None)
        author = author or message.bot_id
        if author is None:
            yield Reject(file.name, location, "user: missing (and no bot_id)", raw)
            continue
        post_id = f"{PLATFORM}:{channel_id}:{message.ts}"
        if post_id in state.posts:
            reason = f"ts: duplicate message {message.ts} in {folder}"
            yield Reject(file.name, location, reason, raw)
            continue
        build = partial(_post_records, message, author, channel_id, state)
        items = build_records(file, location, raw, build)
        if not any(isinstance(item, Reject) for item in items):
            state.posts.add(post_id)
        yield from items


def _joined(message: SlackMessage, channel_id: str, state: _State) -> None:
    if message.user is None:
        return
    key = (f"{PLATFORM}:{channel_id}", f"{PLATFORM}:{message.user}")
    if key in state.members:
        at = ms_from_seconds(message.ts)
        since = state.members[key]
        state.members[key] = at if since is None else min(since, at)


def _post_records(
    message: SlackMessage, author: str, channel_id: str, state: _State
) -> Iterator[Record]:
    post_id = f"{PLATFORM}:{channel_id}:{message.ts}"
    author_id = f"{PLATFORM}:{author}"
    at = ms_from_seconds(message.ts)
    text = message.text or "\n".join(
        a.fallback or a.text or "" for a in message.attachments if a.fallback or a.text
    )
    likers = list(dict.fromkeys(u for r in message.reactions for u in r.users))
    likes = sum(r.count if r.count is not None else len(r.users) for r in message.reactions)
    post = Post(
        id=post_id,
        platform=PLATFORM,
        text=text,
        created_at=at,
        author=author_id,
        likes=likes if message.reactions else None,
        replies=message.reply_count,
    )
    # Validate everything before announcing accounts, so a refused post adds nothing.
    mentioned = [m for m in dict.fromkeys(MENTION.findall(message.text)) if m != author]
    parent = message.thread_ts if message.thread_ts not in (None, message.ts) else None
    if author_id not in state.accounts:
        name = message.username or (message.bot_profile.name if message.bot_profile else None)
        state.accounts.add(author_id)
        yield Account(id=author_id, platform=PLATFORM, name=name)
    yield post
    if parent is not None:
        parent_id = f"{PLATFORM}:{channel_id}:{parent}"
        yield PostLink(type="REPLY_TO", source=post_id, target=parent_id)
        yield Engagement(type="REPLIED", account=author_id, post=parent_id, at=at)
    for user in likers:
        yield from state.account(user)
        yield Engagement(type="LIKED", account=f"{PLATFORM}:{user}", post=post_id)
    for user in mentioned:
        yield from state.account(user)
        yield Mention(post=post_id, account=f"{PLATFORM}:{user}")


CONNECTOR = ConnectorSpec(
    name="slack",
    summary="Slack workspace export (folder or .zip: users.json, channels.json, "
    "<channel>/<day>.json)",
    parse=parse,
    patterns=("*.zip",),
    directory_source=True,
)

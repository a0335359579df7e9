"""DiscordChatExporter JSON exports (one channel per file) as canonical records.

The format is what DiscordChatExporter's ``JsonMessageWriter`` writes: ``guild``,
``channel``, ``dateRange``, ``exportedAt``, ``messages[]`` (``id``, ``type``,
``timestamp``, ``content``, ``author{id, name, nickname, isBot}``,
``reactions[{emoji, count, users[]}]``, ``mentions[]``,
``reference{type, messageId, channelId, guildId}``) and ``messageCount``.

Mapping: the guild is a Community ``discord:<guild id>`` of kind ``server`` and the
channel one of kind ``channel``.  A group direct-message export (guild ``0``) gives
only the channel, of kind ``group``; a one-to-one conversation no Community at all.
Everyone who wrote or reacted in the channel is a member of its communities; a
``GuildMemberJoin`` message makes its author a member of the server since then.  A
message is a Post ``discord:<message id>`` by ``discord:<user id>``; a ``Reply``
REPLY_TO the message its ``reference`` names, whose author it REPLIED to; a forward
(``reference.type`` ``Forward``) is SHARE_OF the original, SHARED by its author; each
user listed under a reaction LIKED it; each user in ``mentions`` is MENTIONED.  Other
system messages (pins, calls, renames, thread notices) are events, not posts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Annotated, Any

from pydantic import AwareDatetime, Field, StringConstraints

from graph.model import (
    Account,
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
    NativeModel,
    build_records,
    json_documents,
    ms_from_datetime,
    validate,
    validated,
)
from loaders.social import ShortText, Text

__all__ = ["CONNECTOR", "parse"]

PLATFORM = "discord"
DIRECT_MESSAGES = "0"  # the guild id DiscordChatExporter gives direct-message channels
ONE_TO_ONE = "DirectTextChat"  # a conversation of two, not a community
Snowflake = Annotated[str, StringConstraints(pattern=r"^\d{1,20}$")]

# DiscordChatExporter's MessageKind names of system notifications (kinds 1-18).
SYSTEM_KINDS = frozenset(
    {
        "RecipientAdd",
        "RecipientRemove",
        "Call",
        "ChannelNameChange",
        "ChannelIconChange",
        "ChannelPinnedMessage",
        "ThreadCreated",
        *(str(kind) for kind in range(8, 18)),  # boosts, follows, discovery notices
    }
)
JOIN_KIND = "GuildMemberJoin"


# --- native records ----------------------------------------------------------


class DiscordUser(NativeModel):
    id: Snowflake
    name: ShortText
    nickname: ShortText | None = None
    isBot: bool = False  # the exporter's field names are camelCase


class DiscordEmoji(NativeModel):
    id: str | None = None
    name: ShortText


class DiscordReaction(NativeModel):
    emoji: DiscordEmoji
    count: Annotated[int, Field(ge=0)]
    users: list[DiscordUser] = Field(default_factory=list)  # older exports list none


class DiscordReference(NativeModel):
    type: str = "Default"
    messageId: Snowflake | None = None


class DiscordMessage(NativeModel):
    id: Snowflake
    type: str
    timestamp: AwareDatetime
    content: Text = ""
    author: DiscordUser
    reactions: list[DiscordReaction] = Field(default_factory=list)
    mentions: list[DiscordUser] = Field(default_factory=list)
    reference: DiscordReference | None = None


class DiscordGuild(NativeModel):
    id: Snowflake
    name: ShortText


class DiscordChannel(NativeModel):
    id: Snowflake
    type: str | None = None
    name: ShortText | None = None
    topic: Text | None = None


class DiscordExport(NativeModel):
    guild: DiscordGuild
    channel: DiscordChannel
    messages: list[Any]


# --- parsing -----------------------------------------------------------------


@dataclass
class _Channel:
    """One exported channel while its messages are read."""

    export: DiscordExport
    accounts: set[str] = field(default_factory=set)
    posts: dict[str, str] = field(default_factory=dict)  # post id -> location
    # (account id, community id) -> since; insertion order is emission order.
    members: dict[tuple[str, str], int | None] = field(default_factory=dict)

    @property
    def direct(self) -> bool:
        return self.export.guild.id == DIRECT_MESSAGES

    @property
    def communities(self) -> list[str]:
        channel = f"{PLATFORM}:{self.export.channel.id}"
        if self.export.channel.type == ONE_TO_ONE:
            return []
        return [channel] if self.direct else [f"{PLATFORM}:{self.export.guild.id}", channel]

    def account(self, user: DiscordUser) -> Iterator[Record]:
        account_id = f"{PLATFORM}:{user.id}"
        if account_id not in self.accounts:
            self.accounts.add(account_id)
            yield Account(
                id=account_id,
                platform=PLATFORM,
                handle=user.name,
                name=user.nickname or user.name,
                properties={"bot": user.isBot},
            )

    def member(self, account_id: str, community_id: str, since: int | None = None) -> None:
        key = (account_id, community_id)
        earlier = self.members.get(key)
        if since is None:
            self.members.setdefault(key, None)
        else:
            self.members[key] = since if earlier is None else min(earlier, since)


def parse(source: Source, *, options: LoadOptions) -> Iterator[ParseItem]:
    """Canonical records of one DiscordChatExporter JSON file, and Rejects."""
    for found in validated(json_documents(source), DiscordExport, source):
        if isinstance(found, Reject):
            yield found
            continue
        location, document, export = found
        prefix = "$" if location == "document" else location
        yield from _channel(export, source, options, document, prefix)


def _channel(
    export: DiscordExport, source: Source, options: LoadOptions, raw: Any, prefix: str
) -> Iterator[ParseItem]:
    channel = _Channel(export)
    header = {k: v for k, v in raw.items() if k != "messages"}
    yield from build_records(source, prefix, header, partial(_communities, channel, options))
    for index, message_raw in enumerate(export.messages):
        location = f"{prefix}.messages[{index}]"
        message = validate(DiscordMessage, message_raw, source, location)
        if isinstance(message, Reject):
            yield message
            continue
        post_id = f"{PLATFORM}:{message.id}"
        if post_id in channel.posts:
            reason = f"id: duplicate message {message.id} (first at {channel.posts[post_id]})"
            yield Reject(source.name, location, reason, message_raw)
            continue
        yield from build_records(
            source, location, message_raw, partial(_message_records, message, channel)
        )
        channel.posts.setdefault(post_id, location)
    for (account_id, community_id), since in channel.members.items():
        yield Membership(account=account_id, community=community_id, since=since)


def _communities(channel: _Channel, options: LoadOptions) -> Iterator[Record]:
    guild, info = channel.export.guild, channel.export.channel
    if info.type == ONE_TO_ONE:
        return
    if not channel.direct:
        yield Community(
            id=f"{PLATFORM}:{guild.id}", platform=PLATFORM, name=guild.name, community_kind="server"
        )
    yield Community(
        id=f"{PLATFORM}:{info.id}",
        platform=PLATFORM,
        name=info.name,
        community_kind="group" if channel.direct else "channel",
        description=info.topic or None,
    )
    if options.brand:
        for community_id in channel.communities:
            yield CommunityBrand(community=community_id, brand=options.brand)


def _message_records(message: DiscordMessage, channel: _Channel) -> Iterator[Record]:
    at = ms_from_datetime(message.timestamp)
    author_id = f"{PLATFORM}:{message.author.id}"
    if message.type == JOIN_KIND:
        if not channel.direct:
            yield from channel.account(message.author)
            channel.member(author_id, f"{PLATFORM}:{channel.export.guild.id}", at)
        return
    if message.type in SYSTEM_KINDS:
        return
    post_id = f"{PLATFORM}:{message.id}"
    guild_part = "@me" if channel.direct else channel.export.guild.id
    post = Post(
        id=post_id,
        platform=PLATFORM,
        text=message.content,
        created_at=at,
        author=author_id,
        likes=sum(r.count for r in message.reactions) if message.reactions else None,
        url=f"https://discord.com/channels/{guild_part}/{channel.export.channel.id}/{message.id}",
    )
    yield from channel.account(message.author)
    yield post
    for community_id in channel.communities:
        channel.member(author_id, community_id)
    reference = message.reference
    if reference is not None and reference.messageId is not None:
        target = f"{PLATFORM}:{reference.messageId}"
        if reference.type == "Forward":
            yield PostLink(type="SHARE_OF", source=post_id, target=target)
            yield Engagement(type="SHARED", account=author_id, post=target, at=at)
        elif message.type == "Reply":
            yield PostLink(type="REPLY_TO", source=post_id, target=target)
            yield Engagement(type="REPLIED", account=author_id, post=target, at=at)
    likers: dict[str, DiscordUser] = {}
    for reaction in message.reactions:
        for user in reaction.users:
            likers.setdefault(user.id, user)
    for user in likers.values():
        yield from channel.account(user)
        yield Engagement(type="LIKED", account=f"{PLATFORM}:{user.id}", post=post_id)
        for community_id in channel.communities:
            channel.member(f"{PLATFORM}:{user.id}", community_id)
    for user in {u.id: u for u in message.mentions}.values():
        yield from channel.account(user)
        yield Mention(post=post_id, account=f"{PLATFORM}:{user.id}")


CONNECTOR = ConnectorSpec(
    name="discord",
    summary="DiscordChatExporter JSON (one channel per file: guild, channel, messages)",
    parse=parse,
    patterns=("*.json",),
)

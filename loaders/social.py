"""What the social-network connectors share: bounded text, classic timestamps, hashtag
normalisation, and handing out each canonical record of a document once."""

from __future__ import annotations

import operator
import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta, timezone
from itertools import islice
from typing import Annotated, Any, ClassVar, Protocol, TypeVar, cast

from pydantic import AwareDatetime, BeforeValidator, StringConstraints, model_validator

from graph.model import Account, Hashtag, Post, Record
from loaders.base import ParseItem, Reject, Source
from loaders.native import NativeModel, build_records, ms_from_datetime

__all__ = [
    "MAX_TEXT",
    "ClassicTime",
    "ClassicUser",
    "DocumentRecords",
    "ShortText",
    "StringIdModel",
    "Text",
    "built_once",
    "classic_account",
    "hashtag_record",
    "is_capture_index",
    "ms_or_none",
    "normalise_hashtag",
    "parse_classic_time",
    "remember",
    "validated_once",
    "value_key",
]

# Well above the longest text any of these platforms allows (X long posts 25,000
# characters, Facebook posts 63,206, Reddit self posts 40,000), so a longer value is
# damage or abuse and its record is rejected rather than stored.
MAX_TEXT = 100_000
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT)]
ShortText = Annotated[str, StringConstraints(max_length=10_000)]  # names, bios, places

_CLASSIC_FORMAT = "%a %b %d %H:%M:%S %z %Y"


_MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}
# The classic form exactly as the APIs write it (two-digit day, four-digit zone).
_CLASSIC = re.compile(
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"([0-9]{2}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) ([+-][0-9]{4}) ([0-9]{4})"
)
_ZONES: dict[str, timezone] = {}


def parse_classic_time(value: Any) -> Any:
    """A ``datetime`` from the classic ``"Wed Oct 10 20:19:24 +0000 2018"`` form of
    Twitter v1.1 and Weibo; other values are left for pydantic to judge."""
    if isinstance(value, str):
        text = value.strip()
        try:
            return _classic_fast(text) or datetime.strptime(text, _CLASSIC_FORMAT)
        except ValueError:
            return value
    return value


def _classic_fast(text: str) -> datetime | None:
    """The classic form as the APIs write it, read without ``strptime`` (slow, and these
    times come by the million); None to let ``strptime`` judge anything else."""
    match = _CLASSIC.fullmatch(text)
    if match is None:
        return None
    month, day, hours, minutes, seconds, zone, year = match.groups()
    tz = _ZONES.get(zone)
    if tz is None:
        offset = timedelta(hours=int(zone[1:3]), minutes=int(zone[3:]))
        if offset >= timedelta(days=1):
            return None
        tz = _ZONES[zone] = timezone(-offset if zone[0] == "-" else offset)
    return datetime(
        int(year), _MONTHS[month], int(day), int(hours), int(minutes), int(seconds), tzinfo=tz
    )


# A time in the classic form or ISO 8601 (or Unix seconds), always with its zone.
ClassicTime = Annotated[AwareDatetime, BeforeValidator(parse_classic_time)]


class ClassicUser(Protocol):
    """The user fields Twitter v1.1 and Weibo share (Weibo's API copied Twitter's)."""

    @property
    def screen_name(self) -> str | None: ...
    @property
    def name(self) -> str | None: ...
    @property
    def followers_count(self) -> int | None: ...
    @property
    def friends_count(self) -> int | None: ...
    @property
    def verified(self) -> bool | None: ...
    @property
    def created_at(self) -> datetime | None: ...
    @property
    def description(self) -> str | None: ...
    @property
    def location(self) -> str | None: ...
    @property
    def lang(self) -> str | None: ...


def classic_account(platform: str, native_id: str, url: str, user: ClassicUser) -> Account:
    """The Account of a classic user object."""
    return Account(
        id=f"{platform}:{native_id}",
        platform=platform,
        handle=user.screen_name,
        name=user.name,
        followers=user.followers_count,
        following=user.friends_count,
        verified=user.verified,
        url=url,
        created_at=ms_or_none(user.created_at),
        description=user.description or None,
        location=user.location or None,
        lang=user.lang,
    )


def ms_or_none(value: datetime | None) -> int | None:
    """Epoch milliseconds of a native time, or ``None`` when the record has none."""
    return ms_from_datetime(value) if value is not None else None


K = TypeVar("K")
V = TypeVar("V")
N = TypeVar("N")

# The most entries of one memo of native objects (users, and the Accounts made of
# them): about 4 kB an entry, some 30 MB per parsing process.
MEMO_SIZE = 8192


def remember(cache: dict[K, V], key: K, value: V) -> None:
    """Store ``value``; a full cache first forgets its oldest quarter (dicts keep
    insertion order), which keeps the frequent users of a long load."""
    if len(cache) >= MEMO_SIZE:
        for old in list(islice(cache, MEMO_SIZE // 4)):
            del cache[old]
    cache[key] = value


def value_key(raw: dict[str, Any], fields: tuple[str, ...]) -> tuple[Any, ...]:
    """What validating ``raw`` reads of its ``fields``, as a memo key: each value (None
    when missing) and its type, so that 1, 1.0 and true, equal in Python, stay apart.
    Hashing it raises TypeError when a value is an array or object."""
    values = tuple(map(raw.get, fields))
    return values + tuple(map(type, values))


def validated_once(
    cache: dict[tuple[Any, ...], N], key: tuple[Any, ...], validate: Callable[[], N | Reject]
) -> N | Reject:
    """``validate()``, remembered under ``key`` (a :func:`value_key`) when it gives no
    Reject; a key holding an array or object cannot be hashed, and is validated each
    time (validation then says what is wrong)."""
    try:
        known = cache.get(key)
    except TypeError:
        return validate()
    if known is not None:
        return known
    result = validate()
    if not isinstance(result, Reject):
        remember(cache, key, result)
    return result


def built_once(cache: dict[int, tuple[N, V]], native: N, build: Callable[[N], V]) -> V:
    """``build(native)``, made once while ``cache`` remembers it: a native object shared
    through a memo stands for the same thing again and again.  An entry holds its
    object, so that no other object takes its id while the entry lives."""
    known = cache.get(id(native))
    if known is not None and known[0] is native:
        return known[1]
    value = build(native)
    remember(cache, id(native), (native, value))
    return value


class StringIdModel(NativeModel):
    """A native record whose id field ``ID_FIELD`` (``id_str``, ``idstr``) is a string
    that responses without it give as the number ``id``; a number becomes its digits,
    anything else is kept so that a bad id is reported against ``ID_FIELD``."""

    ID_FIELD: ClassVar[str]

    @model_validator(mode="before")
    @classmethod
    def _id_from_number(cls, value: Any) -> Any:
        key = cls.ID_FIELD
        if isinstance(value, dict) and value.get(key) is None and value.get("id") is not None:
            number = value["id"]
            if isinstance(number, int) and not isinstance(number, bool):
                number = str(number)
            return {**value, key: number}
        return value


def is_capture_index(document: Any) -> bool:
    """Whether a document is the request index of captured responses (no records)."""
    return (
        isinstance(document, list)
        and bool(document)
        and all(isinstance(item, dict) and "file" in item and "uri" in item for item in document)
    )


def normalise_hashtag(tag: str) -> str | None:
    """A hashtag as the graph keys it: NFKC, lowercase, no leading ``#``; ``None``
    when nothing is left."""
    text = unicodedata.normalize("NFKC", tag).strip().lstrip("#").strip().lower()
    return text or None


# Hashtag records by tag: a tag comes back on many posts, its record is the same.
_HASHTAGS: dict[str, Hashtag] = {}


def hashtag_record(tag: str) -> Hashtag:
    """The Hashtag of a normalised tag (see :func:`normalise_hashtag`), made once while
    remembered; a tag the graph model refuses raises, as ``Hashtag(id=tag)`` does."""
    record = _HASHTAGS.get(tag)
    if record is None:
        record = Hashtag(id=tag)
        remember(_HASHTAGS, tag, record)
    return record


class DocumentRecords:
    """The records of one document, each handed out once.

    API pages repeat objects (a tweet in ``data`` and again in ``includes``, the
    same author on every post).  Repeats are harmless to the writer but noisy, so
    they are dropped here.  A post id that comes back with a different text, time
    or author is another matter: ids are unique on every platform, so the second
    native record is rejected, naming the earlier one."""

    def __init__(self, source: Source) -> None:
        self._source = source
        self._seen: set[tuple[Any, ...]] = set()
        self._posts: dict[str, tuple[Post, str]] = {}

    def emit(self, location: str, raw: Any, mapped: Iterable[Record]) -> list[ParseItem]:
        """The records of one native record (``mapped``, best a generator, so that a value
        the graph model refuses surfaces here) not handed out before; or one Reject when
        the mapping fails or a post conflicts with an earlier one."""
        built = build_records(self._source, location, raw, lambda: mapped)
        # ``build_records`` gives either the records or one Reject.
        if not built or type(built[0]) is Reject:
            return built
        records = cast("list[Record]", built)
        posts = self._posts
        if posts:
            # Against the posts of earlier native records only: one native record may
            # give a post twice (a stub of it, then the post itself).
            for record in records:
                if type(record) is Post and record.id in posts:
                    conflict = self._conflict(record, location, raw)
                    if conflict is not None:
                        return [conflict]
        seen = self._seen
        fresh: list[ParseItem] = []
        for record in records:
            if type(record) is Post:
                known = posts.get(record.id)
                if known is None or "text" not in known[0].model_fields_set:
                    posts[record.id] = (record, location)
            # Added and counted rather than looked up first: a key is hashed once.
            size = len(seen)
            seen.add(_key(record))
            if len(seen) > size:
                fresh.append(record)
        return fresh

    def _conflict(self, record: Post, location: str, raw: Any) -> Reject | None:
        """A Reject when ``record`` says otherwise than the post of its id read before."""
        earlier, where = self._posts[record.id]
        # A stub (a post known only by id and author) sets no text: compare only what
        # both records say.
        differs = [
            name
            for name in ("text", "created_at", "author")
            if name in record.model_fields_set
            and name in earlier.model_fields_set
            and getattr(record, name) is not None
            and getattr(earlier, name) is not None
            and getattr(record, name) != getattr(earlier, name)
        ]
        if not differs:
            return None
        return Reject(
            self._source.name,
            location,
            f"post id {record.id} already read at {where} with a different {', '.join(differs)}",
            raw,
        )


def _key(record: Record) -> tuple[Any, ...]:
    # A hashable image of a record: its scalar fields as they are (``kind`` first, which
    # tells the models apart), the few dict or list fields (an Account's ``properties``)
    # made hashable.
    kind = type(record)
    fields = _FIELDS.get(kind)
    if fields is None:
        fields = _FIELDS[kind] = _fields_of(kind)
    scalars, containers = fields
    values = record.__dict__
    if not containers:
        return scalars(values)
    return (scalars(values), tuple([_hashable(values[name]) for name in containers]))


def _fields_of(kind: type[Any]) -> tuple[Callable[[dict[str, Any]], Any], tuple[str, ...]]:
    names = list(kind.model_fields)
    containers = tuple(
        name
        for name, info in kind.model_fields.items()
        if any(word in str(info.annotation) for word in ("dict", "list", "Any"))
    )
    return operator.itemgetter(*[n for n in names if n not in containers]), containers


_FIELDS: dict[type[Any], tuple[Callable[[dict[str, Any]], Any], tuple[str, ...]]] = {}


def _hashable(value: Any) -> Any:
    if not value and isinstance(value, dict | list):
        return ()  # most Accounts have no properties: no generator, no sort
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    return value

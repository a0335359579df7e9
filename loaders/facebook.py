"""The ``facebook`` connector: Graph API page feeds, posts and comments with their
likes and reactions, and Page webhook bodies."""

from __future__ import annotations

from collections.abc import Iterator

from loaders.base import ConnectorSpec, LoadOptions, ParseItem, Reject, Source
from loaders.facebook_graph import graph_document
from loaders.facebook_webhook import is_webhook, webhook_document
from loaders.native import json_documents

__all__ = ["CONNECTOR", "parse"]


def parse(source: Source, *, options: LoadOptions) -> Iterator[ParseItem]:
    """Canonical records of one Facebook file.

    Graph API responses: a post or comment object, or a connection page (a page's
    ``feed``/``posts``, an object's ``comments``, ``likes`` or ``reactions``, told
    by its paging URL or by the items' fields).  Posts and comments become Posts
    (``facebook:<object id>``) by their ``from`` account; a comment is REPLY_TO its
    post or parent comment; likes and reactions of every type become LIKED;
    ``message_tags`` of users and Pages become mentions.  Page webhook bodies
    (``object: page``) give the same from ``feed`` changes (added or edited posts and
    comments, reactions, likes; a like of the Page makes its user a fan, MEMBER_OF
    the Page's community) and ``mention`` changes (a post MENTIONS the Page)."""
    for item in json_documents(source):
        if isinstance(item, Reject):
            yield item
            continue
        where, document = item
        if is_webhook(document):
            yield from webhook_document(document, where, source, options.brand)
        elif isinstance(document, dict):
            yield from graph_document(document, where, source)
        else:
            reason = "not a Graph API object, connection page or webhook body"
            yield Reject(source.name, where, reason, document)


CONNECTOR = ConnectorSpec(
    name="facebook",
    summary="Facebook Graph API page feeds, posts, comments, reactions and Page webhooks",
    parse=parse,
)

"""The ``weibo`` connector: Weibo Open API v2 statuses, comments and users JSON, and
repost-cascade datasets laid out like CED (original microblogs plus their reposts)."""

from __future__ import annotations

from collections.abc import Iterator

from loaders.base import ConnectorSpec, LoadOptions, ParseItem, Reject, Source
from loaders.native import json_documents
from loaders.weibo_api import api_document
from loaders.weibo_ced import cascade_document, is_cascade, is_original, original_document

__all__ = ["CONNECTOR", "parse"]


def parse(source: Source, *, options: LoadOptions) -> Iterator[ParseItem]:
    """Canonical records of one Weibo file.

    API responses (``statuses/*``, ``comments/*``, ``users/*``, ``favorites``) give
    accounts, posts, reposts (SHARE_OF), comments (REPLY_TO), topics and mentions.  A
    CED original microblog (``original-microblog/<index>_<mid>_<uid>.json``) gives
    the original post; its cascade file (``*-repost/`` of the same name) gives each
    repost or comment as a Post SHARE_OF its parent.  Post ids are numeric status ids
    (``weibo:<id>``): CED's base-62 mids are converted, so both kinds of file meet."""
    for item in json_documents(source):
        if isinstance(item, Reject):
            yield item
            continue
        where, document = item
        if is_original(document):
            yield from original_document(document, where, source)
        elif is_cascade(document):
            yield from cascade_document(document, where, source)
        elif document == []:
            continue  # an empty list response
        else:
            yield from api_document(document, where, source)


CONNECTOR = ConnectorSpec(
    name="weibo",
    summary="Weibo Open API v2 statuses/comments/users JSON and CED-style repost cascades",
    parse=parse,
)

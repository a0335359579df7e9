"""Post text of the demo data, rendered from a post's planned kind, tone and random bits.

Every choice comes from the post's own 64-bit ``bits``, so a post renders the same
text wherever it appears (as a tweet, inside ``includes.tweets``, as a comment's
``status``) without storing it.
"""

from __future__ import annotations

from collections.abc import Sequence

from loaders.demo.config import CITIES_EN, CITIES_ZH, BrandSpec, Theme
from loaders.demo.words import TEMPLATES

__all__ = ["TONE_KIND", "brand_word", "pick", "render"]

# Planned tone -> template kind (tone 0 with a brand is "neutral", without one "chatter").
TONE_KIND: dict[int, str] = {2: "pos", 1: "mild_pos", 0: "neutral", -1: "mild_neg", -2: "neg"}


def pick(seq: Sequence[str], bits: int, slot: int) -> str:
    """One element of ``seq`` chosen by the ``slot``-th byte run of ``bits``."""
    return seq[(bits >> (slot * 7)) % len(seq)]


def brand_word(brand: BrandSpec, lang: str, bits: int) -> str:
    """How a post names the brand: its Chinese name, or one of its English forms."""
    if lang == "zh":
        return brand.name_zh
    return pick((brand.name, brand.name, brand.handle), bits, 5)


def render(
    kind: str,
    *,
    lang: str,
    bits: int,
    theme: Theme,
    brand: BrandSpec | None = None,
) -> str:
    """The text of one post of template ``kind`` (see :data:`loaders.demo.words.TEMPLATES`)."""
    templates = TEMPLATES[lang][kind]
    template = pick(templates, bits, 0)
    zh = lang == "zh"
    values = {
        "city": pick(CITIES_ZH if zh else CITIES_EN, bits, 1),
        "activity": pick(theme.activities_zh if zh else theme.activities_en, bits, 2),
        "product": "",
        "brand": "",
    }
    if brand is not None:
        values["product"] = pick(brand.products_zh if zh else brand.products_en, bits, 3)
        values["brand"] = brand_word(brand, lang, bits)
    return template.format(**values)

"""Sizes, brands and community themes of the demo data set."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

__all__ = [
    "BRANDS",
    "SIZES",
    "SOCIAL_PLATFORMS",
    "BrandSpec",
    "PlatformScale",
    "Scale",
    "Theme",
    "reference_time",
    "scale_for",
]

# The platforms whose accounts interact (and so form communities), in generation order.
SOCIAL_PLATFORMS: tuple[str, ...] = ("twitter", "weibo", "reddit", "slack")

# The data set covers the year before a reference date that depends only on the seed,
# so one seed always gives the same bytes.
_REFERENCE_BASE = datetime(2026, 10, 1, tzinfo=UTC)
DAY_MS = 86_400_000
YEAR_MS = 365 * DAY_MS


def reference_time(seed: int) -> int:
    """Epoch ms of the end of the data set's year for ``seed``."""
    return int((_REFERENCE_BASE + timedelta(days=seed % 61)).timestamp() * 1000)


@dataclass(frozen=True, slots=True)
class PlatformScale:
    """How many accounts, communities and interactions one channel gets."""

    accounts: int
    communities: int
    interactions: int


@dataclass(frozen=True, slots=True)
class Scale:
    """Everything that grows with the data set's size."""

    name: str
    twitter: PlatformScale
    weibo: PlatformScale
    reddit: PlatformScale
    slack: PlatformScale
    wechat_contacts: int
    wechat_groups: int
    wechat_employees: int
    shop_only_customers: int
    advocates_per_community: int
    detractors_per_community: int
    influencers_per_community: int
    suggest_pairs: int  # people on Twitter and Weibo under similar handles
    factor: float = 1.0

    def platform(self, name: str) -> PlatformScale:
        scale: PlatformScale = getattr(self, name)
        return scale

    def scaled(self, factor: float) -> Scale:
        """The same mix at ``factor`` times the size (tests use small fractions)."""
        if factor <= 0:
            raise ValueError(f"scale factor must be positive, got {factor}")

        def grow(n: int, low: int = 1) -> int:
            return max(low, round(n * factor))

        def platform(p: PlatformScale) -> PlatformScale:
            accounts = grow(p.accounts, 12)
            # Keep communities at least a dozen accounts strong.
            communities = max(1, min(p.communities, accounts // 12))
            return PlatformScale(accounts, communities, grow(p.interactions, 4 * accounts))

        return replace(
            self,
            twitter=platform(self.twitter),
            weibo=platform(self.weibo),
            reddit=platform(self.reddit),
            slack=platform(self.slack),
            wechat_contacts=grow(self.wechat_contacts, 6),
            wechat_groups=grow(self.wechat_groups),
            wechat_employees=max(2, min(self.wechat_employees, grow(self.wechat_employees))),
            shop_only_customers=grow(self.shop_only_customers),
            suggest_pairs=grow(self.suggest_pairs),
            factor=self.factor * factor,
        )


SIZES: dict[str, Scale] = {
    # ~2k accounts, ~20k interactions: generated in about a second, loaded by `make run`.
    "small": Scale(
        name="small",
        twitter=PlatformScale(accounts=720, communities=4, interactions=9_000),
        weibo=PlatformScale(accounts=540, communities=3, interactions=6_500),
        reddit=PlatformScale(accounts=240, communities=2, interactions=2_600),
        slack=PlatformScale(accounts=120, communities=2, interactions=2_000),
        wechat_contacts=250,
        wechat_groups=6,
        wechat_employees=8,
        shop_only_customers=80,
        advocates_per_community=2,
        detractors_per_community=1,
        influencers_per_community=1,
        suggest_pairs=16,
    ),
    # ~100k accounts, ~1M interactions: the ingest and algorithm benchmarks.
    "bench": Scale(
        name="bench",
        twitter=PlatformScale(accounts=40_000, communities=22, interactions=420_000),
        weibo=PlatformScale(accounts=30_000, communities=16, interactions=300_000),
        reddit=PlatformScale(accounts=12_000, communities=8, interactions=150_000),
        slack=PlatformScale(accounts=3_000, communities=4, interactions=130_000),
        wechat_contacts=10_000,
        wechat_groups=150,
        wechat_employees=60,
        shop_only_customers=5_000,
        advocates_per_community=3,
        detractors_per_community=2,
        influencers_per_community=2,
        suggest_pairs=400,
    ),
}


def scale_for(size: str, factor: float = 1.0) -> Scale:
    """The named size, optionally multiplied by ``factor``."""
    try:
        base = SIZES[size]
    except KeyError:
        raise ValueError(f"unknown size {size!r}: choose one of {', '.join(SIZES)}") from None
    if math.isclose(factor, 1.0):
        return base
    return base.scaled(factor)


@dataclass(frozen=True, slots=True)
class BrandSpec:
    """A demo brand: its names in both scripts, what it sells, how people tag it."""

    id: str
    name: str
    name_zh: str
    handle: str  # the brand's name as a single token, as used in handles and hashtags
    aliases: tuple[str, ...]
    products_en: tuple[str, ...]
    products_zh: tuple[str, ...]
    hashtag_en: str
    hashtag_zh: str
    price_range: tuple[float, float]  # one item, in the shop currency

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "aliases": list(self.aliases)}


BRANDS: tuple[BrandSpec, ...] = (
    BrandSpec(
        id="lumora",
        name="Lumora Tea",
        name_zh="露茉拉",
        handle="LumoraTea",
        aliases=("Lumora", "Lumora Tea", "LumoraTea", "露茉拉", "#LumoraTea", "#露茉拉"),
        products_en=(
            "jasmine green tea",
            "oolong milk tea",
            "matcha latte",
            "peach oolong",
            "osmanthus cold brew",
            "brown sugar boba",
        ),
        products_zh=("茉莉绿茶", "乌龙奶茶", "抹茶拿铁", "白桃乌龙", "桂花冷泡茶", "焦糖珍珠奶茶"),
        hashtag_en="LumoraTea",
        hashtag_zh="露茉拉",
        price_range=(4.5, 38.0),
    ),
    BrandSpec(
        id="kestrel",
        name="Kestrel Coffee",
        name_zh="隼鸟咖啡",
        handle="KestrelCoffee",
        aliases=("Kestrel Coffee", "KestrelCoffee", "隼鸟咖啡", "#KestrelCoffee", "#隼鸟咖啡"),
        products_en=(
            "flat white",
            "cold brew",
            "single origin pour-over",
            "oat latte",
            "espresso beans",
            "drip bags",
        ),
        products_zh=("澳白", "冷萃咖啡", "手冲单品", "燕麦拿铁", "意式咖啡豆", "挂耳咖啡"),
        hashtag_en="KestrelCoffee",
        hashtag_zh="隼鸟咖啡",
        price_range=(3.8, 42.0),
    ),
)


@dataclass(frozen=True, slots=True)
class Theme:
    """What a planted community talks about."""

    name_en: str
    name_zh: str
    hashtags_en: tuple[str, ...]
    hashtags_zh: tuple[str, ...]
    activities_en: tuple[str, ...]
    activities_zh: tuple[str, ...]
    brand: str  # the brand id the community mostly talks about


THEMES: tuple[Theme, ...] = (
    Theme(
        "Matcha Mornings",
        "抹茶晨间",
        ("matcha", "teatime"),
        ("抹茶", "下午茶"),
        ("whisking matcha", "a tea tasting"),
        ("打抹茶", "品茶"),
        "lumora",
    ),
    Theme(
        "Cold Brew Club",
        "冷萃俱乐部",
        ("coldbrew", "coffeelovers"),
        ("冷萃", "咖啡日常"),
        ("brewing a cold brew batch", "a cupping session"),
        ("做冷萃", "杯测"),
        "kestrel",
    ),
    Theme(
        "Home Baristas",
        "家庭咖啡师",
        ("homebarista", "latteart"),
        ("家庭咖啡师", "拉花"),
        ("practising latte art", "dialling in the grinder"),
        ("练拉花", "调磨豆机"),
        "kestrel",
    ),
    Theme(
        "Tea Travellers",
        "茶旅人",
        ("teatravel", "oolong"),
        ("茶旅行", "乌龙茶"),
        ("a tea farm visit", "a tea market walk"),
        ("参观茶园", "逛茶叶市场"),
        "lumora",
    ),
    Theme(
        "Bubble Tea Campus",
        "校园奶茶团",
        ("bubbletea", "boba"),
        ("奶茶", "珍珠奶茶"),
        ("a study session", "a campus boba run"),
        ("自习", "校园奶茶接龙"),
        "lumora",
    ),
    Theme(
        "Office Coffee Run",
        "打工人咖啡",
        ("coffeebreak", "mondaycoffee"),
        ("打工人", "咖啡续命"),
        ("the afternoon coffee run", "a team coffee break"),
        ("下午茶拼单", "团队咖啡时间"),
        "kestrel",
    ),
    Theme(
        "Trail and Thermos",
        "户外茶友",
        ("hiking", "thermos"),
        ("徒步", "露营"),
        ("a sunrise hike", "a camping weekend"),
        ("日出徒步", "周末露营"),
        "kestrel",
    ),
    Theme(
        "Slow Living",
        "慢生活",
        ("slowliving", "selfcare"),
        ("治愈系", "手账"),
        ("journaling with tea", "a quiet reading afternoon"),
        ("写手账", "安静读书的下午"),
        "lumora",
    ),
)

CITIES_EN: tuple[str, ...] = (
    "Austin",
    "Seattle",
    "London",
    "Toronto",
    "Sydney",
    "Singapore",
    "Berlin",
    "Dublin",
    "Vancouver",
    "Melbourne",
    "Boston",
    "Manchester",
)
CITIES_ZH: tuple[str, ...] = (
    "上海",
    "北京",
    "杭州",
    "成都",
    "广州",
    "深圳",
    "南京",
    "武汉",
    "西安",
    "厦门",
    "苏州",
    "重庆",
)

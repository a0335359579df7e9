"""Who is in the demo data: accounts, planted communities and roles, people across channels.

The population is planned before any file is written.  Each social channel gets
its accounts split into planted communities; each community has advocates,
detractors and high-reach "influencers" (neutral voices) besides ordinary
members.  People link accounts across channels: WeChat contacts carry a unionid
and often a phone number, Slack members an e-mail, and shop customers reuse
them; some Twitter and Weibo accounts belong to one person under similar handles.
"""

from __future__ import annotations

import math
import random
import string
from dataclasses import dataclass, field

from loaders.demo.config import (
    BRANDS,
    CITIES_EN,
    CITIES_ZH,
    DAY_MS,
    SOCIAL_PLATFORMS,
    THEMES,
    YEAR_MS,
    BrandSpec,
    Scale,
    Theme,
)
from loaders.demo.ids import IdMaker
from loaders.demo.words import (
    FIRST_NAMES_EN,
    GIVEN_ZH,
    LAST_NAMES_EN,
    NICK_PREFIX_ZH,
    NICK_SUFFIX_ZH,
    SURNAMES_ZH,
)

__all__ = ["Account", "Community", "Person", "Population", "plan_population"]

ROLES = ("advocate", "detractor", "influencer", "member")


@dataclass(slots=True)
class Account:
    """One account on one channel."""

    index: int
    platform: str  # twitter | weibo | reddit | slack | wechat
    native_id: str
    handle: str
    name: str
    lang: str
    community: int  # index into Population.communities, -1 for none
    role: str
    followers: int
    following: int
    created_at: int  # epoch ms
    activity: float  # relative share of its community's actions
    person: int


@dataclass(slots=True)
class Community:
    """A planted community: accounts of one channel that mostly interact among themselves."""

    index: int
    key: str  # "twitter-01"
    platform: str
    name: str
    native_id: str  # Slack channel id / subreddit name / "" (Twitter, Weibo)
    theme: Theme
    brand: BrandSpec
    lang: str
    members: list[int] = field(default_factory=list)  # account indices


@dataclass(slots=True)
class Person:
    """A human behind one or more accounts, shop customers and keys."""

    index: int
    name: str
    accounts: list[int] = field(default_factory=list)
    email: str | None = None
    phone: str | None = None  # digits as a Chinese mobile, "13812345678"
    unionid: str | None = None
    shop_customer: int | None = None  # index into Population.shop_customers
    similar_handles: bool = False  # Twitter + Weibo under similar handles


@dataclass(slots=True)
class Population:
    """The whole planned cast."""

    accounts: list[Account]
    communities: list[Community]
    people: list[Person]
    ids: IdMaker
    start_ms: int
    end_ms: int
    by_platform: dict[str, list[int]] = field(default_factory=dict)

    def platform_accounts(self, platform: str) -> list[Account]:
        return [self.accounts[i] for i in self.by_platform.get(platform, [])]

    def platform_communities(self, platform: str) -> list[Community]:
        return [c for c in self.communities if c.platform == platform]


def _log_uniform(rng: random.Random, low: float, high: float) -> float:
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def _followers(rng: random.Random, role: str) -> int:
    """Power-law reach: ordinary accounts follow a Pareto tail, planted voices sit high."""
    if role == "influencer":
        return int(_log_uniform(rng, 30_000, 400_000))
    if role == "advocate":
        return int(_log_uniform(rng, 12_000, 150_000))
    if role == "detractor":
        return int(_log_uniform(rng, 5_000, 80_000))
    return min(10_000, int(6 * rng.paretovariate(1.15)))


def _activity(rng: random.Random, role: str) -> float:
    """How much an account does: heavy-tailed for members, steadily high for planted voices."""
    if role == "member":
        return rng.lognormvariate(0.0, 0.7)
    factor = {"advocate": 7.0, "detractor": 4.5, "influencer": 4.0}[role]
    return factor * rng.lognormvariate(0.0, 0.25)


class _Names:
    """Unique handles per channel, in the channel's own style."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.taken: dict[str, set[str]] = {}

    def _unique(self, platform: str, wanted: str, limit: int) -> str:
        taken = self.taken.setdefault(platform, set())
        handle = wanted[:limit]
        n = 1
        while handle.lower() in taken:
            n += 1
            suffix = str(n)
            handle = wanted[: limit - len(suffix)] + suffix
        taken.add(handle.lower())
        return handle

    def english(self) -> tuple[str, str, str]:
        first, last = self.rng.choice(FIRST_NAMES_EN), self.rng.choice(LAST_NAMES_EN)
        return first, last, f"{first} {last}"

    def chinese(self) -> str:
        return self.rng.choice(SURNAMES_ZH) + self.rng.choice(GIVEN_ZH)

    def handle(self, platform: str, first: str, last: str) -> str:
        rng = self.rng
        style = rng.randrange(4)
        digits = str(rng.randrange(1, 100)) if rng.random() < 0.6 else ""
        if platform == "slack":
            return self._unique(platform, f"{first.lower()}.{last.lower()}", 40)
        wanted = (
            f"{first.lower()}_{last.lower()}{digits}",
            f"{first}{last}{digits}",
            f"{first.lower()}{last[0].lower()}{digits}",
            f"{last.lower()}_{first.lower()}{digits}",
        )[style]
        limit = 15 if platform == "twitter" else 20
        return self._unique(platform, wanted, limit)

    def weibo_nick(self, name_zh: str) -> str:
        rng = self.rng
        wanted = rng.choice(
            (
                rng.choice(NICK_PREFIX_ZH) + name_zh[1:] + rng.choice(NICK_SUFFIX_ZH),
                name_zh + rng.choice(NICK_SUFFIX_ZH),
                rng.choice(NICK_PREFIX_ZH) + name_zh,
            )
        )
        return self._unique("weibo", wanted, 24)

    def similar(self, platform: str, handle: str) -> str:
        """A handle that looks like ``handle`` (case, separators, a digit changed)."""
        rng = self.rng
        variants = (
            handle.replace("_", ""),
            handle.replace("_", "-") if platform != "twitter" else handle.lower(),
            handle + str(rng.randrange(1, 10)),
            handle.capitalize(),
        )
        return self._unique(platform, rng.choice(variants), 24)


def _split(rng: random.Random, n: int, parts: int) -> list[int]:
    """Split ``n`` into ``parts`` sizes that differ by up to about 2x."""
    weights = [rng.uniform(0.7, 1.4) for _ in range(parts)]
    total = sum(weights)
    sizes = [max(6, int(n * w / total)) for w in weights]
    sizes[-1] += n - sum(sizes)
    return sizes


def plan_population(scale: Scale, seed: int, end_ms: int) -> Population:
    """Plan every account, community and person of the data set."""
    rng = random.Random(f"scrm-demo-population-{seed}")
    ids = IdMaker(random.Random(f"scrm-demo-ids-{seed}"))
    names = _Names(rng)
    pop = Population(
        accounts=[], communities=[], people=[], ids=ids, start_ms=end_ms - YEAR_MS, end_ms=end_ms
    )
    theme_turn = 0
    for platform in SOCIAL_PLATFORMS:
        pscale = scale.platform(platform)
        sizes = _split(rng, pscale.accounts, pscale.communities)
        for number, size in enumerate(sizes, start=1):
            theme = THEMES[theme_turn % len(THEMES)]
            theme_turn += 1
            lang = _community_lang(platform, number)
            brand = next(b for b in BRANDS if b.id == theme.brand)
            community = _new_community(pop, ids, platform, number, theme, brand, lang, rng)
            roles = (
                ["advocate"] * scale.advocates_per_community
                + ["detractor"] * scale.detractors_per_community
                + ["influencer"] * scale.influencers_per_community
            )
            roles += ["member"] * max(0, size - len(roles))
            rng.shuffle(roles)
            for role in roles:
                _new_social_account(pop, names, rng, platform, community, role)
    _plant_similar_handles(pop, names, rng, scale.suggest_pairs)
    _give_slack_emails(pop, rng)
    return pop


def _community_lang(platform: str, number: int) -> str:
    if platform == "weibo":
        return "zh"
    if platform == "twitter" and number % 4 == 0:
        return "zh"  # the Chinese-speaking diaspora tweets in Chinese
    return "en"


def _new_community(
    pop: Population,
    ids: IdMaker,
    platform: str,
    number: int,
    theme: Theme,
    brand: BrandSpec,
    lang: str,
    rng: random.Random,
) -> Community:
    city = rng.choice(CITIES_ZH if lang == "zh" else CITIES_EN)
    name = f"{theme.name_zh} · {city}" if lang == "zh" else f"{theme.name_en} · {city}"
    native = ""
    if platform == "reddit":
        native = ids.unique("subreddit", theme.name_en.replace(" ", "") + city)
    elif platform == "slack":
        native = ids.slack_channel()
    community = Community(
        index=len(pop.communities),
        key=f"{platform}-{number:02d}",
        platform=platform,
        name=name,
        native_id=native,
        theme=theme,
        brand=brand,
        lang=lang,
    )
    pop.communities.append(community)
    return community


def _new_social_account(
    pop: Population,
    names: _Names,
    rng: random.Random,
    platform: str,
    community: Community,
    role: str,
) -> Account:
    first, last, full = names.english()
    lang = community.lang
    if platform == "weibo":
        display = names.chinese()
        handle = names.weibo_nick(display)
    else:
        handle = names.handle(platform, first, last)
        display = names.chinese() if lang == "zh" and rng.random() < 0.5 else full
    created = pop.end_ms - int(_log_uniform(rng, 60, 15 * 365) * DAY_MS)
    person = Person(index=len(pop.people), name=display)
    pop.people.append(person)
    followers = _followers(rng, role)
    account = Account(
        index=len(pop.accounts),
        platform=platform,
        native_id=pop.ids.account_id(platform, created),
        handle=handle,
        name=display,
        lang=lang,
        community=community.index,
        role=role,
        followers=followers,
        following=int(_log_uniform(rng, 20, 2_000)),
        created_at=created,
        activity=_activity(rng, role),
        person=person.index,
    )
    person.accounts.append(account.index)
    pop.accounts.append(account)
    pop.by_platform.setdefault(platform, []).append(account.index)
    community.members.append(account.index)
    return account


def _plant_similar_handles(pop: Population, names: _Names, rng: random.Random, pairs: int) -> None:
    """Give some Weibo accounts to Twitter people, under a handle like their Twitter one."""
    twitter = [a for a in pop.platform_accounts("twitter") if a.role == "member"]
    weibo = [a for a in pop.platform_accounts("weibo") if a.role == "member"]
    # Chinese-speaking Twitter communities first: they are the likeliest Weibo users.
    twitter.sort(key=lambda a: (a.lang != "zh", rng.random()))
    rng.shuffle(weibo)
    for tw, wb in zip(twitter[:pairs], weibo[:pairs], strict=False):
        wb.handle = names.similar("weibo", tw.handle)
        wb.name = tw.name
        old = pop.people[wb.person]
        old.accounts.remove(wb.index)
        wb.person = tw.person
        person = pop.people[tw.person]
        person.accounts.append(wb.index)
        person.similar_handles = True


def _give_slack_emails(pop: Population, rng: random.Random) -> None:
    domains = ("gmail.com", "outlook.com", "icloud.com", "yahoo.com", "proton.me", "fastmail.com")
    for account in pop.platform_accounts("slack"):
        person = pop.people[account.person]
        local = account.handle.replace("_", ".").lower()
        person.email = f"{local}{rng.randrange(10, 99)}@{rng.choice(domains)}"


def random_token(rng: random.Random, n: int, alphabet: str = string.ascii_letters) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))

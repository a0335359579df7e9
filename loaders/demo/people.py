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
from collections.abc import Iterable
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
    EMPLOYEES,
    FIRST_NAMES_EN,
    GIVEN_ZH,
    LAST_NAMES_EN,
    NICK_PREFIX_ZH,
    NICK_SUFFIX_ZH,
    SURNAME_SYLLABLES,
    SURNAMES_ZH,
)

__all__ = ["Account", "Community", "Namer", "Person", "Population", "plan_population"]

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
    names: Namer
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


def _handle_key(handle: str) -> str:
    """What makes handles look alike to a person (and to identity suggestions): letters
    only, case folded; separators and digits do not tell people apart."""
    return "".join(ch for ch in handle.casefold() if ch.isalpha())


class Namer:
    """Names and handles unique across the data set: no two unrelated people share a
    name, and no two unrelated accounts have handles that differ only in case,
    separators or digits, so the only look-alike accounts are the planted ones."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.names: set[str] = set()
        self.keys: set[str] = set()
        self.handles: dict[str, set[str]] = {}  # per platform, case folded

    def _free(self, platform: str, handle: str) -> bool:
        return handle.casefold() not in self.handles.get(platform, set())

    def _take(self, platform: str, handle: str) -> str:
        self.handles.setdefault(platform, set()).add(handle.casefold())
        self.keys.add(_handle_key(handle))
        return handle

    def reserve(self, names: Iterable[str]) -> None:
        """Keep ``names`` (the brand's staff) from going to anyone else."""
        self.names.update(names)

    def english(self) -> tuple[str, str, str]:
        """(first, last, full name), never a name already given; made-up surnames once
        the common combinations run out."""
        rng = self.rng
        for attempt in range(1_000):
            first = rng.choice(FIRST_NAMES_EN)
            if attempt < 20:
                last = rng.choice(LAST_NAMES_EN)
            else:
                heads, middles, tails = SURNAME_SYLLABLES
                middle = rng.choice(middles) if rng.random() < 0.7 else ""
                last = rng.choice(heads) + middle + rng.choice(tails)
            full = f"{first} {last}"
            if full not in self.names:
                self.names.add(full)
                return first, last, full
        raise AssertionError("ran out of English names")

    def chinese(self) -> str:
        rng = self.rng
        while True:
            given = rng.choice(GIVEN_ZH)
            if rng.random() < 0.7:
                given += rng.choice(GIVEN_ZH)
            name = rng.choice(SURNAMES_ZH) + given
            if name not in self.names:
                self.names.add(name)
                return name

    def handle(self, platform: str, first: str, last: str) -> str:
        """A handle made from a (unique) name, in one of the usual styles."""
        rng = self.rng
        given = first
        for attempt in range(50):
            digits = str(rng.randrange(1, 100)) if rng.random() < 0.5 or attempt else ""
            if platform == "slack":
                wanted = f"{first.lower()}.{last.lower()}"
            else:
                wanted = (
                    f"{given.lower()}_{last.lower()}{digits}",
                    f"{given}{last}{digits}",
                    f"{last.lower()}_{given.lower()}{digits}",
                )[rng.randrange(3)]
            wanted = wanted[: 15 if platform == "twitter" else 20]
            if _handle_key(wanted) not in self.keys and self._free(platform, wanted):
                return self._take(platform, wanted)
        raise AssertionError(f"no free handle for {first} {last}")

    def weibo_nick(self, name_zh: str) -> str:
        rng = self.rng
        for _ in range(50):
            wanted = rng.choice(
                (
                    rng.choice(NICK_PREFIX_ZH) + name_zh + rng.choice(NICK_SUFFIX_ZH),
                    name_zh + rng.choice(NICK_SUFFIX_ZH),
                    rng.choice(NICK_PREFIX_ZH) + name_zh,
                )
            )
            if _handle_key(wanted) not in self.keys and self._free("weibo", wanted):
                return self._take("weibo", wanted)
        raise AssertionError(f"no free Weibo nickname for {name_zh}")

    def twin(self, platform: str, handle: str) -> str:
        """The same person's handle elsewhere: the same, or its case or separators changed."""
        variants = [
            handle,
            handle.replace("_", ""),
            handle.replace("_", "-"),
            handle[:1].swapcase() + handle[1:],
        ]
        self.rng.shuffle(variants)
        for wanted in variants:
            if self._free(platform, wanted):
                return self._take(platform, wanted)
        raise AssertionError(f"no free {platform} handle like {handle}")


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
    names = Namer(rng)
    names.reserve(name for _, name in EMPLOYEES)
    pop = Population(
        accounts=[],
        communities=[],
        people=[],
        ids=ids,
        names=names,
        start_ms=end_ms - YEAR_MS,
        end_ms=end_ms,
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
    names: Namer,
    rng: random.Random,
    platform: str,
    community: Community,
    role: str,
) -> Account:
    lang = community.lang
    if platform == "weibo":
        display = names.chinese()
        handle = names.weibo_nick(display)
    else:
        first, last, full = names.english()
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


def _plant_similar_handles(pop: Population, names: Namer, rng: random.Random, pairs: int) -> None:
    """Give some Weibo accounts to Twitter people, under a handle like their Twitter one."""
    twitter = [a for a in pop.platform_accounts("twitter") if a.role == "member"]
    weibo = [a for a in pop.platform_accounts("weibo") if a.role == "member"]
    # Chinese-speaking Twitter communities first: they are the likeliest Weibo users.
    twitter.sort(key=lambda a: (a.lang != "zh", rng.random()))
    rng.shuffle(weibo)
    for tw, wb in zip(twitter[:pairs], weibo[:pairs], strict=False):
        names.handles["weibo"].discard(wb.handle.casefold())
        wb.handle = names.twin("weibo", tw.handle)
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

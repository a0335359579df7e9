"""The brand's own CRM side of the demo: WeChat Work contacts and groups, shop customers, orders.

WeChat contacts are people the brand's staff added on WeChat Work; most are WeChat
users with a unionid, many have a phone number in the staff's remarks.  Customer
groups gather contacts around a city and a brand.  Shop customers reuse the phone
or e-mail a person gave elsewhere (a WeChat contact, a Slack profile), which is
what identity resolution should find; others exist only in the shop.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from loaders.demo.config import BRANDS, CITIES_ZH, DAY_MS, BrandSpec, Scale
from loaders.demo.people import Account, Person, Population
from loaders.demo.words import EMPLOYEES

__all__ = [
    "CrmPlan",
    "Employee",
    "FollowUser",
    "Order",
    "ShopCustomer",
    "WeChatGroup",
    "plan_crm",
]

TAG_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("客户等级", ("VIP", "普通会员", "潜在客户")),
    ("兴趣", ("茶饮", "咖啡", "烘焙", "户外")),
    ("来源", ("门店扫码", "小程序", "线下活动", "朋友推荐")),
)
_STATES = ("门店二维码", "小程序客服", "活动海报", "")
_DOMAINS_ZH = ("qq.com", "163.com", "126.com", "foxmail.com", "sina.com")


@dataclass(slots=True)
class Employee:
    userid: str
    name: str


@dataclass(slots=True)
class FollowUser:
    """One employee's record of a contact (``follow_user`` / ``follow_info``)."""

    employee: int
    remark: str
    description: str
    createtime: int  # epoch seconds
    tags: list[tuple[str, str]]  # (group_name, tag_name)
    add_way: int
    state: str
    mobiles: list[str]


@dataclass(slots=True)
class WeChatContact:
    account: int
    contact_type: int  # 1 = WeChat user, 2 = WeChat Work user of another company
    corp_name: str
    follow: list[FollowUser]


@dataclass(slots=True)
class WeChatGroup:
    chat_id: str
    name: str
    owner: int  # employee index
    admins: list[int]
    created: int  # epoch seconds
    brand: BrandSpec
    employees: list[int]
    members: list[tuple[int, int, int, int | None]]  # (account, join_time, join_scene, invitor)


@dataclass(slots=True)
class Order:
    id: int
    number: int
    created_at: int  # epoch ms
    brand: BrandSpec
    lines: list[tuple[str, int, float]]  # (product, quantity, unit price)

    @property
    def total(self) -> float:
        return round(sum(q * p for _, q, p in self.lines), 2)


@dataclass(slots=True)
class ShopCustomer:
    id: int
    person: int
    first_name: str
    last_name: str
    email: str | None
    phone: str | None  # E.164, "+8613812345678"
    currency: str
    created_at: int
    orders: list[Order] = field(default_factory=list)


@dataclass(slots=True)
class CrmPlan:
    employees: list[Employee]
    contacts: list[WeChatContact]
    groups: list[WeChatGroup]
    customers: list[ShopCustomer]
    followers: list[int]  # accounts following the brand's WeChat Official Account


def _email_variant(rng: random.Random, email: str) -> str:
    """The same address as a shop customer might type it, capitals and all."""
    local, _, domain = email.partition("@")
    choice = rng.randrange(3)
    if choice == 0:
        return email
    if choice == 1:
        return f"{local.title()}@{domain.capitalize()}"
    return email.upper()


def plan_crm(pop: Population, scale: Scale, seed: int) -> CrmPlan:
    """Plan WeChat contacts and groups, shop customers and their orders."""
    rng = random.Random(f"scrm-demo-crm-{seed}")
    ids = pop.ids
    employees = [Employee(u, n) for u, n in EMPLOYEES[: scale.wechat_employees]]
    while len(employees) < scale.wechat_employees:
        k = len(employees)
        base = EMPLOYEES[k % len(EMPLOYEES)]
        employees.append(Employee(f"{base[0]}{k // len(EMPLOYEES) + 1}", base[1]))
    contacts = [_new_contact(pop, rng, employees) for _ in range(scale.wechat_contacts)]
    groups = _plan_groups(pop, rng, scale, employees, contacts)
    followers = _plan_official_account(pop, rng, contacts)
    customers: list[ShopCustomer] = []
    order_number = [1001]

    def add_customer(person: Person, currency: str, n_orders: int) -> None:
        first, _, last = person.name.rpartition(" ")
        if not first:  # a Chinese name: surname first
            first, last = person.name[1:], person.name[:1]
        email = _email_variant(rng, person.email) if person.email else None
        phone = "+86" + person.phone if person.phone else None
        start = pop.start_ms + rng.randrange(0, 200) * DAY_MS
        customer = ShopCustomer(
            ids.shopify("customer"), person.index, first, last, email, phone, currency, start
        )
        for _ in range(n_orders):
            at = start + rng.randrange(0, max(1, pop.end_ms - start))
            brand = rng.choice(BRANDS)
            lines = []
            for _ in range(rng.randint(1, 3)):
                low, high = brand.price_range
                price = round(rng.uniform(low, high) * (7 if currency == "CNY" else 1), 2)
                product = rng.choice(brand.products_en)
                lines.append((product, rng.randint(1, 3), price))
            order = Order(ids.shopify("order"), order_number[0], at, brand, lines)
            order_number[0] += 1
            customer.orders.append(order)
        customer.orders.sort(key=lambda o: o.created_at)
        person.shop_customer = len(customers)
        customers.append(customer)

    for contact in contacts:
        person = pop.people[pop.accounts[contact.account].person]
        if person.phone and rng.random() < 0.45:
            add_customer(person, "CNY", 1 + min(5, int(rng.expovariate(0.8))))
    for account in pop.platform_accounts("slack"):
        person = pop.people[account.person]
        if account.role == "advocate":
            add_customer(person, "USD", rng.randint(3, 6))
        elif rng.random() < 0.45:
            add_customer(person, "USD", 1 + min(4, int(rng.expovariate(1.0))))
    for _ in range(scale.shop_only_customers):
        first, last, full = pop.names.english()
        person = Person(index=len(pop.people), name=full)
        local = f"{first.lower()}.{last.lower()}"
        person.email = f"{local}{rng.randrange(100, 999)}@example.com"
        pop.people.append(person)
        add_customer(person, "USD", 1 + min(3, int(rng.expovariate(1.2))))
    return CrmPlan(employees, contacts, groups, customers, followers)


def _plan_official_account(
    pop: Population, rng: random.Random, contacts: list[WeChatContact]
) -> list[int]:
    """Followers of the brand's Official Account: over half the contacts who have a unionid
    (the same person, joined by it), and people the staff never added."""
    followers = []
    for contact in contacts:
        person = pop.people[pop.accounts[contact.account].person]
        if person.unionid and rng.random() < 0.55:
            followers.append(_follower(pop, rng, person))
    for _ in range(len(contacts) // 5):
        followers.append(_follower(pop, rng, _new_person(pop, rng, unionid=True)))
    return followers


def _follower(pop: Population, rng: random.Random, person: Person) -> int:
    subscribed = pop.start_ms + int(rng.random() * (pop.end_ms - pop.start_ms))
    return _wechat_account(pop, person, "wechat-mp", pop.ids.openid(), "follower", subscribed)


def _new_person(pop: Population, rng: random.Random, *, unionid: bool) -> Person:
    person = Person(index=len(pop.people), name=pop.names.chinese())
    if unionid:
        person.unionid = pop.ids.unionid()
    pop.people.append(person)
    return person


def _wechat_account(
    pop: Population, person: Person, platform: str, native_id: str, role: str, created: int
) -> int:
    """A WeChat-side account (a WeCom contact or group member, an Official Account follower)."""
    account = Account(
        index=len(pop.accounts),
        platform=platform,
        native_id=native_id,
        handle=person.name,
        name=person.name,
        lang="zh",
        community=-1,
        role=role,
        followers=0,
        following=0,
        created_at=created,
        activity=0.0,
        person=person.index,
    )
    pop.accounts.append(account)
    pop.by_platform.setdefault(platform, []).append(account.index)
    person.accounts.append(account.index)
    return account.index


def _new_contact(pop: Population, rng: random.Random, employees: list[Employee]) -> WeChatContact:
    contact_type = 1 if rng.random() < 0.9 else 2  # a WeChat user, or another company's WeCom user
    person = _new_person(pop, rng, unionid=contact_type == 1)
    name = person.name
    if rng.random() < 0.7:
        person.phone = pop.ids.phone()
    if rng.random() < 0.3:
        person.email = f"{rng.randrange(10**7, 10**10)}@{rng.choice(_DOMAINS_ZH)}"
    created = pop.start_ms + rng.randrange(0, 330) * DAY_MS + rng.randrange(DAY_MS)
    index = _wechat_account(pop, person, "wechat", pop.ids.external_userid(), "contact", created)
    follow = []
    for employee in rng.sample(range(len(employees)), 1 if rng.random() < 0.8 else 2):
        tags = [(group, rng.choice(names)) for group, names in TAG_GROUPS if rng.random() < 0.6]
        follow.append(
            FollowUser(
                employee=employee,
                remark=name + rng.choice(("", "（老客）", "-门店", "-小程序")),
                description=rng.choice(("", "喜欢乌龙奶茶", "常买挂耳咖啡", "公司团购联系人")),
                createtime=(created + rng.randrange(0, 20) * DAY_MS) // 1000,
                tags=tags,
                add_way=rng.choice((1, 2, 3, 8)),
                state=rng.choice(_STATES),
                mobiles=[person.phone] if person.phone and rng.random() < 0.9 else [],
            )
        )
    corp = "" if contact_type == 1 else rng.choice(("腾讯", "字节跳动", "美团", "网易"))
    return WeChatContact(index, contact_type, corp, follow)


def _plan_groups(
    pop: Population,
    rng: random.Random,
    scale: Scale,
    employees: list[Employee],
    contacts: list[WeChatContact],
) -> list[WeChatGroup]:
    groups = []
    for k in range(scale.wechat_groups):
        brand = BRANDS[k % len(BRANDS)]
        city = CITIES_ZH[k % len(CITIES_ZH)]
        owner = k % len(employees)
        created = pop.start_ms + rng.randrange(0, 120) * DAY_MS
        staff = sorted({owner, rng.randrange(len(employees))})
        group = WeChatGroup(
            chat_id=pop.ids.chat_id(),
            name=f"{brand.name_zh}{city}{k // len(CITIES_ZH) + 1}群",
            owner=owner,
            admins=[e for e in staff if e != owner][:1],
            created=created // 1000,
            brand=brand,
            employees=staff,
            members=[],
        )
        groups.append(group)
    if not groups:
        return groups
    # Most contacts join one group, some two; a few members were never added as contacts.
    for contact in contacts:
        if rng.random() < 0.75:
            for group in rng.sample(groups, 1 if rng.random() < 0.85 or len(groups) < 2 else 2):
                _join(rng, group, contact.account, pop)
    for group in groups:
        for _ in range(max(1, len(group.members) // 10)):
            _join(rng, group, _stranger(pop, rng), pop)
    return groups


def _join(rng: random.Random, group: WeChatGroup, account: int, pop: Population) -> None:
    join = group.created + rng.randrange(0, max(1, (pop.end_ms // 1000) - group.created))
    scene = rng.choice((1, 1, 2, 3))
    invitor = rng.choice(group.employees) if scene == 1 else None
    group.members.append((account, join, scene, invitor))


def _stranger(pop: Population, rng: random.Random) -> int:
    """A group member who is nobody's contact (yet): an external id and a unionid only."""
    person = _new_person(pop, rng, unionid=True)
    external = pop.ids.external_userid()
    return _wechat_account(pop, person, "wechat", external, "group_member", pop.start_ms)

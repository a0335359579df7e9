"""Identity keys: normalisation, keyed hashing, the secret's file, and where raw values go."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from graph.cypher import Statement
from graph.errors import ConfigError
from graph.model import Account, AccountLink, Customer, Record
from graph.store import GraphStore
from loaders.identity import IdentityResolver
from loaders.pii import BadKey, IdentityHasher, normalise_email, normalise_phone, store_pii
from loaders.writer import GraphWriter

ACCOUNT_PII = Statement(
    "test.pii.account",
    "MATCH (a:Account {id: $id}) RETURN a.emails AS emails, a.phones AS phones",
)
CUSTOMER_PII = Statement(
    "test.pii.customer",
    "MATCH (c:Customer {id: $id}) "
    "RETURN c.email AS email, c.email_hash AS email_hash, c.phone AS phone",
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Li.Lei+VIP@GoogleMail.com ", "lilei@gmail.com"),
        ("l.i.lei@gmail.com", "lilei@gmail.com"),
        ("Anna.Schmidt+news@Example.ORG", "anna.schmidt+news@example.org"),  # kept elsewhere
        ("mailto:bob@example.com", "bob@example.com"),
        ("ＢＯＢ＠ＥＸＡＭＰＬＥ．ＣＯＭ", "bob@example.com"),  # full-width (NFKC)
        ("user@bücher.de", "user@xn--bcher-kva.de"),
    ],
)
def test_email_normalisation(raw: str, expected: str) -> None:
    assert normalise_email(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "no-at-sign", "a@b", "two@@x.com", "sp ace@x.com", "+@gmail.com"]
)
def test_bad_email(raw: str) -> None:
    with pytest.raises(BadKey):
        normalise_email(raw)


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("138-0013-8000", "86", "+8613800138000"),  # Chinese mobile, national
        ("+86 138 0013 8000", "86", "+8613800138000"),
        ("0086 13800138000", "86", "+8613800138000"),
        ("１３８００１３８０００", "86", "+8613800138000"),  # full-width digits
        ("(010) 6552-9988", "86", "+861065529988"),  # trunk 0 dropped
        ("+1 (555) 123-4567 ext. 89", "86", "+15551234567"),
        ("555-123-4567", "1", "+15551234567"),
        ("020 7946 0958", "44", "+442079460958"),
        ("13800138000转123", "86", "+8613800138000"),
    ],
)
def test_phone_normalisation(raw: str, country: str, expected: str) -> None:
    assert normalise_phone(raw, country_code=country) == expected


@pytest.mark.parametrize("raw", ["", "call me", "12", "+1234567890123456"])
def test_bad_phone(raw: str) -> None:
    with pytest.raises(BadKey):
        normalise_phone(raw)


def test_tokens_are_keyed_and_equal_for_equal_values() -> None:
    one, other = IdentityHasher(b"secret-one-0123456789"), IdentityHasher(b"secret-two-0123456789")
    token = one.token("email", "Li.Lei@gmail.com")
    assert token == one.token("email", "lilei@googlemail.com")
    assert token.startswith("email:") and len(token) == len("email:") + 32
    assert token != other.token("email", "lilei@gmail.com")  # another secret, another token
    assert one.token("unionid", "oAbC") != one.token("unionid", "oabc")  # case kept
    assert one.token("unionid", "x") != one.token("external", "x")  # the type is hashed too


def test_secret_from_env_or_a_private_file(tmp_path: Path) -> None:
    from_env = IdentityHasher.from_env({"SCRM_IDENTITY_KEY": "k" * 16})
    assert from_env.secret == b"k" * 16
    with pytest.raises(ConfigError, match="SCRM_IDENTITY_KEY"):
        IdentityHasher.from_env({"SCRM_IDENTITY_KEY": "short"})

    data = tmp_path / "data"
    first = IdentityHasher.from_env({"SCRM_DATA_DIR": str(data)})
    key_file = data / "identity.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert IdentityHasher.from_env({"SCRM_DATA_DIR": str(data)}).secret == first.secret
    assert [p.name for p in data.iterdir()] == ["identity.key"]  # no temporary file left
    key_file.chmod(0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        IdentityHasher.from_env({"SCRM_DATA_DIR": str(data)})

    assert IdentityHasher.from_env({"SCRM_IDENTITY_KEY": "k" * 16}).country_code == "86"
    hasher = IdentityHasher.from_env(
        {"SCRM_IDENTITY_KEY": "k" * 16, "SCRM_PHONE_COUNTRY_CODE": "+44"}
    )
    assert hasher.normalise("phone", "020 7946 0958") == "+442079460958"
    with pytest.raises(ConfigError, match="SCRM_PHONE_COUNTRY_CODE"):
        IdentityHasher.from_env({"SCRM_IDENTITY_KEY": "k" * 16, "SCRM_PHONE_COUNTRY_CODE": "abc"})
    assert store_pii({"SCRM_STORE_PII": "1"}) and not store_pii({})


def records() -> list[Record]:
    return [
        Account(id="shopify:customer:1", platform="shopify"),
        AccountLink(account="shopify:customer:1", key_type="email", key="Ann@Example.com"),
        AccountLink(account="shopify:customer:1", key_type="phone", key="13800138000"),
        Customer(id="shopify:customer:1", email="Ann@Example.com", phone="13800138000"),
    ]


@pytest.mark.parametrize("keep", [False, True])
async def test_raw_values_are_stored_only_with_store_pii(store: GraphStore, keep: bool) -> None:
    hasher = IdentityHasher(b"secret-0123456789abcdef")
    resolver = IdentityResolver(hasher, keep_pii=keep)
    rest = await resolver.resolve(store, records())
    await GraphWriter(store).write([r for r in rest if isinstance(r, Account | Customer)])
    account = await store.read(ACCOUNT_PII, {"id": "shopify:customer:1"})
    customer = await store.read(CUSTOMER_PII, {"id": "shopify:customer:1"})
    token = hasher.token("email", "ann@example.com")
    if keep:
        assert account == [{"emails": ["ann@example.com"], "phones": ["+8613800138000"]}]
        assert customer == [
            {"email": "ann@example.com", "email_hash": token, "phone": "+8613800138000"}
        ]
    else:
        assert account == [{"emails": None, "phones": None}]
        assert customer == [{"email": None, "email_hash": token, "phone": None}]

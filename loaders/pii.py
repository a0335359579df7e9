"""Identity keys: normalising e-mail, phone, unionid and external ids, and hashing them.

Identity resolution compares *keyed* hashes (HMAC-SHA256) of normalised
values, so the graph never needs the raw e-mail address or phone number.  The
secret comes from ``SCRM_IDENTITY_KEY`` or, when that is unset, from the file
``$SCRM_DATA_DIR/identity.key`` (created once with 32 random bytes and mode
0600).  **Losing the secret means keys hashed with it can never be matched
again**: new loads would hash the same e-mail to a different token and create
new customers beside the old ones.  Back the file up with the database.

Normalisation (what counts as "the same" key):

- e-mail: NFKC, trimmed, lowercased (local part included: providers treat it
  case-insensitively in practice); the domain IDNA-encoded.  For
  ``gmail.com``/``googlemail.com`` dots and a ``+tag`` in the local part are
  dropped and the domain becomes ``gmail.com`` (Gmail ignores both); other
  providers' local parts are kept as written, since ``+`` and ``.`` are
  significant there.
- phone: NFKC (full-width digits become ASCII), extensions (``ext``, ``x``,
  ``#``, ``转``) dropped, every non-digit removed.  ``+CC…`` or ``00CC…`` is
  international already.  A Chinese mainland mobile number (11 digits,
  ``1[3-9]…``) gets ``+86``.  Any other national number loses one trunk ``0``
  and gets the default country code from ``SCRM_PHONE_COUNTRY_CODE`` (digits,
  default ``86``).  The result is ``+`` and 8 to 15 digits (E.164's limit).
- unionid: trimmed, case kept (WeChat ids are case-sensitive).
- external: NFKC, trimmed, case kept: an id some other system gave the person.

A key token is ``"<type>:<first 32 hex digits of HMAC(secret, '<type>:<normalised>')>"``.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import re
import secrets
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from graph.errors import ConfigError

__all__ = [
    "KEY_TYPES",
    "BadKey",
    "IdentityHasher",
    "KeyType",
    "normalise_email",
    "normalise_key",
    "normalise_phone",
    "store_pii",
]

KeyType = Literal["unionid", "email", "phone", "external"]
KEY_TYPES: tuple[KeyType, ...] = ("unionid", "email", "phone", "external")

_KEY_FILE = "identity.key"
_TOKEN_HEX = 32
_GMAIL = frozenset({"gmail.com", "googlemail.com"})
_EMAIL = re.compile(r"^[^\s@]+@[^\s@]+\.[^\s@]+$")
_EXTENSION = re.compile(r"(?:ext\.?|extension|x|#|转|分机).*$", re.IGNORECASE)
_CN_MOBILE = re.compile(r"^1[3-9]\d{9}$")


class BadKey(ValueError):
    """A raw identity value that cannot be normalised; the message says why."""


def normalise_email(raw: str) -> str:
    """The canonical form of an e-mail address (see the module docstring)."""
    value = unicodedata.normalize("NFKC", raw).strip().lower()
    value = value.removeprefix("mailto:")
    if not _EMAIL.match(value):
        raise BadKey(f"not an e-mail address: {_redact(value)}")
    local, domain = value.rsplit("@", 1)
    domain = domain.rstrip(".")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise BadKey(f"e-mail domain is not a valid host name: {domain!r}") from None
    if domain in _GMAIL:
        local = local.split("+", 1)[0].replace(".", "")
        domain = "gmail.com"
    if not local:
        raise BadKey("e-mail address has an empty local part")
    return f"{local}@{domain}"


def normalise_phone(raw: str, *, country_code: str = "86") -> str:
    """The E.164-like form ``+<digits>`` of a phone number (see the module docstring)."""
    value = unicodedata.normalize("NFKC", raw).strip()
    value = _EXTENSION.sub("", value).strip()
    international = value.startswith("+")
    digits = "".join(ch for ch in value if ch.isascii() and ch.isdigit())
    if not digits:
        raise BadKey("phone number has no digits")
    if not international and digits.startswith("00"):
        digits, international = digits[2:], True
    if not international:
        if _CN_MOBILE.match(digits):
            digits = "86" + digits
        else:
            digits = country_code + digits.removeprefix("0")
    if not 8 <= len(digits) <= 15:
        raise BadKey(f"phone number has {len(digits)} digits with its country code (8-15 expected)")
    return "+" + digits


def normalise_key(key_type: str, raw: str, *, country_code: str = "86") -> str:
    """Normalise ``raw`` as a key of ``key_type``; raises :class:`BadKey`."""
    if not isinstance(raw, str):
        raise BadKey(f"{key_type} key must be text, not {type(raw).__name__}")
    if key_type == "email":
        return normalise_email(raw)
    if key_type == "phone":
        return normalise_phone(raw, country_code=country_code)
    if key_type not in KEY_TYPES:
        raise BadKey(f"unknown key type {key_type!r}; expected one of {', '.join(KEY_TYPES)}")
    value = raw.strip() if key_type == "unionid" else unicodedata.normalize("NFKC", raw).strip()
    if not value:
        raise BadKey(f"{key_type} key is empty")
    if len(value) > 512:
        raise BadKey(f"{key_type} key is {len(value)} characters long (at most 512)")
    return value


@dataclass(frozen=True, slots=True)
class IdentityHasher:
    """Turns raw identity values into key tokens with a secret (HMAC-SHA256)."""

    secret: bytes
    country_code: str = "86"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> IdentityHasher:
        """The hasher configured by ``SCRM_IDENTITY_KEY`` / ``SCRM_DATA_DIR`` /
        ``SCRM_PHONE_COUNTRY_CODE``; creates the key file on first use."""
        env = os.environ if env is None else env
        country = env.get("SCRM_PHONE_COUNTRY_CODE", "").strip().lstrip("+") or "86"
        if not country.isdigit() or not 1 <= len(country) <= 3:
            raise ConfigError("SCRM_PHONE_COUNTRY_CODE", f"{country!r} is not a calling code")
        configured = env.get("SCRM_IDENTITY_KEY", "")
        if configured:
            if len(configured) < 16:
                raise ConfigError("SCRM_IDENTITY_KEY", "must be at least 16 characters")
            return cls(configured.encode("utf-8"), country)
        data_dir = Path(env.get("SCRM_DATA_DIR", "").strip() or "data")
        return cls(_key_file_secret(data_dir / _KEY_FILE), country)

    def normalise(self, key_type: str, raw: str) -> str:
        return normalise_key(key_type, raw, country_code=self.country_code)

    def token(self, key_type: str, raw: str) -> str:
        """The key token of a raw value; raises :class:`BadKey`."""
        return self.token_of_normalised(key_type, self.normalise(key_type, raw))

    def token_of_normalised(self, key_type: str, value: str) -> str:
        digest = hmac.new(self.secret, f"{key_type}:{value}".encode(), hashlib.sha256)
        return f"{key_type}:{digest.hexdigest()[:_TOKEN_HEX]}"


def store_pii(env: Mapping[str, str] | None = None) -> bool:
    """Whether raw e-mail addresses and phone numbers may be stored (``SCRM_STORE_PII=1``)."""
    env = os.environ if env is None else env
    return env.get("SCRM_STORE_PII", "").strip().lower() in {"1", "true", "yes"}


def _key_file_secret(path: Path) -> bytes:
    """Read the secret from ``path``, creating it (0600, exclusive) if it does not exist."""
    try:
        return _read_key_file(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written aside and hard-linked into place, so a concurrent reader never sees a
    # half-written file and two racing creators agree on one key.
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32) + "\n")
        # Another process may have created it first: then theirs is the key.
        with contextlib.suppress(FileExistsError):
            os.link(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    return _read_key_file(path)


def _read_key_file(path: Path) -> bytes:
    text = path.read_text(encoding="ascii").strip()
    if len(text) < 32:
        raise ConfigError("SCRM_IDENTITY_KEY", f"{path} holds no usable key (too short or empty)")
    if path.stat().st_mode & 0o077:
        raise ConfigError(
            "SCRM_IDENTITY_KEY", f"{path} is readable by others; run: chmod 600 {path}"
        )
    return text.encode("ascii")


def _redact(value: str) -> str:
    # Error messages end up in rejects files and logs: show the shape, not the address.
    return value[:2] + "…" if len(value) > 2 else "…"

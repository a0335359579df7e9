"""Native ids in each channel's own shape: snowflakes, Weibo mids, base36, WeCom ids.

Post ids grow with time where the platform's do (Twitter snowflakes, Weibo mids,
Reddit base36), so sorting by id sorts by time, as in real exports.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable

__all__ = ["IdMaker", "base36", "slack_ts", "tweet_id", "weibo_mid"]

_TWITTER_EPOCH = 1_288_834_974_657
_B36 = string.digits + string.ascii_lowercase
_WECOM = string.ascii_letters + string.digits
_UPPER = string.ascii_uppercase + string.digits


def base36(n: int) -> str:
    out = []
    while True:
        n, r = divmod(n, 36)
        out.append(_B36[r])
        if n == 0:
            return "".join(reversed(out))


def tweet_id(ms: int, index: int) -> str:
    """A snowflake: time in the high bits, the post's index in the low 22."""
    return str(((ms - _TWITTER_EPOCH) << 22) | (index & 0x3FFFFF))


def weibo_mid(ms: int, index: int) -> str:
    """A 16-digit Weibo mid that grows with time."""
    return str(4_000_000_000_000_000 + (ms // 1000 - 1_500_000_000) * 100_000 + index % 100_000)


def slack_ts(ms: int, index: int) -> str:
    """A Slack message ts, ``"<seconds>.<microseconds>"``, unique per message."""
    return f"{ms // 1000}.{(ms % 1000) * 1000 + index % 1000:06d}"


class IdMaker:
    """Random but unique ids, drawn from one seeded generator in a fixed order."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.taken: set[str] = set()

    def unique(self, kind: str, wanted: str) -> str:
        candidate, n = wanted, 1
        while f"{kind}:{candidate}" in self.taken:
            n += 1
            candidate = f"{wanted}{n}"
        self.taken.add(f"{kind}:{candidate}")
        return candidate

    def _draw(self, kind: str, maker: Callable[[], str]) -> str:
        while True:
            value = maker()
            key = f"{kind}:{value}"
            if key not in self.taken:
                self.taken.add(key)
                return value

    def _int(self, low: int, high: int) -> Callable[[], str]:
        return lambda: str(self.rng.randrange(low, high))

    def _token(self, alphabet: str, n: int) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def account_id(self, platform: str, created_ms: int) -> str:
        """The native user id of a new account on ``platform``."""
        if platform == "twitter":
            if created_ms < 1_356_998_400_000:  # before 2013: plain sequential ids
                return self._draw("twitter", self._int(10_000_000, 1_100_000_000))
            base = (created_ms - _TWITTER_EPOCH) << 22
            return self._draw("twitter", lambda: str(base | self.rng.getrandbits(22)))
        if platform == "weibo":
            return self._draw("weibo", self._int(1_000_000_000, 7_999_999_999))
        if platform == "reddit":
            return "t2_" + self._draw("reddit", lambda: base36(self.rng.randrange(36**6, 36**8)))
        if platform == "slack":
            return "U" + self._draw("slack", lambda: self._token(_UPPER, 10))
        if platform == "wechat":
            return self.external_userid()
        raise ValueError(f"no account ids for platform {platform!r}")

    def slack_channel(self) -> str:
        return "C" + self._draw("slack-channel", lambda: self._token(_UPPER, 10))

    def slack_team(self) -> str:
        return "T" + self._draw("slack-team", lambda: self._token(_UPPER, 10))

    def external_userid(self) -> str:
        return "wm" + self._draw("wecom-external", lambda: self._token(_WECOM, 30))

    def unionid(self) -> str:
        return "o" + self._draw("unionid", lambda: self._token(_WECOM + "-_", 27))

    def openid(self) -> str:
        return "o" + self._draw("openid", lambda: self._token(_WECOM + "-_", 27))

    def chat_id(self) -> str:
        return "wr" + self._draw("wecom-chat", lambda: self._token(_WECOM, 28))

    def tag_id(self) -> str:
        return "et" + self._draw("wecom-tag", lambda: self._token(_WECOM, 30))

    def phone(self) -> str:
        prefixes = ("138", "139", "136", "150", "186", "177", "135", "188")
        return self._draw(
            "phone", lambda: self.rng.choice(prefixes) + str(self.rng.randrange(10**7, 10**8))
        )

    def shopify(self, kind: str) -> int:
        low = 7_000_000_000_000 if kind == "customer" else 5_500_000_000_000
        return int(self._draw(f"shopify-{kind}", self._int(low, low + 10**12)))

    def hex(self, n: int) -> str:
        return f"{self.rng.getrandbits(4 * n):0{n}x}"

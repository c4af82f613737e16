"""How many wrong passwords a login takes before it is refused without a look (issue 12 part 4).

Counted in the store (auditor.store.signins), so every process of a deployment counts the same guesses, and a
restart forgets none. Two counts over the last WINDOW: per account name (exists or not, so the answer never tells
which names exist), which stops guessing one account's password; and per client address, which stops trying one
password on every account. While either is over its limit the login is refused with 429 before the password is
checked, so a guesser costs the server no argon2 work either. The price is that a guesser can keep an account's
owner out for the window: the office then signs in from its own address, whose count is its own, once the window
ends (the account's count starts again at its next right password).

Behind a reverse proxy every request comes from the proxy's address unless uvicorn trusts its X-Forwarded-For (a
proxy on 127.0.0.1 by default; others named in the FORWARDED_ALLOW_IPS environment variable); the per-account count
holds either way.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path

from auditor.store import Store, StoreError
from auditor.store.signins import SignIns

WINDOW = timedelta(minutes=15)
PER_ACCOUNT = 5  # wrong passwords for one account name in WINDOW
PER_CLIENT = 30  # wrong passwords from one address in WINDOW, whatever the names

MESSAGES = {"zh": f"登录失败次数过多，请 {WINDOW.seconds // 60} 分钟后再试",
            "en": f"too many failed logins: try again in {WINDOW.seconds // 60} minutes"}


def _since() -> str:
    return (datetime.now(UTC) - WINDOW).isoformat(timespec="microseconds")


def failures(store: Store, name: str, client: str) -> tuple[int, int]:
    """The refused logins in the window: of this account name, and from this address."""
    return SignIns(store).failures(name, client, _since())


def held(counts: tuple[int, int]) -> bool:
    """Whether a login with these counts (failures) is refused unread: its account or its address is over."""
    by_name, by_client = counts
    return by_name >= PER_ACCOUNT or by_client >= PER_CLIENT


# Seconds a count waits for the store's write lock. A batch holds SQLite's for as long as it records 64 files: a
# login must not wait that long, or fail, for a count (reading the counts never waits).
WRITE_SECONDS = 2.0


def refused(db: Path | str, name: str, client: str) -> None:
    """Count a refused login; a store too busy to take the count now does not hold the login up for it."""
    with suppress(StoreError), Store(db, timeout=WRITE_SECONDS) as store:
        SignIns(store).refused(name, client, _since())


def succeeded(db: Path | str, name: str, counts: tuple[int, int]) -> None:
    """The account's count starts again: written only when there is one (most logins write nothing)."""
    if counts[0] == 0:
        return
    with suppress(StoreError), Store(db, timeout=WRITE_SECONDS) as writer:
        SignIns(writer).succeeded(name)

"""Passwords: argon2id hashes (argon2-cffi's PasswordHasher, its default parameters: RFC 9106's low-memory choice),
never the password itself."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()
# Checked against when the name is unknown, so a login takes as long for a name that exists as for one that doesn't.
_DUMMY = _HASHER.hash("no such user")
MIN_LENGTH = 10


def hash_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise ValueError(f"a password needs at least {MIN_LENGTH} characters")
    return _HASHER.hash(password)


def verify(password_hash: str | None, password: str) -> bool:
    """Whether `password` is the one hashed; False for a missing or damaged hash (never an exception)."""
    try:
        return _HASHER.verify(password_hash or _DUMMY, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


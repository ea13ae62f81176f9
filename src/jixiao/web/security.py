"""Passwords, session tokens and CSRF tokens.

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106's low-memory profile). A
session cookie carries a random token; the database keeps only its SHA-256. Each session has its
own random CSRF token, which every form and every unsafe API call must send back; the login form,
which has no session yet, uses a double-submit cookie instead.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError
from argon2.exceptions import VerificationError

_hasher = PasswordHasher()
# Verified against when the user does not exist, so both cases take the same time.
_DUMMY = _hasher.hash(secrets.token_urlsafe(16))

MIN_PASSWORD = 8


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> str | None:
    """Why ``password`` is not acceptable, in Chinese, or None."""
    if len(password) < MIN_PASSWORD:
        return f"密码至少 {MIN_PASSWORD} 个字符"
    if password.isdigit() or password.isalpha():
        return "密码不能只有数字或只有字母"
    return None


def new_password() -> str:
    """A random first password (printed once by ``jixiao serve``)."""
    return secrets.token_urlsafe(12)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def same(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and hmac.compare_digest(a.encode(), b.encode())

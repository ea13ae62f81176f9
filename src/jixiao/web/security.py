"""Passwords, session tokens and CSRF tokens.

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106's low-memory profile). A
session cookie carries a random token; the database keeps only its SHA-256. Each session has its
own random CSRF token, which every form and every unsafe API call must send back; the login form,
which has no session yet, uses a double-submit cookie instead.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from importlib import resources

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


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords (``common_passwords.txt``), in lower case."""
    text = (resources.files("jixiao.web") / "common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def password_problem(password: str, username: str | None = None) -> str | None:
    """Why ``password`` is not acceptable (for ``username``), in Chinese, or None: the one policy
    of the web forms and the ``jixiao user`` commands."""
    if not password.strip():
        return "密码不能为空，也不能只有空格"
    if len(password) < MIN_PASSWORD:
        return f"密码至少 {MIN_PASSWORD} 个字符"
    if password.isdigit() or password.isalpha():
        return "密码不能只有数字或只有字母"
    if username is not None and password.strip().lower() == username.strip().lower():
        return "密码不能与用户名相同"
    if password.strip().lower() in common_passwords():
        return "该密码过于常见（在常用密码列表中），请换一个"
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

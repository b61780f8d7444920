"""Join codes for browser access: random, stored only as salted hashes, and throttled."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets

CODES_ENV = "EXERCISE_JOIN_CODES"  # the codes 'serve' issued, handed to the facilitator's console
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read out in a room
ITERATIONS = 200_000
FIRST_WAIT = 1.0  # seconds after the first wrong code; doubles with each one after
MAX_WAIT = 300.0


class WrongCode(Exception):
    """A join code that opens nothing; ``wait`` is how long the client must wait now."""

    def __init__(self, message: str, wait: float):
        super().__init__(message)
        self.wait = wait


def new_code() -> str:
    """A code like ``K7QM-3XPD`` (about 40 bits)."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def normalise(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def hash_code(code: str, salt: str | None = None) -> tuple[str, str]:
    """(salt, hex digest) of a code."""
    salt = salt or secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", normalise(code).encode(), bytes.fromhex(salt), ITERATIONS)
    return salt, digest.hex()


def matches(code: str, salt: str, digest: str) -> bool:
    return hmac.compare_digest(hash_code(code, salt)[1], digest)


def now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds")


def wait_after(failures: int, last: str) -> float:
    """Seconds still to wait after ``failures`` wrong codes, the last at ``last``."""
    if not failures or not last:
        return 0.0
    delay = min(FIRST_WAIT * 2 ** (failures - 1), MAX_WAIT)
    elapsed = (datetime.datetime.now(datetime.UTC) - datetime.datetime.fromisoformat(last)).total_seconds()
    return max(0.0, delay - elapsed)

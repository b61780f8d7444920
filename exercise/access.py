"""Join codes for browser access: random, stored only as salted hashes, and throttled.

Two limits keep guessing slow without ever turning a right code away. Each connection (a
browser tab has its own console process) waits twice as long after each of its wrong codes,
and checks one code at a time (``Throttle``). Across all connections, checks take turns at
most ``GUESS_GAP`` seconds apart: a check waits for its turn instead of being refused
(``Session.join`` reserves the turns in the session file).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read out in a room
ITERATIONS = 200_000
FIRST_WAIT = 1.0  # seconds after the first wrong code; doubles with each one after
MAX_WAIT = 300.0
GUESS_GAP = 0.25  # seconds between any two code checks on one session: at most 4 a second
CODE_CHARS = 8  # "K7QM-3XPD" less its dash


class WrongCode(Exception):
    """A join code that opens nothing; ``wait`` is how long the client must wait now."""

    def __init__(self, message: str, wait: float):
        super().__init__(message)
        self.wait = wait


def new_code() -> str:
    """A code like ``K7QM-3XPD`` (about 40 bits)."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_CHARS))
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


class Throttle:
    """One connection's wrong codes: each doubles its wait before the next try; one check at a time."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self.failures = 0
        self._next_try = 0.0
        self._checking = threading.Lock()

    def wait(self) -> float:
        """Seconds this connection must still wait before it may try a code."""
        return max(0.0, self._next_try - self.clock())

    def begin(self) -> None:
        """Start a check; WrongCode if this connection must wait or is already checking one."""
        wait = self.wait()
        if wait > 0:
            raise WrongCode(f"too many wrong codes: wait {wait:.0f} s before trying again", wait)
        if not self._checking.acquire(blocking=False):
            raise WrongCode("a code is being checked: wait for the answer", FIRST_WAIT)

    def end(self, right: bool) -> float:
        """Finish a check; returns the wait a wrong code now imposes."""
        if right:
            self.failures, self._next_try = 0, 0.0
        else:
            self.failures += 1
            self._next_try = self.clock() + min(FIRST_WAIT * 2 ** (self.failures - 1), MAX_WAIT)
        self._checking.release()
        return self.wait()

"""The shape of Hub's access tokens (pure): personal ones here, organization ones in images.services.organizations.

Both kinds are stored hashed; the clear token is shown once. The prefixes tell a token from a
password at a glance, so no token is ever checked as a person's password.
"""

import hashlib
import secrets

TOKEN_PREFIX = "hub_pat_"  # noqa: S105 - a marker, not a secret
ORG_TOKEN_PREFIX = "hub_oat_"  # noqa: S105 - a marker, not a secret
SHOWN_CHARS = 4  # kept after the prefix (`prefix` column) so people can tell their tokens apart


def token_hash(clear: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough (no dictionary to guess from).
    return hashlib.sha256(clear.encode()).hexdigest()


def token_new(prefix: str) -> tuple[str, str, str]:
    """(clear, shown prefix, hash) for a new token."""
    clear = prefix + secrets.token_urlsafe(32)
    return clear, clear[: len(prefix) + SHOWN_CHARS], token_hash(clear)

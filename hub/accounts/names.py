"""The rules every account name obeys: users and organizations share one name space (the namespace).

Pure: no Django, no database. Whether a name is already taken is asked elsewhere
(hub.accounts.services.user_name_check, which also asks images through a signal).
"""

import re

NAME_MIN = 2
NAME_MAX = 30
# The grammar of a namespace: lowercase letters and digits, with single separators between them
# (a subset of the OCI distribution-spec path component, so every account name is a registry name).
NAME_RE = r"[a-z0-9]+(?:[._-][a-z0-9]+)*"
NAME_RULE = f"{NAME_MIN} to {NAME_MAX} lowercase letters and digits, with single . _ or - between them"

# The first path component of the Hub API's /v2/ paths (/v2/repositories/..., /v2/users/login ...).
# `/v2/` is also the registry's prefix, so none of these may be a namespace nor a one-component
# (`library/`) repository name: the API would shadow it.
API_PATH_NAMES = frozenset(
    {"repositories", "namespaces", "users", "access-tokens", "search", "orgs", "alerts", "advisories"}
)
# The official namespace, and names that would read as the site itself in `docker login -u` and URLs.
SITE_PATH_NAMES = frozenset(
    {"library", "_", "api", "v1", "v2", "token", "login", "logout", "signup", "settings", "static", "media"}
)
RESERVED_NAMES = API_PATH_NAMES | SITE_PATH_NAMES

_NAME = re.compile(rf"^{NAME_RE}\Z")


class NameRefused(ValueError):
    """A name no account may take; `code` is "invalid" or "reserved"."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def name_check(name: str) -> str:
    """The namespace an account called `name` gets (names are case-insensitive); NameRefused when none may.

    >>> name_check("Alice")
    'alice'
    """
    lowered = name.lower()
    # ASCII first: some other letters lower to ASCII ones (the Kelvin sign to "k").
    if not name.isascii() or not NAME_MIN <= len(lowered) <= NAME_MAX or not _NAME.match(lowered):
        raise NameRefused(f"names are {NAME_RULE}", "invalid")
    if lowered in RESERVED_NAMES:
        raise NameRefused(f"{name!r} is reserved", "reserved")
    return lowered

"""hub.accounts.names: the rules every account name obeys (pure: no database)."""

import pytest

from hub.accounts.names import (
    API_PATH_NAMES,
    NAME_MAX,
    RESERVED_NAMES,
    SITE_PATH_NAMES,
    NameRefused,
    name_check,
)

# Every name here is refused to users and organizations alike (tests/services/test_organizations.py).
RESERVED = [
    "repositories",
    "namespaces",
    "users",
    "access-tokens",
    "search",
    "orgs",
    "alerts",
    "library",
    "_",
    "Library",
]


@pytest.mark.parametrize(
    "name, namespace",
    [
        ("alice", "alice"),
        ("Alice", "alice"),  # names are case-insensitive; the namespace is lowercase
        ("ab", "ab"),
        ("a" * NAME_MAX, "a" * NAME_MAX),
        ("web.team", "web.team"),
        ("my_org", "my_org"),
        ("acme-corp", "acme-corp"),
        ("a1-b2.c3_d4", "a1-b2.c3_d4"),
        ("007", "007"),
        ("admin", "admin"),  # the default first admin's name is an ordinary one
    ],
)
def test_names_accepted(name, namespace):
    assert name_check(name) == namespace


@pytest.mark.parametrize(
    "name",
    [
        "",
        "a",  # too short
        "a" * (NAME_MAX + 1),  # too long
        "UPPER case",
        "bad/slash",
        "-dash",
        "dash-",
        ".dot",
        "a..b",
        "a__b",
        "a-_b",
        "a b",
        "a@example.org",
        "a+b",
        "ünï",
        "\u212ax",  # the Kelvin sign lowers to an ASCII "k": not a name
        "a\x00b",
        "tab\t",
    ],
)
def test_names_invalid(name):
    with pytest.raises(NameRefused) as refused:
        name_check(name)
    assert refused.value.code == "invalid"
    assert "lowercase letters and digits" in refused.value.message


@pytest.mark.parametrize("name", [*RESERVED, *sorted(RESERVED_NAMES), "API", "Settings"])
def test_names_reserved(name):
    if len(name) < 2:  # "_" is both reserved and too short; either way it is refused
        with pytest.raises(NameRefused):
            name_check(name)
        return
    with pytest.raises(NameRefused) as refused:
        name_check(name)
    assert refused.value.code == "reserved" and "reserved" in refused.value.message


def test_reserved_names_are_the_api_paths_and_the_sites():
    assert API_PATH_NAMES == {
        "repositories",
        "namespaces",
        "users",
        "access-tokens",
        "search",
        "orgs",
        "alerts",
        "advisories",
    }
    assert {"library", "_", "v2", "token", "login", "settings"} <= SITE_PATH_NAMES
    assert RESERVED_NAMES == API_PATH_NAMES | SITE_PATH_NAMES

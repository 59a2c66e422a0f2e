import pytest

from images.search.query import damerau_levenshtein, parse_query, typo_budget
from images.selectors.tags import natural_key


@pytest.mark.parametrize(
    "text, name, namespace, tag, words",
    [
        ("nginx", "nginx", "", "", ("nginx",)),
        ("  NGINX  ", "nginx", "", "", ("nginx",)),
        ("bitnami/redis", "redis", "bitnami", "", ("redis",)),
        ("_/nginx", "nginx", "library", "", ("nginx",)),
        ("nginx:1.27-alpine", "nginx", "", "1.27-alpine", ("nginx",)),
        ("bitnami/redis:7", "redis", "bitnami", "7", ("redis",)),
        ("node exporter", "node-exporter", "", "", ("node", "exporter")),
        ("team/app/api", "app/api", "team", "", ("app", "api")),
        ("", "", "", "", ()),
        ("bit\x00nami/re\x01dis:7\x7f", "redis", "bitnami", "7", ("redis",)),  # control characters dropped
        ("\ud800nginx", "nginx", "", "", ("nginx",)),  # a lone surrogate too
    ],
)
def test_parse_query(text, name, namespace, tag, words):
    parsed = parse_query(text)
    assert (parsed.name, parsed.namespace, parsed.tag, parsed.words) == (name, namespace, tag, words)


@pytest.mark.parametrize(
    "a, b, distance",
    [("nginx", "nginx", 0), ("ngnix", "nginx", 1), ("ngin", "nginx", 1), ("redis", "reddis", 1), ("abc", "xyz", 2)],
)
def test_damerau_levenshtein(a, b, distance):
    assert damerau_levenshtein(a, b, limit=1) == min(distance, 2)


def test_short_names_get_no_typo_budget():
    assert typo_budget("go") == 0 and typo_budget("nginx") == 1 and typo_budget("postgresql") == 2


def test_natural_version_order():
    tags = ["1.10", "1.9", "1.10.1", "latest", "1.2-alpine", "1.2", "10", "2"]
    assert sorted(tags, key=natural_key) == ["1.2", "1.2-alpine", "1.9", "1.10", "1.10.1", "2", "10", "latest"]


def test_tag_sort_key_sorts_as_natural_key_in_plain_byte_order():
    from images.models.content import tag_sort_key

    tags = ["latest", "10", "1.10.1", "2", "1.9", "1.2-alpine", "1.10", "1.2", "007", "1.2-Alpine", "v1.0", "1.2.0"]
    expected = sorted(tags, key=natural_key)
    assert sorted(tags, key=tag_sort_key) == expected
    assert sorted(tags, key=lambda t: tag_sort_key(t).encode()) == expected
    assert all(set(tag_sort_key(t)) <= set("0123456789abcdef") for t in tags)

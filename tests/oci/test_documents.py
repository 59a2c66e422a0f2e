"""images/oci/documents.py: the depth measure that runs before json.loads."""

import json

import pytest

from images.errors import ManifestInvalid
from images.oci.documents import MAX_DEPTH, json_depth, json_object_load


@pytest.mark.parametrize(
    "body, depth",
    [
        (b"1", 0),
        (b"{}", 1),
        (b'{"a": [1, {"b": []}]}', 4),
        (b'{"a": "[[[[{{{{"}', 1),
        (b'{"a": "\\"[[["}', 1),  # an escaped quote does not end the string
        (b'{"a\\\\": "[["}', 1),  # an escaped backslash does not escape the quote after it
        ('{"é": "[[", "b": [[]]}'.encode(), 3),
        (b"[" * 100_000, 100_000),
        # Unterminated strings run to the end, so these take one linear pass (a pattern that could
        # fail would be retried from every escaped quote: hours for 2 MB).
        (b'{"a": "' + b'\\"[' * 700_000, 1),
        (b'{"a": "' + b'\\"[' * 700_000 + b"\\", 1),
    ],
    ids=["scalar", "object", "nested", "brackets-in-string", "escaped-quote", "escaped-backslash", "utf8", "deep",
         "unterminated-escapes", "unterminated-backslash"],
)  # fmt: skip
def test_depth(body, depth):
    assert json_depth(body) == depth


@pytest.mark.parametrize("depth", [1, 10, MAX_DEPTH])
def test_depth_agrees_with_json(depth):
    body = (b'{"a":' * depth + b"1" + b"}" * depth).replace(b'{"a":1}', b'{"a":[]}')
    json.loads(body)
    assert json_depth(body) == depth + 1


def test_an_unterminated_string_full_of_brackets_is_not_json():
    with pytest.raises(ManifestInvalid) as refused:
        json_object_load(b'{"a": "' + b'\\"[' * 700_000)
    assert refused.value.detail["reason"].startswith("not JSON: Unterminated string")


def test_the_depth_limit_is_a_parameter():
    assert json_object_load(b'{"a": [[]]}', max_depth=3) == {"a": [[]]}
    with pytest.raises(ManifestInvalid) as refused:
        json_object_load(b'{"a": [[[]]]}', max_depth=3)
    assert refused.value.detail == {"reason": "nesting too deep (more than 3 levels)"}

"""images/documents.py: JSON and YAML from outside, read within bounds, and the depth measure that runs
before json.loads in strict reading (pushed manifests)."""

import json
import re

import pytest

from images.documents import MAX_DEPTH, DocumentError, check_shape, json_depth, load_json, load_json_object, load_yaml

MIB = 1 << 20


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    "load, text, reason",
    [
        pytest.param(load_json, nested(100_000), "is nested deeper than 64 levels", id="json-100000-deep"),
        pytest.param(load_json, nested(MAX_DEPTH + 1), "is nested deeper than 64 levels", id="json-65-deep"),
        pytest.param(
            load_json, '{"a": "' + "x" * MIB + '"}', "is 1048585 bytes, more than the 1 MiB allowed", id="big"
        ),
        pytest.param(load_json, "[1, 2", "is not valid JSON: Expecting ',' delimiter", id="not-json"),
        pytest.param(load_json, b"\xff\xfe\x00", "is not valid JSON", id="not-text"),
        pytest.param(load_yaml, nested(100_000), "is nested deeper than 64 levels", id="yaml-100000-deep"),
        pytest.param(load_yaml, "a: [unclosed", "is not valid YAML", id="not-yaml"),
        pytest.param(
            load_yaml,
            "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(7)),
            "holds more than 1000000 values (YAML aliases repeating a value?)",
            id="yaml-alias-bomb",
        ),
    ],
)
def test_refused_documents_say_why(load, text, reason):
    with pytest.raises(DocumentError) as raised:
        load(text, MIB)
    assert str(raised.value).startswith(reason)


def test_documents_within_the_bounds_are_read():
    assert load_json(nested(MAX_DEPTH), MIB) is not None
    assert load_json(b'{"a": [1, {"b": null}]}', MIB) == {"a": [1, {"b": None}]}
    assert load_yaml("a: &a [1, 2]\nb: *a\n", MIB) == {"a": [1, 2], "b": [1, 2]}


def test_values_are_counted_through_repeats():
    shared = [0] * 10
    check_shape([shared] * 10, max_values=111)
    with pytest.raises(DocumentError, match="holds more than 110 values"):
        check_shape([shared] * 10, max_values=110)


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
    with pytest.raises(DocumentError) as refused:
        load_json_object(b'{"a": "' + b'\\"[' * 700_000, 4 * MIB, strict=True)
    assert str(refused.value).startswith("is not valid JSON: Unterminated string")


def test_the_depth_limit_is_a_parameter():
    assert load_json_object(b'{"a": [[]]}', MIB, strict=True, max_depth=3) == {"a": [[]]}
    with pytest.raises(DocumentError, match="^is nested deeper than 3 levels$"):
        load_json_object(b'{"a": [[[]]]}', MIB, strict=True, max_depth=3)


@pytest.mark.parametrize(
    "body, reason",
    [
        (b"\xff\xfe{}", "is not UTF-8 (byte 0)"),
        (b"\xef\xbb\xbf{}", "starts with a byte order mark"),
        (b'{"a": NaN}', "holds NaN, which is not JSON"),
        (b'{"a": ' + b"9" * 21 + b"}", "holds a number of 21 digits, more than the 20 allowed"),
        (b"[]", "is not a JSON object"),
    ],
)
def test_strict_reading_refuses_what_a_manifest_may_not_be(body, reason):
    with pytest.raises(DocumentError, match=f"^{re.escape(reason)}$"):
        load_json_object(body, MIB, strict=True)

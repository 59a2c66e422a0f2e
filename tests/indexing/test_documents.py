import pytest

from images.indexing.documents import MAX_DEPTH, DocumentError, check_shape, load_json, load_yaml

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

from pathlib import Path

import pytest

from images.indexing.packages import npm
from images.indexing.packages.model import UnreadableFile

FIXTURES = Path(__file__).parent.parent / "fixtures" / "npm"
MODULES = "usr/lib/node_modules"


@pytest.mark.parametrize(
    "path, expected",
    [
        (f"{MODULES}/npm/package.json", [("npm", "11.19.1", ("Artistic-2.0",), "pkg:npm/npm@11.19.1")]),
        (f"{MODULES}/corepack/package.json", [("corepack", "0.34.6", ("MIT",), "pkg:npm/corepack@0.34.6")]),
        (
            f"{MODULES}/npm/node_modules/@npmcli/arborist/package.json",
            [("@npmcli/arborist", "9.9.1", ("ISC",), "pkg:npm/%40npmcli/arborist@9.9.1")],
        ),
        (
            f"{MODULES}/npm/node_modules/glob/package.json",
            [("glob", "13.0.6", ("BlueOak-1.0.0",), "pkg:npm/glob@13.0.6")],
        ),
        (
            f"{MODULES}/npm/node_modules/util-deprecate/package.json",
            [("util-deprecate", "1.0.2", ("MIT",), "pkg:npm/util-deprecate@1.0.2")],
        ),
    ],
)
def test_parse_package_json(path, expected):
    assert npm.is_npm_manifest(path)
    packages = npm.parse_package_json((FIXTURES / path).read_text(), path)
    assert [(p.name, p.version, p.licenses, p.purl) for p in packages] == expected
    assert all(p.type == "npm" and p.path == path for p in packages)


def test_module_type_marker_is_not_a_package():
    path = f"{MODULES}/npm/node_modules/glob/dist/esm/package.json"
    assert not npm.is_npm_manifest(path)
    assert npm.parse_package_json((FIXTURES / path).read_text(), path) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param('{"name": "a", "version": "1.0.0", "license": {"type": "MIT"}}', ("MIT",), id="object"),
        pytest.param(
            '{"name": "a", "version": "1.0.0", "licenses": [{"type": "MIT"}, {"type": "Apache-2.0"}]}',
            ("MIT", "Apache-2.0"),
            id="old-list",
        ),
    ],
)
def test_old_license_forms(text, expected):
    assert npm.parse_package_json(text, "node_modules/a/package.json")[0].licenses == expected


@pytest.mark.parametrize("text", ['{"name": "a"}', '{"version": "1.0.0"}', "[1, 2]", '{"name": 1, "version": []}'])
def test_manifests_that_name_no_package(text):
    assert npm.parse_package_json(text, "node_modules/a/package.json") == []


@pytest.mark.parametrize(
    "text, reason",
    [
        pytest.param("{not json", "package.json is not valid JSON: Expecting property name", id="not-json"),
        pytest.param("", "package.json is not valid JSON: Expecting value", id="empty"),
        pytest.param("[" * 100_000 + "]" * 100_000, "package.json is nested deeper than 64 levels", id="100000-deep"),
        pytest.param('{"a":' * 65 + "1" + "}" * 65, "package.json is nested deeper than 64 levels", id="65-deep"),
        pytest.param(
            '{"x": "' + "y" * npm.MAX_BYTES + '"}',
            f"package.json is {npm.MAX_BYTES + 9} bytes, more than the 1 MiB allowed",
            id="oversize",
        ),
        pytest.param(
            '{"version": ' + "9" * 5000 + "}", "package.json is not valid JSON: Exceeds the limit", id="huge-int"
        ),
    ],
)
def test_unreadable_manifests_say_why(text, reason):
    with pytest.raises(UnreadableFile) as raised:
        npm.parse_package_json(text, "node_modules/a/package.json")
    assert str(raised.value).startswith(reason)


def test_nesting_just_under_the_limit_is_read():
    text = '{"name": "a", "version": "1", "deep": ' + "[" * 63 + "]" * 63 + "}"
    assert [p.name for p in npm.parse_package_json(text, "node_modules/a/package.json")] == ["a"]

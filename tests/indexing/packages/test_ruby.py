from pathlib import Path

import pytest

from images.indexing.packages import ruby

FIXTURES = Path(__file__).parent.parent / "fixtures" / "ruby"
SPECIFICATIONS = "usr/local/bundle/specifications"


@pytest.mark.parametrize(
    "fixture, expected",
    [
        ("graphql-guard-2.0.0.gemspec", ("graphql-guard", "2.0.0", ("MIT",), "pkg:gem/graphql-guard@2.0.0")),
        ("formtastic-5.0.0.gemspec", ("formtastic", "5.0.0", ("MIT",), "pkg:gem/formtastic@5.0.0")),
        ("rack-openid-1.3.1.gemspec", ("rack-openid", "1.3.1", (), "pkg:gem/rack-openid@1.3.1")),
    ],
)
def test_parse_gemspec(fixture, expected):
    path = f"{SPECIFICATIONS}/{fixture}"
    assert ruby.is_gem_specification(path)
    (package,) = ruby.parse_gemspec((FIXTURES / fixture).read_text(), path)
    assert (package.name, package.version, package.licenses, package.purl) == expected
    assert package.type == "gem"


def test_several_licenses():
    text = 's.name = "x"\n  s.version = "1"\n  s.licenses = ["MIT".freeze, "Ruby".freeze]\n'
    assert ruby.parse_gemspec(text, "specifications/x-1.gemspec")[0].licenses == ("MIT", "Ruby")


@pytest.mark.parametrize("text", ["", "Gem::Specification.new do |s|\nend\n", 's.name = "x"\n'])
def test_incomplete_specifications(text):
    assert ruby.parse_gemspec(text, "specifications/x.gemspec") == []


@pytest.mark.parametrize(
    "path, expected",
    [
        ("usr/local/bundle/specifications/rake-13.0.6.gemspec", True),
        ("var/lib/gems/3.1.0/specifications/default/json-2.6.1.gemspec", True),
        ("app/mygem.gemspec", False),
    ],
)
def test_is_gem_specification(path, expected):
    assert ruby.is_gem_specification(path) is expected

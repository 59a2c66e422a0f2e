"""The package and advisory terms of the query language (images/search/terms.py): a table of what each
form reads as, the versions each ecosystem's order lets through, and the messages of terms that cannot be read."""

import pytest

from images.search.query import parse_query
from images.search.terms import Bound, FindingTerm, PackageTerm, QueryInvalid, package_query, split_terms

LT, LE, GT, GE, EQ, NE = "<", "<=", ">", ">=", "=", "!="


@pytest.mark.parametrize(
    "text, packages",
    [
        ("pkg:openssl", [PackageTerm("openssl")]),
        ("pkg:openssl<3.0.14", [PackageTerm("openssl", "", (Bound(LT, "3.0.14"),))]),
        ("pkg:openssl>=3,<3.0.14", [PackageTerm("openssl", "", (Bound(GE, "3"), Bound(LT, "3.0.14")))]),
        ("pkg:openssl=1.2", [PackageTerm("openssl", "", (Bound(EQ, "1.2"),))]),
        ("pkg:openssl==1.2", [PackageTerm("openssl", "", (Bound(EQ, "1.2"),))]),
        ("pkg:openssl!=1.2", [PackageTerm("openssl", "", (Bound(NE, "1.2"),))]),
        ("pkg:openssl@1.2", [PackageTerm("openssl", "", (Bound(EQ, "1.2"),))]),
        ("PKG:OpenSSL<=1:2.0~rc1", [PackageTerm("OpenSSL", "", (Bound(LE, "1:2.0~rc1"),))]),
        ("pkg:pypi/jinja2@2.10", [PackageTerm("jinja2", "pypi", (Bound(EQ, "2.10"),))]),
        ("pkg:pkg:pypi/jinja2@2.10", [PackageTerm("jinja2", "pypi", (Bound(EQ, "2.10"),))]),
        ("pkg:pypi/Jinja2>2.10.1", [PackageTerm("jinja2", "pypi", (Bound(GT, "2.10.1"),))]),
        ("pkg:deb/debian/openssl@3.0.11-1?arch=amd64", [PackageTerm("openssl", "deb", (Bound(EQ, "3.0.11-1"),))]),
        ("pkg:npm/%40babel/core@7.24.0", [PackageTerm("@babel/core", "npm", (Bound(EQ, "7.24.0"),))]),
        ("pkg:@babel/core", [PackageTerm("@babel/core")]),
        ("pkg:golang/golang.org/x/net<0.23.0", [PackageTerm("golang.org/x/net", "golang", (Bound(LT, "0.23.0"),))]),
        ("pkg:maven/org.a/log4j<2.17.1", [PackageTerm("org.a:log4j", "maven", (Bound(LT, "2.17.1"),))]),
        ("pkg:github.com/x/y", [PackageTerm("github.com/x/y")]),  # not a purl type: a name with slashes
        ("pkg:a pkg:b<2", [PackageTerm("a"), PackageTerm("b", "", (Bound(LT, "2"),))]),
    ],
)  # fmt: skip
def test_package_terms(text, packages):
    terms, rest = split_terms(text)
    assert list(terms.packages) == packages and rest == ""


@pytest.mark.parametrize(
    "text, finding",
    [
        ("cve:CVE-2024-3094", FindingTerm(advisories=("CVE-2024-3094",))),
        ("cve:cve-2024-3094", FindingTerm(advisories=("CVE-2024-3094",))),
        ("cve:2024-3094", FindingTerm(advisories=("CVE-2024-3094",))),
        ("ghsa:GHSA-JFH8-C2JP-5V3Q", FindingTerm(advisories=("GHSA-jfh8-c2jp-5v3q",))),
        ("osv:PYSEC-2019-217", FindingTerm(advisories=("PYSEC-2019-217",))),
        ("osv:DSA-5678-1 cve:CVE-2024-12345", FindingTerm(advisories=("DSA-5678-1", "CVE-2024-12345"))),
        ("severity:critical", FindingTerm(severities=("critical",))),
        ("severity:HIGH", FindingTerm(severities=("critical", "high"))),
        ("severity:low", FindingTerm(severities=("critical", "high", "medium", "low"))),
        ("fixable:yes", FindingTerm(fixable=True)),
        ("fixable:no", FindingTerm(fixable=False)),
        ("severity:medium fixable:yes", FindingTerm(severities=("critical", "high", "medium"), fixable=True)),
    ],
)
def test_finding_terms(text, finding):
    terms, rest = split_terms(text)
    assert terms.finding == finding and not terms.packages and rest == ""


@pytest.mark.parametrize(
    "text, name, tag, words",
    [
        ("nginx pkg:openssl<3", "nginx", "", ("nginx",)),
        ("pkg:openssl nginx:1.27", "nginx", "1.27", ("nginx",)),  # the rest alone is name:tag
        ("web server severity:high", "web-server", "", ("web", "server")),
        ("cve:CVE-2024-3094", "", "", ()),
    ],
)
def test_terms_leave_the_rest_of_the_query(text, name, tag, words):
    parsed = parse_query(text)
    assert (parsed.name, parsed.tag, parsed.words) == (name, tag, words)
    assert parsed.terms.any and parsed.raw == text


@pytest.mark.parametrize(
    "text, message",
    [
        ("pkg:", "a package name is missing"),
        ("pkg:<3", "a package name is missing"),
        ("pkg:openssl<", "a version is missing after <"),
        ("pkg:openssl<3,4", "each condition after a comma starts with"),
        ("pkg:openssl<3$", "3$ is not a version"),
        ("pkg:pypi/jinja2<not.a!version", "is not a version"),
        ("pkg:pypi/jinja2<", "a version is missing"),
        ("pkg:bad$name", "bad$name is not a package name"),
        ("severity:huge", "a severity is one of critical, high, medium, low"),
        ("severity:", "a severity is one of"),
        ("fixable:maybe", "write fixable:yes or fixable:no"),
        ("cve:abc", "not an advisory id, e.g. cve:CVE-2024-3094"),
        ("ghsa:GHSA-1", "not an advisory id"),
        ("osv:!", "not an advisory id"),
    ],
)
def test_unreadable_terms_say_why(text, message):
    with pytest.raises(QueryInvalid) as raised:
        parse_query(f"nginx {text}")
    assert message in raised.value.message and text.split("<")[0] in raised.value.message


@pytest.mark.parametrize(
    "term, package_type, version, holds",
    [
        ("pkg:openssl<3.0.14", "deb", "3.0.11-1~deb12u2", True),
        ("pkg:openssl<3.0.14", "deb", "3.0.14-1~deb12u1", False),  # dpkg: a revision comes after none
        ("pkg:openssl<3.0.14-1", "deb", "3.0.14-1~deb12u1", True),  # ~ sorts before everything
        ("pkg:openssl<3.0.14", "deb", "3.0.15-1~deb12u1", False),
        ("pkg:openssl<3.0.14", "deb", "1:1.0.0", False),  # an epoch outranks the rest
        ("pkg:openssl>=3,<3.0.14", "deb", "1.1.1w-0+deb11u1", False),
        ("pkg:openssl<3.1.4-r6", "apk", "3.1.4-r5", True),
        ("pkg:openssl<3.1.4", "apk", "3.1.4_rc1-r0", True),  # apk: _rc before the release
        ("pkg:openssl<3.0.7", "rpm", "3.0.7-24.el9", False),
        ("pkg:openssl<=1:3.0.7", "rpm", "1:3.0.7-24.el9", False),
        ("pkg:jinja2<2.10.1", "pypi", "2.10", True),
        ("pkg:jinja2=2.10", "pypi", "2.10.0", True),  # PEP 440: the same version
        ("pkg:jinja2<2.10", "pypi", "2.10rc1", True),
        ("pkg:lodash<4.17.21", "npm", "4.17.21-beta.1", True),  # semver pre-release
        ("pkg:x/net<0.23.0", "golang", "v0.22.0", True),  # Go's v prefix
        ("pkg:x/net<0.23.0", "golang", "v0.23.0", False),
        ("pkg:thing=1.0", "generic", "1.0", True),  # no order known: equality of the text only
        ("pkg:thing<2.0", "generic", "1.0", False),
        ("pkg:lodash<4.17.21", "npm", "not a version!", False),  # unreadable: meets no bound
        ("pkg:jinja2<2.10.1", "pypi", "2004d", True),  # pre-PEP 440 versions sort first, as in the matcher
    ],
)
def test_versions_compare_in_the_packages_ecosystem(term, package_type, version, holds):
    (package,), _ = split_terms(term)[0].packages, None
    assert package.version_matches(package_type, version) is holds


@pytest.mark.parametrize(
    "term, package_type, name, same",
    [
        ("pkg:jinja2", "pypi", "Jinja2", True),
        ("pkg:python_dateutil", "pypi", "python-dateutil", True),
        ("pkg:zope.interface", "pypi", "zope-interface", True),
        ("pkg:OpenSSL", "deb", "openssl", True),
        ("pkg:lib_ssl", "deb", "lib-ssl", False),  # only PyPI treats - _ . alike
        ("pkg:pypi/openssl", "deb", "openssl", False),  # the type narrows
    ],
)
def test_names_compare_as_the_ecosystem_does(term, package_type, name, same):
    package = split_terms(term)[0].packages[0]
    assert package.name_matches(package_type, name) is same
    assert same <= (name.lower() in package.name_variants() or package_type != "deb")


@pytest.mark.parametrize(
    "package_type, name, version, query",
    [
        ("pypi", "Jinja2", "2.10", "pkg:pypi/jinja2@2.10"),
        ("deb", "openssl", "3.0.11-1~deb12u2", "pkg:deb/openssl@3.0.11-1~deb12u2"),
        ("npm", "@babel/core", "7.24.0", "pkg:npm/%40babel/core@7.24.0"),
        ("golang", "golang.org/x/net", "v0.22.0", "pkg:golang/golang.org/x/net@v0.22.0"),
        ("maven", "org.apache:commons", "1.0", "pkg:maven/org.apache/commons@1.0"),
        ("unknown-type", "thing", "1", "pkg:thing=1"),
    ],
)
def test_package_query_finds_that_exact_version_again(package_type, name, version, query):
    assert package_query(package_type, name, version) == query
    (term,) = split_terms(query)[0].packages
    assert term.name_matches(package_type, name) or package_type == "unknown-type"
    assert term.version_matches(package_type, version)

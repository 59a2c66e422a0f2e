"""Package and advisory terms of the search query language, parsed without Django.

pkg:openssl                 images holding a package called openssl (any ecosystem; PyPI names as PEP 503)
pkg:openssl<3.0.14          ... in a version below 3.0.14, in the package's own ecosystem's order
pkg:openssl>=3,<3.0.14      a comma joins conditions (and); operators < <= > >= = == != and @ (equal)
pkg:pypi/jinja2@2.10        package-URL form: the type (pypi, deb, apk, rpm, npm, golang, ...) narrows
pkg:pkg:pypi/jinja2@2.10    the ecosystem; the whole purl may be written too
cve:CVE-2024-3094           images with a finding of this advisory: its id or any of its aliases
ghsa:GHSA-xxxx-xxxx-xxxx    (cve:, ghsa: and osv: differ only in how the id is spelled)
osv:PYSEC-2019-217
severity:high               images with a finding of this severity or worse (critical > high > medium > low)
fixable:yes                 images with a finding that has a fixed version (fixable:no: one without)
base:library/debian         images built on an image of that repository (`base:debian` too; images/search/bases.py)

The finding terms (cve/ghsa/osv, severity, fixable) describe one finding together: `severity:critical
fixable:yes` is a critical finding with a fix. Every term must hold (each `pkg:` term on its own) in
some tag of a repository; the rest of the query (words, name:tag, namespace/name) is searched as
before. A term that cannot be read raises QueryInvalid, whose message says why.
"""

import re
from dataclasses import dataclass, field

from packageurl import PackageURL
from packaging.utils import canonicalize_name

from images.errors import DomainError
from images.indexing.versions import UnsupportedEcosystem, version_key
from images.indexing.vulns import PURL_TYPE_ECOSYSTEMS

# purl type -> the ecosystem whose version order a package of that type follows (OS packages: their
# package manager's order, whatever the distribution).
TYPE_ORDERING = {"deb": "Debian", "apk": "Alpine", "rpm": "Red Hat", **PURL_TYPE_ECOSYSTEMS}
PACKAGE_TYPES = frozenset({*TYPE_ORDERING, "generic"})

SEVERITIES = ("critical", "high", "medium", "low")  # worst first
FIXABLE = {"yes": True, "no": False}
KEYS = ("pkg", "cve", "ghsa", "osv", "severity", "fixable", "base")

_TERM_RE = re.compile(r"^(pkg|cve|ghsa|osv|severity|fixable|base):(.*)$", re.IGNORECASE)
_REPOSITORY_RE = re.compile(r"^(?:[a-z0-9][a-z0-9._-]{0,254}/)?[a-z0-9][a-z0-9._-]{0,254}$")
_OPERATOR_RE = re.compile(r"(<=|>=|==|!=|<|>|=|@)")
_VERSION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.+~:_-]{0,127}$")
_NAME_RE = re.compile(r"^[A-Za-z0-9@_][A-Za-z0-9@._+:/-]{0,254}$")
_CVE_RE = re.compile(r"^(?:CVE-)?(\d{4}-\d{4,})$", re.IGNORECASE)
_GHSA_RE = re.compile(r"^(?:GHSA-)?([0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4})$", re.IGNORECASE)
_OSV_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{1,99}$")


class QueryInvalid(DomainError):
    default_message = "the search query could not be read"


@dataclass(frozen=True)
class Bound:
    operator: str  # < <= > >= = !=
    version: str

    def holds(self, ecosystem: str, version: str) -> bool:
        """Whether `version` (of a package of `ecosystem`) meets this bound; a version the ecosystem cannot
        order meets no bound but string (in)equality."""
        try:
            left, right = version_key(ecosystem, version), version_key(ecosystem, self.version)
        except UnsupportedEcosystem:
            left, right = version, self.version
            if self.operator not in {"=", "!="}:
                return False
        except (ValueError, TypeError):
            return False
        try:
            return {
                "<": left < right,
                "<=": left <= right,
                ">": left > right,
                ">=": left >= right,
                "=": left == right,
                "!=": left != right,
            }[self.operator]
        except TypeError:  # two versions of one ecosystem that its order cannot compare
            return False

    def __str__(self) -> str:
        return f"{self.operator}{self.version}"


@dataclass(frozen=True)
class PackageTerm:
    name: str  # as written (npm scope and Go module path included: `@babel/core`, `github.com/x/y`)
    type: str = ""  # purl type, "" for any
    bounds: tuple[Bound, ...] = ()

    def name_matches(self, package_type: str, package_name: str) -> bool:
        """The same package name as the term's, as the package's ecosystem compares names."""
        if self.type and package_type != self.type:
            return False
        if package_type == "pypi":
            return canonicalize_name(package_name) == canonicalize_name(self.name)
        return package_name.lower() == self.name.lower()

    def version_matches(self, package_type: str, version: str) -> bool:
        ecosystem = TYPE_ORDERING.get(package_type, package_type)
        return all(bound.holds(ecosystem, version) for bound in self.bounds)

    def name_variants(self) -> list[str]:
        """Lowercased spellings a stored name may have (what the database is asked for, before name_matches):
        PyPI treats `-`, `_` and `.` alike, so each is tried."""
        name = self.name.lower()
        variants = {name}
        if self.type in ("", "pypi") and re.search(r"[-_.]", name):
            for separator in "-_.":
                variants.add(re.sub(r"[-_.]+", separator, name))
        return sorted(variants)

    def __str__(self) -> str:
        prefix = f"{self.type}/" if self.type else ""
        return f"pkg:{prefix}{self.name}" + ",".join(str(b) for b in self.bounds)


@dataclass(frozen=True)
class FindingTerm:
    """One finding that meets every part given: an advisory (id or alias), a severity or worse, fixable or not."""

    advisories: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()  # the accepted severities (severity:high -> critical, high)
    fixable: bool | None = None

    @property
    def any(self) -> bool:
        return bool(self.advisories or self.severities or self.fixable is not None)


@dataclass(frozen=True)
class Terms:
    packages: tuple[PackageTerm, ...] = ()
    finding: FindingTerm = field(default_factory=FindingTerm)
    bases: tuple[str, ...] = ()  # `base:` terms, as "namespace/name" (images/search/bases.py; not in `any`)

    @property
    def any(self) -> bool:
        return bool(self.packages or self.finding.any)


def split_terms(text: str) -> tuple[Terms, str]:
    """The package and advisory terms of a query, and the rest of it (words, name:tag ...) as written."""
    packages: list[PackageTerm] = []
    advisories: list[str] = []
    severity = ""
    fixable = None
    bases: list[str] = []
    rest = []
    for word in (text or "").split():
        match = _TERM_RE.match(word)
        if not match:
            rest.append(word)
            continue
        key, value = match.group(1).lower(), match.group(2)
        if key == "pkg":
            packages.append(package_term(value))
        elif key == "base":
            bases.append(base_term(value))
        elif key == "severity":
            if value.lower() not in SEVERITIES:
                raise QueryInvalid(f"{word}: a severity is one of {', '.join(SEVERITIES)}")
            severity = value.lower()
        elif key == "fixable":
            if value.lower() not in FIXABLE:
                raise QueryInvalid(f"{word}: write fixable:yes or fixable:no")
            fixable = FIXABLE[value.lower()]
        else:
            advisories.append(advisory_id(key, value))
    severities = SEVERITIES[: SEVERITIES.index(severity) + 1] if severity else ()
    terms = Terms(
        tuple(packages), FindingTerm(tuple(dict.fromkeys(advisories)), severities, fixable), tuple(dict.fromkeys(bases))
    )
    return terms, " ".join(rest)


def base_term(value: str) -> str:
    """`base:library/debian` or `base:debian` (an official image) as "namespace/name"."""
    path = value.strip().lower()
    path = path[2:] if path.startswith("_/") else path
    if not _REPOSITORY_RE.match(path):
        raise QueryInvalid(f"base:{value}: write a repository, e.g. base:library/debian")
    return path if "/" in path else f"library/{path}"


def advisory_id(key: str, value: str) -> str:
    """The id as advisories spell it: CVE-2024-3094, GHSA-xxxx-xxxx-xxxx (lowercase groups), other ids as written."""
    if key == "cve" and (match := _CVE_RE.match(value)):
        return f"CVE-{match.group(1)}"
    if key == "ghsa" and (match := _GHSA_RE.match(value)):
        return f"GHSA-{match.group(1).lower()}"
    if key == "osv" and _OSV_RE.match(value):
        return value
    examples = {"cve": "cve:CVE-2024-3094", "ghsa": "ghsa:GHSA-jfh8-c2jp-5v3q", "osv": "osv:PYSEC-2019-217"}
    raise QueryInvalid(f"{key}:{value}: not an advisory id, e.g. {examples[key]}")


def package_term(value: str) -> PackageTerm:
    """`name[constraints]`, `type/name[constraints]` or a whole purl (`pkg:type/namespace/name@version`)."""
    written = f"pkg:{value}"
    if value.lower().startswith("pkg:"):
        value = value[4:]
    value = re.split(r"[?#]", value, maxsplit=1)[0]  # a purl's qualifiers and subpath say nothing searched here
    # The first operator splits name from conditions (past the first letter: npm scopes start with @).
    operator = _OPERATOR_RE.search(value, 1)
    head, constraints = (value[: operator.start()], value[operator.start() :]) if operator else (value, "")
    if not head or head[0] in "<>=!":
        raise QueryInvalid(f"{written}: a package name is missing, e.g. pkg:openssl or pkg:openssl<3.0.14")
    name, type_ = _name_and_type(head, written)
    bounds = tuple(_bound(part, written) for part in constraints.split(",")) if constraints else ()
    term = PackageTerm(name=name, type=type_, bounds=bounds)
    if type_ in TYPE_ORDERING:
        for bound in bounds:
            try:
                version_key(TYPE_ORDERING[type_], bound.version)
            except (ValueError, TypeError):
                raise QueryInvalid(f"{written}: {bound.version} is not a {type_} version") from None
    return term


def _name_and_type(head: str, written: str) -> tuple[str, str]:
    first, slash, _ = head.partition("/")
    if not slash or first.lower() not in PACKAGE_TYPES:
        if not _NAME_RE.match(head):
            raise QueryInvalid(f"{written}: {head} is not a package name")
        return head, ""
    try:
        purl = PackageURL.from_string(f"pkg:{head}")
    except ValueError as error:
        raise QueryInvalid(f"{written}: not a package URL ({error})") from None
    name = purl.name
    if purl.namespace and purl.type in ("npm", "golang"):
        name = f"{purl.namespace}/{purl.name}"
    elif purl.namespace and purl.type == "maven":
        name = f"{purl.namespace}:{purl.name}"
    return name, purl.type


def _bound(part: str, written: str) -> Bound:
    match = _OPERATOR_RE.match(part)
    if not match:
        raise QueryInvalid(f"{written}: each condition after a comma starts with < <= > >= = or !=")
    operator, version = match.group(1), part[match.end() :]
    operator = "=" if operator in ("==", "@") else operator
    if not version:
        raise QueryInvalid(f"{written}: a version is missing after {match.group(1)}")
    if not _VERSION_RE.match(version):
        raise QueryInvalid(f"{written}: {version} is not a version")
    return Bound(operator, version)


def package_query(package_type: str, name: str, version: str = "") -> str:
    """The `pkg:` term that finds exactly this package (and version): what the Packages tab links to."""
    if package_type not in PACKAGE_TYPES:
        return f"pkg:{name}" + (f"={version}" if version else "")
    namespace, short = "", name
    if package_type in ("npm", "golang") and "/" in name:
        namespace, _, short = name.rpartition("/")
    elif package_type == "maven" and ":" in name:
        namespace, _, short = name.partition(":")
    purl = PackageURL(type=package_type, namespace=namespace or None, name=short).to_string()
    return purl + (f"@{version}" if version else "")

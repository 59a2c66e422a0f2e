"""The search query language, parsed without Django.

nginx                 words: every word must match (name, description or README), as a prefix
bitnami/redis         namespace/name: that publisher's repositories whose name matches `redis`
library/nginx         the official image (also `_/nginx`)
nginx:1.27            name:tag: repositories matching `nginx` that have the tag `1.27`
pkg:openssl<3 cve:... package and advisory terms (images/search/terms.py), taken out before the rest is read
"""

import re
from dataclasses import dataclass, field

from images.search.terms import Terms, split_terms

_WORD_RE = re.compile(r"[a-z0-9]+")
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._/-]*$")
_TAG_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$")


@dataclass(frozen=True)
class ParsedQuery:
    raw: str = ""
    # The repository-name part, lowercased ("nginx", "node-exporter"), used for name tiers.
    name: str = ""
    namespace: str = ""
    tag: str = ""
    # Alphanumeric words of the text, for full-text matching.
    words: tuple[str, ...] = field(default_factory=tuple)
    # pkg:, cve:, severity: ... terms: what the images of a result must hold.
    terms: Terms = field(default_factory=Terms)

    @property
    def is_empty(self) -> bool:
        return not (self.name or self.namespace or self.tag or self.words)


def parse_query(text: str) -> ParsedQuery:
    """Raises images.search.terms.QueryInvalid for a package or advisory term that cannot be read."""
    # No name, word or tag holds a control character (nor can PostgreSQL take a NUL): they are dropped.
    full = "".join(c for c in " ".join((text or "").split()) if c.isprintable())[:200]
    terms, raw = split_terms(full)
    query = raw.lower()
    namespace = tag = ""
    if " " not in query:
        # name:tag (a tag never holds a slash, a name never holds a colon)
        if ":" in query:
            query, _, candidate = query.partition(":")
            original_tag = raw.rsplit(":", 1)[1]
            if _TAG_RE.match(original_tag) and candidate:
                tag = original_tag
        if "/" in query:
            first, _, rest = query.partition("/")
            if first and rest:
                namespace = "library" if first == "_" else first
                query = rest
            else:
                query = first or rest
    words = tuple(_WORD_RE.findall(query))
    # Several words also form a name: "node exporter" ranks `node-exporter` as an exact match.
    if " " in query:
        name = "-".join(words)
    else:
        name = query if _NAME_RE.match(query) else "-".join(words)
    return ParsedQuery(raw=full, name=name, namespace=namespace, tag=tag, words=words, terms=terms)


def damerau_levenshtein(a: str, b: str, limit: int) -> int:
    """Edit distance counting a swap of neighbours as one edit; returns limit + 1 once past `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def typo_budget(name: str) -> int:
    """How many edits a name may be off by and still count as a typo of the query."""
    if len(name) < 4:
        return 0
    return 1 if len(name) < 8 else 2

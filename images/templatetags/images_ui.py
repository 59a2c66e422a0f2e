"""Small catalogue components (inclusion tags) and filters. None of them runs a query."""

from django import template
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from images.search.facets import ARCHITECTURE_LABELS, OS_LABELS, TRUSTED_FILTERS
from images.selectors.repositories import OFFICIAL_NAMESPACE

register = template.Library()


@register.filter
def repo_url(repository, suffix: str = "") -> str:
    """Canonical page of a repository: /_/<name> for official images, /r/<namespace>/<name> otherwise."""
    namespace = repository.namespace.name
    base = f"/_/{repository.name}" if namespace == OFFICIAL_NAMESPACE else f"/r/{namespace}/{repository.name}"
    return f"{base}/{suffix}" if suffix else base


@register.filter
def display_name(repository) -> str:
    if repository.namespace.name == OFFICIAL_NAMESPACE:
        return repository.name
    return f"{repository.namespace.name}/{repository.name}"


@register.filter
def logo_url(repository) -> str:
    """The repository's logo (a PNG the console stores), versioned so a new one is fetched at once; "" without."""
    if not repository.logo_updated_at:
        return ""
    version = int(repository.logo_updated_at.timestamp())
    return f"/console/r/{repository.namespace.name}/{repository.name}/-/logo.png?v={version}"


@register.inclusion_tag("images/components/repo_logo.html")
def repo_logo(repository, size: int = 40):
    """A repository's logo, or its initial on a tile when it has none (decorative: the name is beside it)."""
    return {"url": logo_url(repository), "initial": repository.name[:1].upper(), "size": size}


@register.simple_tag
def layer_numbers(layers) -> dict:
    """Position -> number of each layer with content: empty history steps (ENV, CMD…) get no number, so the
    numbers end at the layer count the page shows."""
    numbers, n = {}, 0
    for item in layers:
        if not item.layer.empty_layer:
            n += 1
            numbers[item.layer.position] = n
    return numbers


@register.filter
def short_digest(digest: str) -> str:
    algorithm, _, hex_part = (digest or "").partition(":")
    return f"{algorithm}:{hex_part[:12]}" if hex_part else digest


@register.filter
def platform_label(platform) -> str:
    parts = [platform.os, platform.architecture, platform.variant]
    return "/".join(p for p in parts if p)


@register.filter
def arch_label(value: str) -> str:
    return ARCHITECTURE_LABELS.get(value, value)


@register.filter
def os_label(value: str) -> str:
    return OS_LABELS.get(value, value)


@register.filter
def percent(part, whole) -> float:
    return round(100 * part / whole, 2) if whole else 0


@register.filter
def get_item(mapping, key):
    """`mapping[key]`, or None: templates cannot index a dict by a variable."""
    return mapping.get(key) if mapping else None


@register.filter
def size_delta(delta) -> str:
    """A signed size change: "+1.2 MB", "−300 bytes", "no change"; "—" when unknown."""
    if delta is None:
        return "—"
    if delta == 0:
        return "no change"
    return f"{'+' if delta > 0 else '−'}{filesizeformat(abs(delta))}"


@register.inclusion_tag("images/components/badge.html")
def trusted_badge(kind: str):
    return {"kind": kind, "label": TRUSTED_FILTERS.get(kind, "")}


@register.inclusion_tag("images/components/repo_card.html")
def repo_card(repository, heading_level: int = 3):
    return {"repo": repository, "heading_level": heading_level}


@register.inclusion_tag("images/components/copy_command.html")
def copy_command(command: str, label: str = "Copy"):
    return {"command": command, "label": label}


@register.inclusion_tag("images/components/severity_bar.html")
def severity_bar(counts, total: int):
    return {"counts": counts, "total": total}


@register.simple_tag
def verified_now(namespace) -> bool:
    return bool(namespace.verified_until and namespace.verified_until > timezone.now())


@register.simple_tag(takes_context=True)
def page_url(context, param: str, number: int, anchor: str = "") -> str:
    """The current URL with one page parameter changed (other state in the query string is kept)."""
    query = context["request"].GET.copy()
    query[param] = number
    return f"?{query.urlencode()}{anchor}"


@register.inclusion_tag("includes/pagination.html", takes_context=True)
def pagination(context, pages, param: str = "page", label: str = "Pages", anchor: str = ""):
    return {"request": context["request"], "pages": pages, "param": param, "label": label, "anchor": anchor}

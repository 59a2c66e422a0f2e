"""The pull-command builder's state: the viewer's choices (query parameters `pull_*`) checked against the tags
on offer, and the command they make (images/templatetags/pull_commands.py builds the text).

Choices that name nothing on offer fall back to the defaults, so a hand-edited address never fails.
"""

from dataclasses import dataclass, field

from images.selectors.tags import TagRow, tag_get
from images.templatetags.pull_commands import CLIENTS, DEFAULT_CLIENT, PullTarget, pull_command
from images.web import params

PINS = {"tag": "Tag", "digest": "Digest"}


@dataclass
class PullBuilder:
    url: str  # the page the form re-renders
    tags: list[str]
    tag: str = ""
    platforms: list[str] = field(default_factory=list)
    platform: str = ""
    pin: str = "tag"
    client: str = DEFAULT_CLIENT
    command: str = ""
    clients: dict = field(default_factory=lambda: CLIENTS)
    pins: dict = field(default_factory=lambda: PINS)


def pull_builder(request, repository, rows: list[TagRow], *, default_tag: str = "", default_platform: str = ""):
    """The builder for `rows` (the tags a page offers; the one asked for is read when it is not among them)."""
    by_name = {row.tag.name: row for row in rows}
    asked = params.text(request, "pull_tag", limit=128)
    if asked and asked not in by_name:
        row = tag_get(repository=repository, name=asked)
        if row is not None:
            by_name[asked] = row
    tag = next((t for t in (asked, default_tag, "latest") if t in by_name), next(iter(by_name), ""))
    builder = PullBuilder(url=request.path, tags=list(by_name))
    if not tag:
        return builder
    row = by_name[tag]
    digests = {p.label: p.digest for p in row.platforms}
    asked_platform = request.GET.get("pull_platform", default_platform)
    builder.tag = tag
    builder.platforms = list(digests)
    builder.platform = asked_platform if asked_platform in digests else ""
    builder.pin = request.GET.get("pull_pin") if request.GET.get("pull_pin") in PINS else "tag"
    builder.client = request.GET.get("pull_client") if request.GET.get("pull_client") in CLIENTS else DEFAULT_CLIENT

    digest, platform = "", builder.platform
    if builder.pin == "digest":
        # One platform's digest names that image (no --platform needed); without one, the tag's own digest
        # (an index for a multi-platform tag) is pinned and the client picks its platform from it.
        digest = digests[platform] if platform else row.manifest.digest
        platform = ""
    target = PullTarget(
        host=request.get_host(),
        namespace=repository.namespace.name,
        name=repository.name,
        tag=tag,
        digest=digest,
        platform=platform,
    )
    builder.command = pull_command(target, builder.client)
    return builder

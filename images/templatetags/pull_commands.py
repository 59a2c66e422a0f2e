"""Pull commands for each client: plain functions from (host, repository, tag or digest, platform) to text.

Pure (no Django) so the unit tests read every variant. Official images (the `library` namespace) are
addressed by their one-part name, `host/debian:12`, as the README's Registry section says: the
registry reads a one-part name as `library/<name>`.
"""

from dataclasses import dataclass

OFFICIAL_NAMESPACE = "library"

# client key -> label, in the order the builder offers them
CLIENTS = {
    "docker": "docker pull",
    "podman": "podman pull",
    "nerdctl": "nerdctl pull",
    "skopeo": "skopeo copy",
    "dockerfile": "Dockerfile FROM",
    "kubernetes": "Kubernetes image:",
    "compose": "Compose image:",
}
DEFAULT_CLIENT = "docker"


@dataclass(frozen=True)
class PullTarget:
    host: str  # as clients address the hub: `hub.example.com` or `127.0.0.1:8000`
    namespace: str
    name: str
    tag: str
    digest: str = ""  # pin: the reference uses `@digest` instead of `:tag`
    platform: str = ""  # `linux/arm64/v8`; empty: the client's own platform (or every platform)

    @property
    def path(self) -> str:
        if self.namespace == OFFICIAL_NAMESPACE and "/" not in self.name:
            return f"{self.host}/{self.name}"
        return f"{self.host}/{self.namespace}/{self.name}"

    @property
    def reference(self) -> str:
        return f"{self.path}@{self.digest}" if self.digest else f"{self.path}:{self.tag}"


def pull_command(target: PullTarget, client: str = DEFAULT_CLIENT) -> str:
    """The command (or configuration line) that fetches `target` with `client`.

    A digest of one platform's image already names the platform, so `--platform` is only added to a
    reference by tag or by an index digest (the registry then serves the index and the client picks).
    """
    ref = target.reference
    platform = target.platform
    if client in ("docker", "podman", "nerdctl"):
        flag = f"--platform {platform} " if platform else ""
        return f"{client} pull {flag}{ref}"
    if client == "skopeo":
        return f"skopeo copy {_skopeo_platform(platform)}docker://{ref} oci:{_layout_name(target)}"
    if client == "dockerfile":
        flag = f"--platform={platform} " if platform else ""
        return f"FROM {flag}{ref}"
    if client == "kubernetes":
        return f"image: {ref}"
    if client == "compose":
        return f"image: {ref}\nplatform: {platform}" if platform else f"image: {ref}"
    raise ValueError(f"unknown client {client!r}")


def _skopeo_platform(platform: str) -> str:
    """Without flags skopeo copies the image of the machine's own platform, as the other clients pull."""
    if not platform:
        return ""
    parts = platform.split("/")
    flags = [f"--override-os {parts[0]}"]
    if len(parts) > 1:
        flags.append(f"--override-arch {parts[1]}")
    if len(parts) > 2:
        flags.append(f"--override-variant {parts[2]}")
    return " ".join(flags) + " "


def _layout_name(target: PullTarget) -> str:
    """A local OCI layout directory named after the repository, holding the image under its tag."""
    return f"./{target.name.rsplit('/', 1)[-1]}:{target.tag}"

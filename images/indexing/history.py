"""The image config's ``history``: each step's command, time and comment, paired with the layer it
made, and the Dockerfile-like line people expect to see for it."""

import re
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class HistoryStep:
    """One entry of the image config's ``history``, with the layer it made (None for steps such as
    ENV or CMD that only change the config, marked ``empty_layer``)."""

    created_by: str = ""
    created: datetime | None = None
    comment: str = ""
    author: str = ""
    layer_index: int | None = None
    layer_digest: str = ""


@dataclass(frozen=True)
class LayerHistory:
    index: int
    digest: str
    created_by: str = ""
    created: datetime | None = None
    comment: str = ""


_FRACTION = re.compile(r"(\.\d{6})\d+")


def parse_created(value: object) -> datetime | None:
    """RFC 3339 time from a config; Go writes nanoseconds, which Python does not read."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(_FRACTION.sub(r"\1", value.replace("Z", "+00:00")))
    except ValueError:
        return None


def history_steps(config_json: dict, layer_digests: list[str]) -> list[HistoryStep]:
    """Every history entry in order, the non-empty ones paired with the layers in order.

    Configs written by some tools have no history, or fewer entries than layers: layers left over
    get no step, and surplus non-empty entries get no layer.
    """
    history = config_json.get("history") if isinstance(config_json, dict) else None
    steps = []
    layer_index = 0
    for entry in history if isinstance(history, list) else []:
        if not isinstance(entry, dict):
            continue
        makes_layer = not entry.get("empty_layer", False) and layer_index < len(layer_digests)
        steps.append(
            HistoryStep(
                created_by=str(entry.get("created_by") or ""),
                created=parse_created(entry.get("created")),
                comment=str(entry.get("comment") or ""),
                author=str(entry.get("author") or ""),
                layer_index=layer_index if makes_layer else None,
                layer_digest=layer_digests[layer_index] if makes_layer else "",
            )
        )
        if makes_layer:
            layer_index += 1
    return steps


def pair_history(config_json: dict, layer_digests: list[str]) -> list[LayerHistory]:
    """One ``LayerHistory`` per layer, in layer order, with the command that made it when known."""
    by_layer = {
        step.layer_index: step for step in history_steps(config_json, layer_digests) if step.layer_index is not None
    }
    paired = []
    for index, digest in enumerate(layer_digests):
        step = by_layer.get(index, HistoryStep())
        paired.append(LayerHistory(index, digest, step.created_by, step.created, step.comment))
    return paired


_NOP = re.compile(r"^/bin/sh -c #\(nop\)\s*")
_SHELL = re.compile(r"^(?:\|\d+ (?:\S+=\S* )*)?/bin/sh -c\s+")


def display_command(created_by: str) -> str:
    """The Dockerfile-like line people expect to see for a history entry.

    The classic builder records ``/bin/sh -c #(nop)  CMD ["bash"]`` for config-only steps and
    ``/bin/sh -c apt-get ...`` (after ``|N ARG=value`` for build arguments) for RUN; BuildKit
    records ``RUN /bin/sh -c ... # buildkit``.
    """
    command = created_by.strip()
    if _NOP.match(command):
        return _NOP.sub("", command).strip()
    if _SHELL.match(command):
        return "RUN " + _SHELL.sub("", command).strip()
    return command.removesuffix("# buildkit").strip()

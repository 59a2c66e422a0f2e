"""Skips for missing real components, which HUB_REQUIRE_INTEGRATION=1 turns into failures."""

import os
import shutil
import socket
from pathlib import Path

import pytest

REQUIRED = os.environ.get("HUB_REQUIRE_INTEGRATION") == "1"
ROOT = Path(__file__).resolve().parents[2]
# The real OSV advisories (PyPA, Go) that sit beside the project: ../shared/vulndb from its root.
VULNDB = ROOT.parent / "shared" / "vulndb"


def require(available: bool, reason: str) -> None:
    """Skip (or, in CI, fail) the calling test when a real component is not available."""
    if available:
        return
    if REQUIRED:
        pytest.fail(f"HUB_REQUIRE_INTEGRATION=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def require_path(path: Path, reason: str) -> Path:
    """A file or directory of this machine's that a test reads (skip, or in CI fail, without it)."""
    require(path.exists(), f"{path} is missing: {reason}")
    return path


def require_vulndb() -> Path:
    return require_path(VULNDB, "the OSV snapshot belongs beside the project, at ../shared/vulndb")


def require_binary(name: str) -> str:
    path = shutil.which(name)
    require(path is not None, f"`{name}` is not installed (apt-get install {name})")
    return path


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

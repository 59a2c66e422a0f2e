"""Where advisory data is read from: a path, or a URL downloaded (streamed) to a temporary file first."""

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import requests


def local_copy(source: str) -> tuple[Path, Callable[[], None]]:
    """A path for `source`; a URL is downloaded (streamed) to a temporary file first."""
    if urlsplit(source).scheme not in ("http", "https"):
        path = Path(source)
        if not path.exists():
            raise FileNotFoundError(f"{source}: no such file or directory")
        return path, lambda: None
    directory = Path(tempfile.mkdtemp(prefix="hub-osv-"))
    name = Path(urlsplit(source).path).name or "advisories.zip"
    target = directory / name
    with requests.get(source, stream=True, timeout=(10, 300)) as response:
        response.raise_for_status()
        with open(target, "wb") as out:
            shutil.copyfileobj(response.raw, out, 1 << 20)
    return target, lambda: shutil.rmtree(directory, ignore_errors=True)

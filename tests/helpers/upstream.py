"""Debian's Go `docker-registry`, started on a free loopback port: the upstream to mirror from and
the reference implementation to compare with."""

import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

from tests.helpers.integration import free_port, port_open, require_binary

CONFIG = """\
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: {root}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:{port}
"""


@contextmanager
def docker_registry(workdir: Path):
    """Yield "127.0.0.1:PORT" of a running registry whose data lives in workdir."""
    binary = require_binary("docker-registry")
    port = free_port()
    (workdir / "data").mkdir(parents=True, exist_ok=True)
    config = workdir / "config.yml"
    config.write_text(CONFIG.format(root=workdir / "data", port=port))
    log = open(workdir / "registry.log", "w")
    proc = subprocess.Popen([binary, "serve", str(config)], stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            if port_open("127.0.0.1", port):
                break
            if proc.poll() is not None:
                raise RuntimeError(f"docker-registry exited: {(workdir / 'registry.log').read_text()}")
            time.sleep(0.1)
        yield f"127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()

"""The command-line clients the integration tests drive, run one way."""

import subprocess


def skopeo(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    """skopeo with no signature policy (the tests' registries are local); a failure raises with its stderr
    unless `check` is off, for the calls that must be refused."""
    result = subprocess.run(
        ["skopeo", "--insecure-policy", *args], capture_output=True, text=True, timeout=300, check=False
    )
    if check and result.returncode:
        raise AssertionError(f"skopeo {' '.join(args)} failed:\n{result.stderr}")
    return result

"""`make run`: prepare the database, then run web, worker and beat together in the foreground.

Each child runs in its own session, so the terminal's Ctrl-C reaches only this launcher, which
then stops the children in order and waits for them (and their own children) to be gone.
"""

import os
import signal
import subprocess
import sys
import time

STOP_TIMEOUT = 20


def _manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], check=True)


def _commands(bind: str, data_dir: str, queues: list[str]) -> dict[str, list[str]]:
    bin_dir = os.path.dirname(sys.executable)
    return {
        "web": [
            os.path.join(bin_dir, "gunicorn"),
            "hub.wsgi:application",
            "--bind",
            bind,
            "--workers",
            os.environ.get("HUB_WEB_WORKERS", "3"),
            "--worker-class",
            "gthread",
            "--threads",
            os.environ.get("HUB_WEB_THREADS", "8"),
            "--access-logfile",
            "-",
            # One control socket per data dir, so several Hubs on one machine do not collide.
            "--control-socket",
            os.path.join(data_dir, "gunicorn.ctl"),
            "--graceful-timeout",
            "10",
        ],
        "worker": [
            os.path.join(bin_dir, "celery"),
            "-A",
            "hub",
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            os.environ.get("HUB_WORKER_CONCURRENCY", "2"),
            "--queues",
            ",".join(queues),
            "--hostname",
            "worker@%h",
        ],
        "beat": [
            os.path.join(bin_dir, "celery"),
            "-A",
            "hub",
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            os.path.join(data_dir, "celerybeat-schedule"),
        ],
    }


def _stop(children: dict[str, subprocess.Popen]) -> None:
    for proc in children.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for proc in children.values():
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
    # Whatever is left in a child's process group (pool processes, gunicorn workers) goes too.
    for proc in children.values():
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
    import django

    django.setup()
    from django.conf import settings

    _manage("migrate", "--noinput", "-v", "0")
    _manage("collectstatic", "--noinput", "-v", "0")
    _manage("ensure_admin")
    if settings.HUB_DEMO and "seed_demo" in _management_commands():
        _manage("seed_demo")

    children: dict[str, subprocess.Popen] = {}
    stopping = False

    def on_signal(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    for name, command in _commands(settings.HUB_BIND, str(settings.DATA_DIR), settings.HUB_QUEUES).items():
        children[name] = subprocess.Popen(command, start_new_session=True)
    print(
        f"\nHub is starting at {settings.PUBLIC_URL}/  (data in {settings.DATA_DIR}; Ctrl-C stops)\n",
        flush=True,
    )

    exit_code = 0
    while not stopping:
        for name, proc in children.items():
            if proc.poll() is not None:
                print(f"hub: {name} exited with status {proc.returncode}; stopping the others", flush=True)
                exit_code = 1
                stopping = True
                break
        time.sleep(0.5)
    _stop(children)
    print("hub: stopped", flush=True)
    return exit_code


def _management_commands() -> set[str]:
    from django.core.management import get_commands

    return set(get_commands())


if __name__ == "__main__":
    sys.exit(main())

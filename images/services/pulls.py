"""Pull counting: a manifest GET by a client is a pull.

Counting must not write to the database on the hot path, so a pull is recorded in a counter that
costs one round trip (Redis HINCRBY when REDIS_URL is set) or one append (an O_APPEND log file in
the data dir, for the embedded default: a write() of less than PIPE_BUF bytes with O_APPEND is
never interleaved with another process's). A beat task, `pull_flush`, folds the counters into
Repository.pull_count and Tag.last_pulled_at.
"""

import os
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q

from images.models import Repository, Tag

REDIS_COUNTS = "hub:pulls:count"
REDIS_TAGS = "hub:pulls:tags"
LOG_NAME = "pulls.log"
# A writer opens the log, then writes: after renaming it away, wait this long so any write that
# opened the old file has landed before the file is read.
RENAME_SETTLE_SECONDS = 1.0


@cache
def _redis(url: str):
    import redis

    return redis.Redis.from_url(url)


def _log_dir() -> Path:
    return Path(settings.DATA_DIR) / "pulls"


def pull_record(*, repository_id: int, tag: str | None) -> None:
    now = int(time.time())
    if settings.REDIS_URL:
        pipe = _redis(settings.REDIS_URL).pipeline(transaction=False)
        pipe.hincrby(REDIS_COUNTS, str(repository_id), 1)
        if tag is not None:
            pipe.hset(REDIS_TAGS, f"{repository_id}:{tag}", now)
        pipe.execute()
        return
    line = f"{repository_id} {now} {tag or ''}\n".encode()
    path = _log_dir() / LOG_NAME
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def _take_redis() -> tuple[Counter, dict]:
    client = _redis(settings.REDIS_URL)
    suffix = uuid.uuid4().hex
    counts, tags = Counter(), {}
    for key, target in ((REDIS_COUNTS, "counts"), (REDIS_TAGS, "tags")):
        taken = f"{key}:flush:{suffix}"
        try:
            client.rename(key, taken)  # atomic: new pulls go to a fresh hash
        except Exception as exc:  # noqa: BLE001 - redis raises ResponseError for a missing key
            if "no such key" in str(exc).lower():
                continue
            raise
        for field, value in client.hgetall(taken).items():
            if target == "counts":
                counts[int(field)] += int(value)
            else:
                repo_id, _, name = field.decode().partition(":")
                tags[(int(repo_id), name)] = max(tags.get((int(repo_id), name), 0), int(value))
        client.delete(taken)
    return counts, tags


def _take_log() -> tuple[Counter, dict]:
    directory = _log_dir()
    counts, tags = Counter(), {}
    path = directory / LOG_NAME
    if path.exists():
        os.replace(path, directory / f"flush-{uuid.uuid4().hex}.log")
        time.sleep(RENAME_SETTLE_SECONDS)
    # Also picks up files a previous flush renamed but did not finish (it died half-way).
    for pending in sorted(directory.glob("flush-*.log")) if directory.exists() else ():
        for line in pending.read_text().splitlines():
            parts = line.split(" ", 2)
            if len(parts) < 2 or not parts[0].isdigit() or not parts[1].isdigit():
                continue
            repo_id, at = int(parts[0]), int(parts[1])
            counts[repo_id] += 1
            if len(parts) == 3 and parts[2]:
                tags[(repo_id, parts[2])] = max(tags.get((repo_id, parts[2]), 0), at)
        pending.unlink()
    return counts, tags


def pull_flush() -> int:
    """Fold recorded pulls into the database; returns how many pulls were counted."""
    counts, tags = _take_redis() if settings.REDIS_URL else _take_log()
    with transaction.atomic():
        for repo_id, count in counts.items():
            Repository.objects.filter(pk=repo_id).update(pull_count=F("pull_count") + count)
        for (repo_id, name), at in tags.items():
            when = datetime.fromtimestamp(at, tz=UTC)
            Tag.objects.filter(repository_id=repo_id, name=name).filter(
                Q(last_pulled_at__isnull=True) | Q(last_pulled_at__lt=when)
            ).update(last_pulled_at=when)
    return sum(counts.values())

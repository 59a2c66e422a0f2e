"""Alerts benchmark: an advisory import that touches half the images, then computing the alerts it causes.

    python bench/alerts.py                             # 1,000 images on SQLite (var/bench/alerts-sqlite-1000)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test python bench/alerts.py --images 10000
                                                       # PostgreSQL: a `<db>_bench_alerts_<n>` database beside it

The images are bench/packages.py's (one repository per image in 100 organizations, 300 packages each,
findings a week old), generated once per (database, size) and kept, plus `benchlib 1.0` (PyPI) in every
second image. On top: 2,000 users; each stars 5 repositories, one in 4 belongs to an organization (100
repositories), and 250 of them keep 500 saved searches (words, pkg: and finding terms, facets, sorts;
saved through the service, so their baselines are real). Each run starts from the same state (the bench
advisory and every notice and message gone, every check "now") and times:
  (a) importing one critical OSV record on benchlib < 2.0 (findings recompute and posture refresh included),
  (b) alerts_compute() afterwards: every saved search run again and the CVE alerts told (the target),
  (c) alerts_compute() again, which must tell nothing.
Mail goes to Django's locmem backend (nothing is sent); webhooks are not configured.
Target: (b) <= 5 s on PostgreSQL at 10,000 images.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
USERS = 2_000
STARS_PER_USER = 5
SEARCH_OWNERS = 250
SEARCHES = 500
ADVISORY_ID = "BENCH-ALERT-1"
ADVISORY = {
    "id": ADVISORY_ID,
    "modified": "2026-01-01T00:00:00Z",
    "aliases": ["CVE-2099-4242"],
    "summary": "Remote code execution in benchlib",
    "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
    "affected": [
        {
            "package": {"ecosystem": "PyPI", "name": "benchlib"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.0"}]}],
        }
    ],
}
# (query, filters, sort): what people save, cycled over the 500 searches.
SEARCH_KINDS = [
    ("nginx", {}, "best"),
    ("api server", {}, "best"),
    ("pkg:openssl<3.0.14", {}, "best"),
    ("pkg:benchlib", {}, "best"),
    ("pkg:pypi/pkg1239>=2.10.1", {}, "best"),
    ("severity:critical", {}, "best"),
    ("severity:critical fixable:yes", {}, "best"),
    ("cve:CVE-2099-4242", {}, "best"),
    ("python pkg:benchlib<2", {}, "best"),
    ("web", {"architectures": ["arm64"]}, "best"),
    ("", {"architectures": ["arm64"]}, "pulls"),
    ("worker severity:high", {}, "pulls"),
]


def generate(images: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from bench import packages
    from images.models import Package, SavedSearch
    from images.services.posture import repositories_posture_refresh

    started = time.perf_counter()
    if SavedSearch.objects.exists():
        _states_ensure()
        _age()
        return
    packages.generate(images)
    if not Package.objects.filter(name="benchlib").exists():
        with transaction.atomic(), connection.cursor() as cursor:
            # benchlib 1.0 in every second image; the generated findings are a week old (told long ago).
            cursor.execute(
                "INSERT INTO images_package (manifest_id, type, name, version, source_name, source_version, arch,"
                " licenses, purl, path, advisory_key)"
                " SELECT m.id, 'pypi', 'benchlib', '1.0', '', '', '', '', '', '', 'PyPI/benchlib'"
                " FROM images_manifest m WHERE m.id % 2 = 0"
            )
            cursor.execute("UPDATE images_finding SET created_at = %s", [_week_ago()])
        repositories_posture_refresh()
        print(f"  benchlib packages, posture: {time.perf_counter() - started:.1f} s", flush=True)
    if not get_user_model().objects.filter(username__startswith="bench").exists():
        _generate_people()
        print(f"  users, stars, memberships: {time.perf_counter() - started:.1f} s", flush=True)
    _generate_searches()
    _age()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"  generated in {time.perf_counter() - started:.1f} s", flush=True)


def _week_ago():
    from django.utils import timezone

    return timezone.now() - timedelta(days=7)


def _generate_people() -> None:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from images.models import CveAlertSubscription, Membership, Namespace, Repository, Star

    User = get_user_model()
    with transaction.atomic():
        users = User.objects.bulk_create(
            [
                User(username=f"bench{n}", email=f"bench{n}@example.test", password="!")  # noqa: S106 (unusable)
                for n in range(USERS)
            ],
            batch_size=1_000,
        )
        repositories = list(Repository.objects.order_by("pk").values_list("pk", flat=True))
        stars = {
            (user.pk, repositories[(n * 7919 + k * 104_729) % len(repositories)])
            for n, user in enumerate(users)
            for k in range(STARS_PER_USER)
        }
        Star.objects.bulk_create([Star(user_id=u, repository_id=r) for u, r in stars], batch_size=5_000)
        organizations = list(Namespace.objects.filter(name__startswith="bench").order_by("pk"))
        Membership.objects.bulk_create(
            [
                Membership(organization=organizations[n % len(organizations)], user=user)
                for n, user in enumerate(users)
                if n % 4 == 0
            ],
            batch_size=1_000,
        )
        CveAlertSubscription.objects.bulk_create(
            [CveAlertSubscription(user=user, webhook_secret=f"bench{user.pk}") for user in users], batch_size=1_000
        )


def _generate_searches() -> None:
    from django.contrib.auth import get_user_model

    from images.alerts import saved_search_save

    owners = list(get_user_model().objects.filter(username__startswith="bench").order_by("pk")[:SEARCH_OWNERS])
    for n in range(SEARCHES):
        query, filters, sort = SEARCH_KINDS[n % len(SEARCH_KINDS)]
        mode = "daily" if n % 5 == 4 else "immediate"
        saved_search_save(
            user=owners[n % len(owners)], name=f"search {n}", query=query, filters=filters, sort=sort, mode=mode
        )


def _age() -> None:
    """Everything generated is a week old, as on a hub whose searches ran long ago: what a run sees as changed is
    what the import changes (pushes, indexing and saving within the last hour would count too)."""
    from images.models import Manifest, Repository, SavedSearch, Tag

    week_ago = _week_ago()
    day_ago = week_ago + timedelta(days=6)
    if not Tag.objects.filter(pushed_at__gt=day_ago).exists():
        return
    Tag.objects.update(pushed_at=week_ago)
    Repository.objects.update(updated_at=week_ago, last_pushed_at=week_ago, last_scanned_at=week_ago)
    Manifest.objects.update(indexed_at=week_ago, findings_at=week_ago)
    SavedSearch.objects.update(created_at=week_ago)
    print("  aged a week", flush=True)


def _states_ensure() -> None:
    """Searches saved before states were kept (SavedSearch.matches) get theirs, as saving makes it now."""
    from images.alerts import _baseline
    from images.models import SavedSearch

    stale = list(SavedSearch.objects.filter(matches__isnull=True).select_related("user"))
    for saved in stale:
        _baseline(saved)
    if stale:
        print(f"  states of {len(stale):,} saved searches made", flush=True)


def reset() -> None:
    """The state before each run: no bench advisory (nor its findings), no notice but baselines, no message,
    every saved search and subscription checked now."""
    from django.db import transaction
    from django.utils import timezone

    from images.alerts import alerts_compute
    from images.models import AlertMessage, CveAlertSubscription, CveNotice, SavedSearch, SearchNotice, Vulnerability
    from images.services.vulns import findings_recompute

    with transaction.atomic():
        removed = Vulnerability.objects.filter(osv_id=ADVISORY_ID).delete()[0]
        SearchNotice.objects.exclude(kind=SearchNotice.Kind.BASELINE).delete()
        CveNotice.objects.all().delete()
        AlertMessage.objects.all().delete()
    if removed:
        findings_recompute(keys={("PyPI", "benchlib")})  # the posture of the images it had touched
        # The searches' states follow: what stopped matching leaves them (so the import makes it match again).
        alerts_compute()
        with transaction.atomic():
            SearchNotice.objects.exclude(kind=SearchNotice.Kind.BASELINE).delete()
            CveNotice.objects.all().delete()
            AlertMessage.objects.all().delete()
    now = timezone.now()
    SavedSearch.objects.update(last_checked_at=now, active=True)
    CveAlertSubscription.objects.update(last_checked_at=now, enabled=True)


def measure() -> None:
    from django.core import mail
    from django.db import connection

    from images.alerts import alerts_compute
    from images.models import (
        AlertMessage,
        CveAlertSubscription,
        CveNotice,
        Finding,
        Package,
        Repository,
        SavedSearch,
        SearchNotice,
        Star,
    )
    from images.services.vulns import vulnerability_import

    print(
        f"  {Repository.objects.count():,} images, {Package.objects.count():,} packages,"
        f" {Finding.objects.count():,} findings, {SavedSearch.objects.count():,} saved searches,"
        f" {CveAlertSubscription.objects.count():,} CVE subscriptions, {Star.objects.count():,} stars"
        f" on {connection.vendor}",
        flush=True,
    )
    reset()
    mail.outbox = []
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"{ADVISORY_ID}.json"
        path.write_text(json.dumps(ADVISORY))
        started = time.perf_counter()
        result = vulnerability_import(source=str(path))
        imported = time.perf_counter() - started
    findings = Finding.objects.filter(vulnerability__osv_id=ADVISORY_ID).count()
    print(f"{'step':58} {'s':>7}  what it did")
    print(f"{'(a) advisory import (findings, posture)':58} {imported:7.2f}  {result}; {findings:,} findings")
    cve_seconds = _time_cve_part()
    started = time.perf_counter()
    told = alerts_compute()
    computed = time.perf_counter() - started
    messages = AlertMessage.objects.count()
    print(
        f"{'(b) alerts_compute() after the import (target <= 5 s)':58} {computed:7.2f}"
        f"  {told['search_notices']:,} search notices, {told['cve_notices']:,} CVE notices,"
        f" {messages:,} messages, {len(mail.outbox):,} mails; CVE alerts {cve_seconds[-1]:.2f} s of it"
    )
    started = time.perf_counter()
    again = alerts_compute()
    repeated = time.perf_counter() - started
    print(
        f"{'(c) alerts_compute() again (tells nothing)':58} {repeated:7.2f}"
        f"  {again['search_notices']:,} search notices, {again['cve_notices']:,} CVE notices,"
        f" {AlertMessage.objects.count() - messages:,} messages; CVE alerts {cve_seconds[-1]:.2f} s of it"
    )
    assert again == {"search_notices": 0, "cve_notices": 0}, again
    assert SearchNotice.objects.exclude(kind="baseline").count() == told["search_notices"]
    assert CveNotice.objects.count() == told["cve_notices"]


def _time_cve_part() -> list[float]:
    """Time the CVE part of each alerts_compute() apart (the rest is the saved searches); the seconds of each
    call are appended to the list returned."""
    from images import alerts

    seconds: list[float] = []
    compute = alerts.cve_alerts.cve_alerts_compute

    def timed(**kwargs):
        started = time.perf_counter()
        try:
            return compute(**kwargs)
        finally:
            seconds.append(time.perf_counter() - started)

    alerts.cve_alerts.cve_alerts_compute = timed
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=1_000)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from bench.database import database_url

    url, data_dir = database_url(os.environ.get("DATABASE_URL", ""), args.images, kind="alerts")
    os.environ["HUB_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "hub.settings"
    os.environ["DEBUG"] = "0"
    os.environ.pop("REDIS_URL", None)  # the job queue and cache in the data dir: nothing leaves this process
    if url:
        os.environ["DATABASE_URL"] = url
    else:
        os.environ.pop("DATABASE_URL", None)
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    print(f"== alerts benchmark: {args.images:,} images on {'PostgreSQL' if url else 'SQLite'}", flush=True)
    call_command("migrate", verbosity=0)
    generate(args.images)
    measure()
    return 0


if __name__ == "__main__":
    sys.exit(main())

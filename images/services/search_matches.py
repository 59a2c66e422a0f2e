"""What is new for the saved searches of one computation: the only writer of a search's state (SavedSearch.matches)
and of the notices a run records (saving, the digest and the messages: images/services/alerts.py).

Each search found by images/alerts.py what it matches now among the repositories changed (or among all, for
a search without a state yet); here that is compared with its state: what entered is told (at most
MATCH_LIMIT repositories a run, its first results in its order), what left is dropped, and the tags pushed
to matching repositories are told. Every search with news is recorded in one transaction: the searches
locked (a computation running at the same time waits, then finds the states it left), a few reads for all
of them, one insert of every notice, one message per immediate search, one update per state.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction

from images.models import Repository, SavedSearch, SearchNotice, Tag
from images.services.alert_messages import messages_send
from images.services.alerts import search_message, search_window_start

# The most repositories one run tells a search of (its first results in its order); more that start matching at
# once join its state untold, so they are never told later either.
MATCH_LIMIT = 500


@dataclass
class SearchRun:
    """What one computation knows besides the searches: the tags pushed lately (repository id: [(name,
    pushed_at)]), the ids of every repository (read once, when a state is written), and a search's first results
    in its order (for a search that more than MATCH_LIMIT repositories start matching at once)."""

    recent_tags: dict[int, list[tuple[str, datetime]]]
    existing_ids: Callable[[], set[int]]
    first_results: Callable[[SavedSearch], list[int]]
    now: datetime


@dataclass
class Found:
    """What one search matches now among `among` (None: among every repository)."""

    saved: SavedSearch
    matching: set[int]
    among: set[int] | None
    search_url: str
    entered: set[int] = field(default_factory=set)
    told: set[int] = field(default_factory=set)
    notices: list[SearchNotice] = field(default_factory=list)


def searches_record(*, found: list[Found], run: SearchRun) -> tuple[int, list[int]]:
    """Record and tell what is new for each search of `found`, and keep their states. Returns how many notices were
    recorded and the ids of the searches in which nothing changed (to be marked as checked)."""
    news = [f for f in found if f.saved.matches is None or _news(f, run)]
    unchanged = [f.saved.pk for f in found if f not in news]
    if not news:
        return 0, unchanged
    with transaction.atomic():
        locked = SavedSearch.objects.select_for_update(of=("self",)).select_related("user")
        current = {s.pk: s for s in locked.filter(pk__in=[f.saved.pk for f in news], active=True)}
        news = [f for f in news if f.saved.pk in current]
        for f in news:
            f.saved = current[f.saved.pk]
            _compare(f, run)
        _retold_cleared(news)
        _tags_found(news, run)
        recorded = [n for f in news for n in f.notices]
        _send(news)
        SearchNotice.objects.bulk_create(recorded, ignore_conflicts=True, batch_size=5_000)
        for f in news:
            SavedSearch.objects.filter(pk=f.saved.pk).update(matches=f.saved.matches, last_checked_at=run.now)
    return sum(n.kind != SearchNotice.Kind.BASELINE for n in recorded), unchanged


def _news(f: Found, run: SearchRun) -> bool:
    """Whether the state changes or some tag may be told (read without a lock: most searches have nothing)."""
    state = set(f.saved.matches or ())
    considered = state if f.among is None else state & f.among
    if f.matching != considered or not state <= run.existing_ids():  # a deleted repository leaves the state
        return True
    since = search_window_start(f.saved)
    return any(
        pushed >= since and pushed > f.saved.created_at
        for pk in f.matching
        for _, pushed in run.recent_tags.get(pk, ())
    )


def _compare(f: Found, run: SearchRun) -> None:
    """What entered and what is told of `f`'s search; its new state on f.saved.matches."""
    saved = f.saved
    state = set(saved.matches) if saved.matches is not None else _notified(saved)
    considered = state if f.among is None else state & f.among
    f.entered, left = f.matching - state, considered - f.matching
    f.told = f.entered
    if len(f.entered) > MATCH_LIMIT:  # a search follows its first results: the others join the state untold
        f.told = f.entered & set(run.first_results(saved)[:MATCH_LIMIT])
    f.notices = [
        SearchNotice(saved_search=saved, repository_id=pk, tag="", kind=SearchNotice.Kind.REPOSITORY)
        for pk in sorted(f.told)
    ]
    saved.matches = sorted(((state - left) | f.entered) & run.existing_ids())  # a deleted repository leaves it too


def _notified(saved: SavedSearch) -> set[int]:
    """The state of a search saved before states were kept: the repositories it told (or knew when saved)."""
    return set(SearchNotice.objects.filter(saved_search=saved, tag="").values_list("repository_id", flat=True))


def _retold_cleared(news: list[Found]) -> None:
    """A repository that matched before, stopped and matches again is told again: its old notice makes way for
    the new one (one row per search and repository all the same)."""
    told = {(f.saved.pk, pk) for f in news for pk in f.told}
    if not told:
        return
    rows = SearchNotice.objects.filter(
        saved_search_id__in={s for s, _ in told}, tag="", repository_id__in={r for _, r in told}
    ).values_list("pk", "saved_search_id", "repository_id")
    SearchNotice.objects.filter(pk__in=[pk for pk, s, r in rows if (s, r) in told]).delete()


def _tags_found(news: list[Found], run: SearchRun) -> None:
    """The tag notices of each search: of a repository told as new, every tag pushed since the search was saved;
    of one that matched already, those pushed since its last run, not told yet. Of a repository that joins the
    state untold, the tags pushed lately are known (the next run's window still holds them), never told."""
    new_repositories = {pk for f in news for pk in f.told}
    tags_of: dict[int, list[tuple[str, datetime]]] = {}
    if new_repositories:
        oldest = min(f.saved.created_at for f in news)
        for pk, name, pushed in Tag.objects.filter(
            repository_id__in=new_repositories, pushed_at__gt=oldest
        ).values_list("repository_id", "name", "pushed_at"):
            tags_of.setdefault(pk, []).append((name, pushed))
    wanted: dict[int, set[tuple[int, str]]] = {}
    for f in news:
        since, created = search_window_start(f.saved), f.saved.created_at
        pairs = {(pk, name) for pk in f.told for name, pushed in tags_of.get(pk, ()) if pushed > created}
        pairs |= {
            (pk, name)
            for pk in f.matching - f.entered
            for name, pushed in run.recent_tags.get(pk, ())
            if pushed >= since and pushed > created
        }
        wanted[f.saved.pk] = pairs
        f.notices += [
            SearchNotice(saved_search=f.saved, repository_id=pk, tag=name[:128], kind=SearchNotice.Kind.BASELINE)
            for pk in f.entered - f.told
            for name, _ in run.recent_tags.get(pk, ())
        ]
    told = _tags_told({s: pairs for s, pairs in wanted.items() if pairs})
    for f in news:
        f.notices += [
            SearchNotice(saved_search=f.saved, repository_id=pk, tag=name, kind=SearchNotice.Kind.TAG)
            for pk, name in sorted(wanted[f.saved.pk])
            if (f.saved.pk, pk, name) not in told
        ]


def _tags_told(wanted: dict[int, set[tuple[int, str]]]) -> set[tuple[int, int, str]]:
    if not wanted:
        return set()
    return set(
        SearchNotice.objects.filter(
            saved_search_id__in=list(wanted),
            repository_id__in={pk for pairs in wanted.values() for pk, _ in pairs},
            tag__in={name for pairs in wanted.values() for _, name in pairs},
        ).values_list("saved_search_id", "repository_id", "tag")
    )


def _send(news: list[Found]) -> None:
    """One message per immediate search with news, with what it had not told yet (a mail that failed before); the
    notices recorded get their message before they are inserted."""
    immediate = [
        f
        for f in news
        if f.saved.mode == SavedSearch.Mode.IMMEDIATE and any(n.kind != SearchNotice.Kind.BASELINE for n in f.notices)
    ]
    if not immediate:
        return
    pending: dict[int, list[SearchNotice]] = {}
    for notice in (
        SearchNotice.objects.filter(saved_search_id__in=[f.saved.pk for f in immediate], message__isnull=True)
        .exclude(kind=SearchNotice.Kind.BASELINE)
        .select_related("repository__namespace")
    ):
        pending.setdefault(notice.saved_search_id, []).append(notice)
    repositories = (
        Repository.objects.select_related("namespace")
        .only("name", "namespace__name")
        .in_bulk({n.repository_id for f in immediate for n in f.notices})
    )
    batch = []
    for f in immediate:
        told = [n for n in f.notices if n.kind != SearchNotice.Kind.BASELINE]
        for notice in told:
            notice.repository = repositories[notice.repository_id]
        batch.append((f, told, pending.get(f.saved.pk, [])))
    messages = messages_send([search_message(f.saved, told + earlier, f.search_url) for f, told, earlier in batch])
    for (_, told, earlier), message in zip(batch, messages, strict=True):
        for notice in told:
            notice.message = message
        if earlier:
            SearchNotice.objects.filter(pk__in=[n.pk for n in earlier]).update(message=message)

"""A saved search's state (what it matched at its last run): only changed repositories are evaluated again, and
compared with it."""

import pytest
from django.core import mail

from images.alerts import alerts_compute, saved_search_save
from images.models import Repository, SavedSearch, SearchNotice
from images.services import search_matches
from images.services.repositories import repository_delete, repository_update
from images.services.stars import star_create
from images.services.vulns import vulnerability_import
from tests.alerts.conftest import push_indexed

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def state_of(saved: SavedSearch) -> set[int]:
    saved.refresh_from_db()
    return set(saved.matches)


def describe(actor, repository: Repository, text: str) -> None:
    repository_update(actor=actor, repository=Repository.objects.get(pk=repository.pk), short_description=text)


def test_the_state_holds_every_match_and_a_changed_repository_is_evaluated(alice, acme, advisory):
    """A repository that starts matching through a finding (an advisory import changed it) is evaluated and told;
    the state is every match, whatever the order."""
    tool = push_indexed("acme", "tool", "1.0")  # Jinja2 2.10: affected once the advisory is imported
    fixed = push_indexed("acme", "fixed", "1.0", jinja="3.1.4")
    saved = saved_search_save(user=alice, name="critical jinja", query="cve:CVE-2099-0001")
    assert state_of(saved) == set()
    vulnerability_import(source=advisory)
    alerts_compute()
    [told] = [m for m in mail.outbox if '"critical jinja"' in m.subject]
    assert "New repository acme/tool" in told.body and "acme/fixed" not in told.body
    assert state_of(saved) == {tool.pk}
    assert fixed.pk not in state_of(saved)


def test_a_repository_beyond_the_first_results_is_not_told_again(alice, acme, monkeypatch):
    """Past its first results a search does not tell a repository that starts matching, but it keeps it in its
    state: a later change of that repository does not make it look new (its new tags are told)."""
    monkeypatch.setattr(search_matches, "MATCH_LIMIT", 1)
    saved = saved_search_save(user=alice, name="apps", query="webapp")
    push_indexed("acme", "webapp-a", "1.0")
    push_indexed("acme", "webapp-b", "1.0")
    assert alerts_compute()["search_notices"] == 2  # one repository (the first result) and its tag
    [first] = mail.outbox
    told = "webapp-a" if "New repository acme/webapp-a" in first.body else "webapp-b"
    untold = {"webapp-a": "webapp-b", "webapp-b": "webapp-a"}[told]
    assert f"acme/{untold}" not in first.body
    assert len(state_of(saved)) == 2

    untold_repository = acme.repositories.get(name=untold)
    describe(alice, untold_repository, "A webapp, described")
    alerts_compute()
    assert len(mail.outbox) == 1  # changed and evaluated, but it matched already: nothing new
    push_indexed("acme", untold, "2.0")
    alerts_compute()
    assert len(mail.outbox) == 2
    assert f"New tag acme/{untold}:2.0" in mail.outbox[1].body and "New repository" not in mail.outbox[1].body


def test_a_repository_that_stops_matching_and_matches_again_is_told_again(alice, acme):
    tool = push_indexed("acme", "tool", "1.0")
    saved = saved_search_save(user=alice, name="scanners", query="scanner")
    describe(alice, tool, "A container scanner")
    alerts_compute()
    assert "New repository acme/tool" in mail.outbox[0].body
    describe(alice, tool, "A gadget")
    alerts_compute()
    assert state_of(saved) == set() and len(mail.outbox) == 1  # leaving is not told
    describe(alice, tool, "A scanner again")
    alerts_compute()
    assert len(mail.outbox) == 2 and "New repository acme/tool" in mail.outbox[1].body
    assert alerts_compute()["search_notices"] == 0  # once per return
    assert SearchNotice.objects.filter(saved_search=saved, repository=tool, tag="").count() == 1


def test_a_private_or_deleted_repository_leaves_the_state(alice, bob, acme):
    webapp = push_indexed("acme", "webapp", "1.0")
    other = push_indexed("acme", "webapp-cli", "1.0")
    theirs = saved_search_save(user=bob, name="apps", query="webapp")
    mine = saved_search_save(user=alice, name="apps", query="webapp")
    assert state_of(theirs) == state_of(mine) == {webapp.pk, other.pk}
    repository_update(actor=alice, repository=webapp, is_private=True)
    alerts_compute()
    assert state_of(theirs) == {other.pk}  # bob may no longer read it
    assert state_of(mine) == {webapp.pk, other.pk}  # alice, of acme, may
    repository_delete(actor=alice, repository=Repository.objects.get(pk=other.pk))
    push_indexed("acme", "webapp", "2.0")  # something changed: the searches run
    alerts_compute()
    assert state_of(mine) == {webapp.pk} and state_of(theirs) == set()
    assert not any(m.to == ["bob@example.org"] for m in mail.outbox)


def test_a_search_saved_before_states_were_kept_starts_from_what_it_told(alice, acme):
    push_indexed("acme", "webapp", "1.0")
    saved = saved_search_save(user=alice, name="apps", query="webapp")
    SavedSearch.objects.filter(pk=saved.pk).update(matches=None)
    SearchNotice.objects.create(
        saved_search=saved, repository=acme.repositories.get(name="webapp"), tag="", kind="baseline"
    )
    push_indexed("acme", "webapp-api", "1.0")
    alerts_compute()
    [told] = mail.outbox
    assert "New repository acme/webapp-api" in told.body and "New repository acme/webapp\n" not in told.body
    assert len(state_of(saved)) == 2


def test_one_cve_mail_per_follower_lists_every_image(alice, bob, advisory):
    first = push_indexed("bob", "tool", "1.0")
    second = push_indexed("bob", "cli", "1.0")
    star_create(user=alice, repository=first)
    star_create(user=alice, repository=second)
    vulnerability_import(source=advisory)
    assert alerts_compute()["cve_notices"] == 2
    [told] = mail.outbox
    assert told.to == ["alice@example.org"] and "2 new critical/high" in told.subject
    assert "in bob/tool" in told.body and "in bob/cli" in told.body

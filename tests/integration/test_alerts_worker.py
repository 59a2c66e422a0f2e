"""Alerts end to end on real parts: PostgreSQL, Redis and a Celery worker process. A push is indexed by the
worker, whose indexing asks for an alerts computation (alerts_compute_task), which the worker runs and which
mails the saved search's owner (Django's file mail backend) exactly once; the beat task run again tells nothing.
"""

import pytest

from tests.helpers.worker import hub_backend

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

SETUP = """
from django.contrib.auth import get_user_model
from images.alerts import saved_search_save
from images.services.organizations import organization_create
alice = get_user_model().objects.get(username="alice")
alice.email = "alice@example.org"
alice.save()
organization_create(owner=alice, name="acme")
result = saved_search_save(user=alice, name="webapps", query="webapp").pk
"""

PUSH = """
from images.services.authorization import SYSTEM
from images.services.demo import image_push
from images.services.repositories import repository_ensure
from tests.alerts.conftest import app_image
repository = repository_ensure(actor=SYSTEM, namespace_name="acme", name="webapp")
result = image_push(repository=repository, image=app_image(marker="worker"), tag="1.0").pk
"""

COMPUTE = "from images.tasks import alerts_compute_task; result = alerts_compute_task.delay().get(timeout=120)"


def mails(directory) -> list[str]:
    return [path.read_text() for path in sorted(directory.glob("*.log"))] if directory.exists() else []


def test_a_push_indexed_by_the_worker_is_told_once(tmp_path):
    mail_dir = tmp_path / "mail"
    extra = {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": str(mail_dir)}
    with hub_backend(tmp_path / "hub", extra_env=extra) as hub:
        hub.shell_json(SETUP)
        hub.shell_json(PUSH)
        assert hub.wait_indexed("acme/webapp", "1.0") == "indexed"
        told = hub.wait_for("the alert mail", lambda: mails(mail_dir), timeout=120)
        assert len(told) == 1
        assert "New repository acme/webapp" in told[0] and "/r/acme/webapp/tags/1.0" in told[0]
        assert "To: alice@example.org" in told[0]
        assert hub.shell_json(COMPUTE) == {"search_notices": 0, "cve_notices": 0}
        assert len(mails(mail_dir)) == 1
        assert hub.query("SELECT kind, tag FROM images_searchnotice ORDER BY kind, tag") == [
            ("repository", ""),
            ("tag", "1.0"),
        ]

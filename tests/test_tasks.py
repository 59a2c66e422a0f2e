"""Tasks: every name a service sends is a registered task, each is `<service>_task`, and a job
waits for its transaction to commit."""

import inspect
import json
import subprocess
import sys
from datetime import timedelta

import pytest
from celery import current_app
from django.db import transaction
from django.utils import timezone

from hub.accounts.services import user_create
from images import tasks
from images.models import Namespace, Repository
from images.services import jobs

JOB_NAMES = [value for name, value in vars(jobs).items() if name.isupper() and isinstance(value, str)]


def test_every_job_name_is_a_task_registered_in_any_process():
    """Checked in a fresh process that never imported images.tasks itself (a web process)."""
    program = (
        "import django, json; django.setup(); from celery import current_app; "
        "print(json.dumps(sorted(current_app.tasks)))"
    )
    out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True).stdout
    registered = set(json.loads(out.strip().splitlines()[-1]))
    assert JOB_NAMES
    assert set(JOB_NAMES) <= registered


def test_tasks_are_named_after_the_service_they_call():
    defined = [t for _, t in inspect.getmembers(tasks) if hasattr(t, "run") and t.__module__ == tasks.__name__]
    assert len(defined) >= 10
    for task in defined:
        function = task.run.__name__
        assert function.endswith("_task"), function
        assert task.name == f"images.{function}", task.name


@pytest.fixture
def eager():
    current_app.conf.task_always_eager = True
    yield
    current_app.conf.task_always_eager = False


@pytest.mark.django_db(transaction=True)
def test_a_job_runs_only_after_its_transaction_commits(eager):
    user_create(username="alice", password="pw-alice-12345")
    namespace = Namespace.objects.get(name="alice")
    repository = Repository.objects.create(namespace=namespace, name="app", trusted_content="sponsored")
    with transaction.atomic():
        Namespace.objects.filter(pk=namespace.pk).update(sponsored_until=timezone.now() - timedelta(days=1))
        jobs.job_enqueue("images.trusted_content_refresh_task")
        repository.refresh_from_db()
        assert repository.trusted_content == "sponsored"  # not yet: the task waits for the commit
    repository.refresh_from_db()
    assert repository.trusted_content == ""

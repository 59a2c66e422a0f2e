"""Upload state is in the database: two writers at one offset cannot both win."""

import io

import pytest

from images.errors import RangeInvalid
from images.models import Namespace, Repository
from images.services.uploads import upload_append, upload_finish, upload_get, upload_start
from tests.registry.conftest import sha256


def test_concurrent_chunks_at_the_same_offset(alice):
    repository = Repository.objects.create(namespace=Namespace.objects.get(name="alice"), name="app")
    upload = upload_start(repository=repository)
    # Two processes loaded the upload at size 0; both write a chunk for offset 0.
    first, second = (
        upload_get(repository=repository, upload_id=upload.pk),
        upload_get(repository=repository, upload_id=upload.pk),
    )
    upload_append(upload=first, stream=io.BytesIO(b"abc"), length=3, content_range=(0, 2))
    with pytest.raises(RangeInvalid):
        upload_append(upload=second, stream=io.BytesIO(b"xyz"), length=3, content_range=(0, 2))
    assert second.size == 3  # refreshed: the caller answers with the current Range
    blob = upload_finish(upload=upload_get(repository=repository, upload_id=upload.pk), digest=sha256(b"abc"))
    assert blob.size == 3

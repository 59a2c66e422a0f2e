import pytest


@pytest.fixture(autouse=True)
def _blob_storage_in_tmp(settings, tmp_path):
    """Each test gets its own empty blob storage (filesystem unless a test configures S3)."""
    from images.storage import blob_storage

    settings.STORAGES = {
        **settings.STORAGES,
        "blobs": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "blobs")},
        },
    }
    blob_storage.cache_clear()
    yield
    blob_storage.cache_clear()

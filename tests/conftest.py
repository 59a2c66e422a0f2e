import pytest

from hub.accounts.services import user_create


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Sign-ins and tokens check a password per request; PBKDF2's deliberate slowness is not under test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def alice(db):
    return user_create(username="alice", password="alice-password", email="alice@example.org")


@pytest.fixture
def bob(db):
    return user_create(username="bob", password="bob-password", email="bob@example.org")


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

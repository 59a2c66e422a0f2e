import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from hub.accounts.services import admin_ensure, user_create
from images.models import Category, Namespace, Repository

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def test_the_sixteen_docker_hub_categories_are_data():
    names = set(Category.objects.values_list("name", flat=True))
    assert len(names) == 16
    assert {"Databases & Storage", "Web Servers", "Machine Learning & AI", "Operating Systems"} <= names


def test_a_new_user_gets_a_namespace_of_the_same_name():
    user = user_create(username="Alice", password="correct horse battery")
    assert user.namespace.name == "alice"
    assert user.namespace.kind == Namespace.Kind.USER


def test_repository_names_are_unique_within_a_namespace():
    ns = Namespace.objects.create(name="acme", kind=Namespace.Kind.ORGANIZATION)
    Repository.objects.create(namespace=ns, name="api")
    other = Namespace.objects.create(name="other")
    Repository.objects.create(namespace=other, name="api")
    with pytest.raises(IntegrityError):
        Repository.objects.create(namespace=ns, name="api")


@pytest.mark.parametrize("name", ["api", "team/app", "my-app_2", "a.b", "x__y"])
def test_valid_repository_names(name):
    ns = Namespace.objects.create(name="acme")
    Repository(namespace=ns, name=name).full_clean()


@pytest.mark.parametrize("name", ["API", "-api", "api-", "a//b", "a b", "a/"])
def test_invalid_repository_names(name):
    ns = Namespace.objects.create(name="acme")
    with pytest.raises(ValidationError):
        Repository(namespace=ns, name=name).full_clean()


def test_descriptions_have_docker_hub_limits():
    ns = Namespace.objects.create(name="acme")
    with pytest.raises(ValidationError) as err:
        Repository(namespace=ns, name="api", short_description="x" * 101, full_description="y" * 25_001).full_clean()
    assert set(err.value.message_dict) == {"short_description", "full_description"}


def test_first_admin_from_environment_or_generated(monkeypatch):
    assert admin_ensure(username="root", password="s3cret-Pass-word") is None
    root = Namespace.objects.get(name="root").user
    assert root.is_superuser and root.check_password("s3cret-Pass-word")
    # An admin exists now, so nothing more is created.
    assert admin_ensure(username="second", password=None) is None
    assert not Namespace.objects.filter(name="second").exists()


def test_generated_admin_password_is_returned_once():
    username, password = admin_ensure(username=None, password=None)
    assert username == "admin"
    assert Namespace.objects.get(name="admin").user.check_password(password)

"""Base detection, outdated bases, dependents and private bases, through the services and selectors."""

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from images.models import ChainPrefix, ImageChain, Manifest
from images.selectors.lineage import image_base, image_lineage, publisher_outdated, repository_dependents
from images.services.authorization import SYSTEM
from images.services.lineage import lineage_rebuild
from images.services.repositories import repository_ensure
from tests.lineage.parts import annotated, base_layers, built, layer, pushed

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]
ANONYMOUS = AnonymousUser()


def test_the_base_is_the_longest_proper_prefix(world):
    repos, images = world
    base, given, annotated_ = image_base(manifest=images["app"], user=ANONYMOUS)
    assert (base, given, annotated_) == (images["python"], 3, False)
    assert image_base(manifest=images["python"], user=ANONYMOUS)[0] == images["debian"]
    assert image_base(manifest=images["debian"], user=ANONYMOUS)[0] is None
    lineage = image_lineage(manifest=images["app"], user=ANONYMOUS)
    assert lineage.base_tag == "3" and lineage.base_current and lineage.update is None
    # Three layers and the steps between them came from the base; the app's COPY and CMD did not.
    assert lineage.base_positions == {0, 1, 2}


def test_a_rebased_tag_makes_the_base_outdated_and_says_what_rebuilding_fixes(world):
    repos, images = world
    assert images["python"].findings.filter(severity="critical").count() == 1
    newer = pushed(repos["library/debian"], built(base_layers(jinja="2.10.1")), "bookworm")
    lineage = image_lineage(manifest=images["python"], user=ANONYMOUS)
    assert lineage.base == images["debian"] and lineage.base_tag == "bookworm" and not lineage.base_current
    assert lineage.update.newer == newer and lineage.update.updated_at is not None
    gain = lineage.update.gain
    assert (gain.fixed, gain.fixed_critical_high, gain.packages_changed, gain.introduced) == (1, 1, 1, 0)
    # The app's base (python) did not move: nothing to say there.
    assert image_lineage(manifest=images["app"], user=ANONYMOUS).update is None


def test_publishers_see_which_images_are_on_an_outdated_base(world, alice):
    repos, images = world
    pushed(repos["library/debian"], built(base_layers(jinja="2.10.1")), "bookworm")
    outdated = publisher_outdated(repository=repos["library/python"], user=SYSTEM)
    assert [item.image for item in outdated] == [images["python"]] and outdated[0].tag_names == ["3"]
    assert publisher_outdated(repository=repos["library/python"], user=alice) is None
    assert publisher_outdated(repository=repos["library/python"], user=ANONYMOUS) is None


def test_dependents_are_the_tagged_images_built_on_the_repository(world):
    repos, images = world
    dependents = repository_dependents(repository=repos["library/debian"], user=ANONYMOUS)
    assert dependents.count == 2 and set(dependents.images) == {images["python"], images["app"]}
    assert repository_dependents(repository=repos["acme/app"], user=ANONYMOUS).count == 0


def test_a_private_base_is_invisible_to_who_cannot_read_it(world, alice):
    repos, images = world
    secret = repository_ensure(actor=alice, namespace_name="alice", name="secret-base")
    secret.is_private = True
    secret.save()
    hidden = pushed(secret, built([*base_layers(), layer("python"), layer("app"), layer("secret")]), "1")
    mine = pushed(
        repository_ensure(actor=SYSTEM, namespace_name="acme", name="tool"),
        built([*base_layers(), layer("python"), layer("app"), layer("secret"), layer("tool")]),
        "1",
    )
    assert image_base(manifest=mine, user=alice)[0] == hidden
    assert image_base(manifest=mine, user=ANONYMOUS)[0] == images["app"]  # the next-longest visible prefix
    assert hidden not in repository_dependents(repository=repos["library/debian"], user=ANONYMOUS).images
    assert repository_dependents(repository=secret, user=ANONYMOUS).count == 1  # the public tool, seen by all


def test_annotations_win_when_they_name_an_image_in_hub(world):
    repos, images = world
    image = annotated(
        built([*base_layers(), layer("python"), layer("other")]),
        {
            "org.opencontainers.image.base.name": "docker.io/library/debian:bookworm",
            "org.opencontainers.image.base.digest": images["debian"].digest,
        },
    )
    other = pushed(repos["acme/app"], image, "other")
    base, given, from_annotation = image_base(manifest=other, user=ANONYMOUS)
    assert (base, given, from_annotation) == (images["debian"], 2, True)
    assert image_lineage(manifest=other, user=ANONYMOUS).base_tag == "bookworm"


def test_an_annotation_naming_a_base_pushed_later_is_picked_up_when_it_arrives(world):
    repos, images = world
    later = built([*base_layers(), layer("later")])
    annotations = {"org.opencontainers.image.base.digest": later.digest}
    image = annotated(built([*base_layers(), layer("later"), layer("x")]), annotations)
    early = pushed(repos["acme/app"], image, "early")
    assert ImageChain.objects.get(manifest=early).annotated_base is None
    base = pushed(repos["library/python"], later, "later")
    assert ImageChain.objects.get(manifest=early).annotated_base == base


def test_deleting_a_base_falls_back_to_the_next_one(world):
    repos, images = world
    Manifest.objects.filter(pk=images["python"].pk).delete()
    assert image_base(manifest=images["app"], user=ANONYMOUS)[0] == images["debian"]


def test_the_rebuild_writes_what_the_pushes_wrote(world):
    before = sorted(ImageChain.objects.values_list("manifest_id", "key", "length"))
    prefixes = sorted(ChainPrefix.objects.values_list("manifest_id", "length", "key"))
    assert lineage_rebuild() == 3
    assert sorted(ImageChain.objects.values_list("manifest_id", "key", "length")) == before
    assert sorted(ChainPrefix.objects.values_list("manifest_id", "length", "key")) == prefixes


def test_reindex_lineage_rebuilds_without_pulling(world):
    ImageChain.objects.all().delete()
    out = io.StringIO()
    call_command("reindex", "--lineage", stdout=out)
    assert out.getvalue().strip() == "lineage rebuilt for 3 images"
    repos, images = world
    assert image_base(manifest=images["app"], user=ANONYMOUS)[0] == images["python"]

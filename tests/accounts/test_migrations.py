"""Organizations moving from hub.accounts to images (accounts 0004, images 0015) keep every row.

Migrate a database back to before the move, write rows the old way, migrate forward, and read them
the new way: same ids, same links, tables renamed to images_*, foreign keys still enforced by the
database, content types (so permissions granted on these models) carried over. Then back again.
"""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from images.models import Membership, OrganizationAccessToken, Team, TeamMember, TeamRepositoryPermission

pytestmark = [pytest.mark.both_databases]

BEFORE = [("accounts", "0003_curators_group"), ("images", "0014_search_stripped_vectors")]
MOVED = ["membership", "team", "teammember", "teamrepositorypermission", "organizationaccesstoken"]


def _migrate(targets=None):
    """Migrate to `targets` (None: the latest); the historical models of that state."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def _tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def _foreign_keys(table: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {c["foreign_key"] for c in constraints.values() if c["foreign_key"]}


def _old_rows(apps) -> dict:
    User = apps.get_model("accounts", "User")
    Namespace = apps.get_model("images", "Namespace")
    Repository = apps.get_model("images", "Repository")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    # What a database from before the move holds: content types of accounts' models, not of images'.
    ContentType.objects.filter(app_label="images", model__in=MOVED).delete()
    team_type, _ = ContentType.objects.get_or_create(app_label="accounts", model="team")
    permission = Permission.objects.create(content_type=team_type, codename="audit_team", name="Can audit teams")
    group = Group.objects.create(name="team-auditors")
    group.permissions.add(permission)

    alice = User.objects.create(username="alice", password="!")
    acme = Namespace.objects.create(name="acme", kind="org")
    app = Repository.objects.create(namespace=acme, name="app")
    Membership = apps.get_model("accounts", "Membership")
    Team = apps.get_model("accounts", "Team")
    membership = Membership.objects.create(organization=acme, user=alice, role="owner")
    team = Team.objects.create(organization=acme, name="devs", description="Developers")
    member = apps.get_model("accounts", "TeamMember").objects.create(team=team, user=alice)
    grant = apps.get_model("accounts", "TeamRepositoryPermission").objects.create(
        team=team, repository=app, permission="write"
    )
    token = apps.get_model("accounts", "OrganizationAccessToken").objects.create(
        organization=acme, created_by=alice, name="ci", prefix="hub_oat_abcd", token_hash="f" * 64, scope="read"
    )
    return {
        "alice": alice.pk,
        "membership": membership.pk,
        "team": team.pk,
        "member": member.pk,
        "grant": grant.pk,
        "token": token.pk,
        "permission": permission.pk,
    }


@pytest.mark.django_db(transaction=True)
def test_organizations_keep_their_rows_through_the_move_and_back():
    try:
        ids = _old_rows(_migrate(BEFORE))
        assert {f"accounts_{m}" for m in MOVED} <= _tables()

        _migrate()
        tables = _tables()
        assert {f"images_{m}" for m in MOVED} <= tables
        assert not {f"accounts_{m}" for m in MOVED} & tables

        membership = Membership.objects.select_related("organization", "user").get(pk=ids["membership"])
        assert (membership.organization.name, membership.user.username, membership.role) == ("acme", "alice", "owner")
        team = Team.objects.get(pk=ids["team"])
        assert (team.organization.name, team.name, team.description) == ("acme", "devs", "Developers")
        assert TeamMember.objects.get(pk=ids["member"]).team == team
        grant = TeamRepositoryPermission.objects.get(pk=ids["grant"])
        assert (grant.team, grant.repository.name, grant.permission) == (team, "app", "write")
        token = OrganizationAccessToken.objects.get(pk=ids["token"])
        assert (token.organization.name, token.created_by_id, token.token_hash) == ("acme", ids["alice"], "f" * 64)
        # New rows get fresh ids (the sequences came along with the tables).
        assert Team.objects.create(organization=team.organization, name="ops").pk > team.pk

        # The database still enforces the links, now to the renamed tables.
        assert ("images_team", "id") in _foreign_keys("images_teammember")
        assert ("images_team", "id") in _foreign_keys("images_teamrepositorypermission")
        assert ("images_namespace", "id") in _foreign_keys("images_membership")
        with pytest.raises(IntegrityError), transaction.atomic():
            TeamMember.objects.create(team_id=999_999, user_id=ids["alice"])

        # A permission granted on the old model is one on the new model.
        permission = Group.objects.get(name="team-auditors").permissions.get()
        assert (permission.pk, permission.content_type.app_label, permission.content_type.model) == (
            ids["permission"],
            "images",
            "team",
        )

        # And back: the rows return to the accounts_* tables.
        apps = _migrate(BEFORE)
        assert apps.get_model("accounts", "TeamMember").objects.get(pk=ids["member"]).team.name == "devs"
        assert apps.get_model("accounts", "Membership").objects.filter(pk=ids["membership"]).exists()
    finally:
        _migrate()


def test_models_and_migrations_agree(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)  # SystemExit(1) when they do not

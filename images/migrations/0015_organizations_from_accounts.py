"""Organizations' members, teams and tokens become content: models of images, tables images_*.

hub.accounts' migration 0004 forgot them (state only); here images takes the same tables over
(state only, with their old names), then renames them (AlterModelTable: every row and foreign key
stays; PostgreSQL and SQLite both follow a renamed table in the constraints that point at it).
Their content types are relabelled too, so admin permissions and log entries on them survive.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ["membership", "team", "teammember", "teamrepositorypermission", "organizationaccesstoken"]
SCOPES = [("read", "Read-only"), ("read-write", "Read & write"), ("read-write-delete", "Read, write & delete")]


def _relabel(apps, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    taken = ContentType.objects.filter(app_label=new, model__in=MOVED).values_list("model", flat=True)
    ContentType.objects.filter(app_label=old, model__in=MOVED).exclude(model__in=list(taken)).update(app_label=new)


def content_types_forwards(apps, schema_editor):
    _relabel(apps, "accounts", "images")


def content_types_backwards(apps, schema_editor):
    _relabel(apps, "images", "accounts")


def _id():
    return ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"))


def _user(related_name, **kwargs):
    return models.ForeignKey(
        on_delete=kwargs.pop("on_delete", django.db.models.deletion.CASCADE),
        related_name=related_name,
        to=settings.AUTH_USER_MODEL,
        **kwargs,
    )


def _organization(related_name):
    return models.ForeignKey(
        on_delete=django.db.models.deletion.CASCADE, related_name=related_name, to="images.namespace"
    )


STATE = [
    migrations.CreateModel(
        name="Membership",
        fields=[
            _id(),
            (
                "role",
                models.CharField(
                    choices=[("member", "Member"), ("editor", "Editor"), ("owner", "Owner")],
                    default="member",
                    max_length=8,
                ),
            ),
            ("created_at", models.DateTimeField(auto_now_add=True)),
            ("organization", _organization("memberships")),
            ("user", _user("memberships")),
        ],
        options={
            "db_table": "accounts_membership",
            "ordering": ["organization__name", "user__username"],
            "constraints": [models.UniqueConstraint(fields=("organization", "user"), name="membership_once")],
        },
    ),
    migrations.CreateModel(
        name="Team",
        fields=[
            _id(),
            ("name", models.SlugField(max_length=100)),
            ("description", models.CharField(blank=True, max_length=255)),
            ("created_at", models.DateTimeField(auto_now_add=True)),
            ("organization", _organization("teams")),
        ],
        options={
            "db_table": "accounts_team",
            "ordering": ["organization__name", "name"],
            "constraints": [models.UniqueConstraint(fields=("organization", "name"), name="team_unique_name")],
        },
    ),
    migrations.CreateModel(
        name="TeamMember",
        fields=[
            _id(),
            ("created_at", models.DateTimeField(auto_now_add=True)),
            (
                "team",
                models.ForeignKey(
                    on_delete=django.db.models.deletion.CASCADE, related_name="members", to="images.team"
                ),
            ),
            ("user", _user("team_memberships")),
        ],
        options={
            "db_table": "accounts_teammember",
            "constraints": [models.UniqueConstraint(fields=("team", "user"), name="team_member_once")],
        },
    ),
    migrations.CreateModel(
        name="TeamRepositoryPermission",
        fields=[
            _id(),
            (
                "permission",
                models.CharField(
                    choices=[("read", "Read"), ("write", "Write"), ("admin", "Admin")], default="read", max_length=8
                ),
            ),
            (
                "repository",
                models.ForeignKey(
                    on_delete=django.db.models.deletion.CASCADE, related_name="team_permissions", to="images.repository"
                ),
            ),
            (
                "team",
                models.ForeignKey(
                    on_delete=django.db.models.deletion.CASCADE, related_name="repository_permissions", to="images.team"
                ),
            ),
        ],
        options={
            "db_table": "accounts_teamrepositorypermission",
            "constraints": [
                models.UniqueConstraint(fields=("team", "repository"), name="team_repository_permission_once")
            ],
        },
    ),
    migrations.CreateModel(
        name="OrganizationAccessToken",
        fields=[
            _id(),
            ("name", models.CharField(max_length=100)),
            ("prefix", models.CharField(db_index=True, max_length=16)),
            ("token_hash", models.CharField(max_length=128, unique=True)),
            ("scope", models.CharField(choices=SCOPES, default="read", max_length=20)),
            ("created_at", models.DateTimeField(auto_now_add=True)),
            ("expires_at", models.DateTimeField(blank=True, null=True)),
            ("revoked_at", models.DateTimeField(blank=True, null=True)),
            ("last_used_at", models.DateTimeField(blank=True, null=True)),
            (
                "created_by",
                _user("+", blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL),
            ),
            ("organization", _organization("access_tokens")),
        ],
        options={"db_table": "accounts_organizationaccesstoken", "ordering": ["-created_at"]},
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_organizations_to_images"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("images", "0014_search_stripped_vectors"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=STATE, database_operations=[]),
        # table=None: the default name, images_<model>.
        *[migrations.AlterModelTable(name=name, table=None) for name in MOVED],
        migrations.RunPython(content_types_forwards, content_types_backwards),
    ]

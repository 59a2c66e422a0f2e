"""The `curators` group: people who grant and revoke trusted-content status.

It carries no model permissions and no repository rights (images.services.permissions gives
curators nothing beyond what they have as users); curation checks membership by name.
"""

from django.db import migrations

CURATORS = "curators"


def curators_create(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=CURATORS)


def curators_delete(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=CURATORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_organizations"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(curators_create, curators_delete)]

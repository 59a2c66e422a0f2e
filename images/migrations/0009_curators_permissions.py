"""Give the `curators` group exactly what curation needs: images.curate_trusted_content.

The group itself is made by hub.accounts (0003_curators_group); get_or_create here too, so the
order the two apps migrate in does not matter. The permission row is created here because
Django only makes permissions after all migrations have run (post_migrate).
"""

from django.db import migrations

CURATORS = "curators"
PERMISSIONS = [("curate_trusted_content", "Can review, grant and revoke trusted content", "verificationrequest")]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    group, _ = Group.objects.get_or_create(name=CURATORS)
    for codename, name, model in PERMISSIONS:
        content_type, _ = ContentType.objects.get_or_create(app_label="images", model=model)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        group.permissions.add(permission)


def ungrant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=CURATORS).first()
    if group is not None:
        group.permissions.remove(*group.permissions.filter(codename__in=[p[0] for p in PERMISSIONS]))


class Migration(migrations.Migration):
    dependencies = [
        ("images", "0008_console_webhooks_curation"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, ungrant)]

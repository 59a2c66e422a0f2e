"""Organizations move to images (images.models.organizations): forget them here, keep their tables.

State only: images' migration 0015 takes the same tables over (and then renames them to images_*),
so no row is touched.
"""

from django.db import migrations

# Dependents first: the state cannot drop a model another one still points at.
MOVED = ["teamrepositorypermission", "teammember", "team", "membership", "organizationaccesstoken"]


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_curators_group"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name=name) for name in MOVED],
            database_operations=[],
        ),
    ]

import django.db.models.deletion
from django.db import migrations, models

# What images/services/repository_contents.py rebuilds (copied: a migration keeps the SQL of its time).
_REACHED = (
    "SELECT t.repository_id, t.manifest_id AS image_id FROM images_tag t"
    " UNION SELECT t.repository_id, r.child_id FROM images_tag t"
    " JOIN images_manifestreference r ON r.parent_id = t.manifest_id"
)
_FILL = [
    "INSERT INTO images_repositorypackage (repository_id, type, name, lname, version)"  # noqa: S608 (constants)
    " SELECT DISTINCT reached.repository_id, p.type, p.name, LOWER(p.name), p.version"
    f" FROM ({_REACHED}) reached JOIN images_package p ON p.manifest_id = reached.image_id",
    "INSERT INTO images_repositoryfinding (repository_id, vulnerability_id, severity, fixable)"  # noqa: S608
    " SELECT DISTINCT reached.repository_id, f.vulnerability_id, f.severity, f.fixed_version <> ''"
    f" FROM ({_REACHED}) reached JOIN images_finding f ON f.manifest_id = reached.image_id",
]


def fill(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for statement in _FILL:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("images", "0021_package_search_speed"),
    ]

    operations = [
        migrations.CreateModel(
            name="RepositoryPackage",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("type", models.CharField(max_length=32)),
                ("name", models.CharField(max_length=255)),
                ("lname", models.CharField(max_length=255)),
                ("version", models.CharField(max_length=255)),
                (
                    "repository",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="images.repository",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["lname", "type", "version", "name", "repository"], name="repository_package_search"
                    ),
                    models.Index(fields=["repository", "lname", "type", "version"], name="repository_package_probe"),
                ],
            },
        ),
        migrations.CreateModel(
            name="RepositoryFinding",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "severity",
                    models.CharField(
                        choices=[
                            ("critical", "Critical"),
                            ("high", "High"),
                            ("medium", "Medium"),
                            ("low", "Low"),
                            ("unknown", "Unknown"),
                        ],
                        default="unknown",
                        max_length=10,
                    ),
                ),
                ("fixable", models.BooleanField()),
                (
                    "repository",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="images.repository",
                    ),
                ),
                (
                    "vulnerability",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="images.vulnerability",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["vulnerability", "repository"], name="repository_finding_advisory"),
                    models.Index(fields=["severity", "fixable", "repository"], name="repository_finding_severity"),
                    models.Index(
                        fields=["repository", "severity", "fixable", "vulnerability"], name="repository_finding_probe"
                    ),
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]

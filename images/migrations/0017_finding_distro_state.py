"""Findings say how they can be resolved (fixed / no fix yet / won't fix), and advisories which
distribution feed wrote them (Debian security tracker, Alpine secdb), so a feed imported again
replaces its own records only. Existing findings with a fixed version are "fixed"."""

from django.db import migrations, models


def _fixed_findings(apps, schema_editor):
    Finding = apps.get_model("images", "Finding")
    Finding.objects.exclude(fixed_version="").update(fix_state="fixed")


class Migration(migrations.Migration):
    dependencies = [
        ("images", "0016_vulnerability_severity_source"),
    ]

    operations = [
        migrations.AddField(
            model_name="finding",
            name="fix_state",
            field=models.CharField(
                choices=[("fixed", "Fixed"), ("unfixed", "No fix yet"), ("wont_fix", "Won't fix")],
                default="unfixed",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="vulnerability",
            name="source",
            field=models.CharField(blank=True, db_index=True, max_length=32),
        ),
        migrations.RunPython(_fixed_findings, migrations.RunPython.noop),
    ]

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("images", "0023_lineage_graph")]

    operations = [
        migrations.AddField(
            model_name="savedsearch",
            name="matches",
            field=models.JSONField(blank=True, default=None, null=True),
        ),
    ]

"""The sixteen Docker Hub categories, as data."""

from django.db import migrations
from django.utils.text import slugify

CATEGORIES = [
    "API Management",
    "Content Management System",
    "Data Science",
    "Databases & Storage",
    "Developer Tools",
    "Integration & Delivery",
    "Languages & Frameworks",
    "Machine Learning & AI",
    "Message Queues",
    "Mobile",
    "Monitoring & Observability",
    "Networking",
    "Operating Systems",
    "Security",
    "Web Analytics",
    "Web Servers",
]


def add_categories(apps, schema_editor):
    Category = apps.get_model("images", "Category")
    for name in CATEGORIES:
        Category.objects.get_or_create(slug=slugify(name), defaults={"name": name})


def remove_categories(apps, schema_editor):
    apps.get_model("images", "Category").objects.filter(name__in=CATEGORIES).delete()


class Migration(migrations.Migration):
    dependencies = [("images", "0001_initial")]
    operations = [migrations.RunPython(add_categories, remove_categories)]

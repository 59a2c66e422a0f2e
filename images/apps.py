from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _search_index_ensure(using, **kwargs):
    from django.db import connections

    from images.search.sqlite import fts_ensure

    fts_ensure(connections[using])


class ImagesConfig(AppConfig):
    name = "images"
    verbose_name = "Images"

    def ready(self):
        # SQLite drops a table's triggers when a migration rebuilds it; put the search ones back.
        post_migrate.connect(_search_index_ensure, sender=self, dispatch_uid="images_search_index_ensure")

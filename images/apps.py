from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_migrate

from hub.accounts import signals as accounts_signals


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
        # Search reads a repository's categories from a denormalised column; follow every change.
        from images.models import Repository
        from images.services.search_index import category_changed

        m2m_changed.connect(
            category_changed, sender=Repository.categories.through, dispatch_uid="images_search_category_changed"
        )
        # People below content: accounts send signals, images makes and guards the namespaces.
        from images.services import namespaces

        accounts_signals.user_created.connect(namespaces.on_user_created, dispatch_uid="images_user_namespace")
        accounts_signals.user_name_check.connect(namespaces.on_user_name_check, dispatch_uid="images_user_name")
        accounts_signals.user_profile_updated.connect(
            namespaces.on_user_profile_updated, dispatch_uid="images_user_profile"
        )
        # Register the tasks with the Celery app in every process, not only workers: services send
        # them by name (images/services/jobs.py), and a registered task honours task_always_eager.
        import images.tasks  # noqa: F401

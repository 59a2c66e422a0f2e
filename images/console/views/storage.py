"""A namespace's storage use, with shared blobs counted once (selectors/sharing.py has the figure)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from images.console.views.common import namespace_or_404
from images.selectors.sharing import namespace_storage_use
from images.services.authorization import STORAGE_VIEW, authorize


@login_required
@require_GET
def namespace_storage(request, namespace: str):
    ns = namespace_or_404(namespace)
    authorize(request.user, STORAGE_VIEW, namespace=ns, message="A namespace's storage use is for its owners.")
    use = namespace_storage_use(namespace=ns)
    largest = max((row.total for row in use.repositories), default=0) or 1
    bars = [
        (row, round(100 * row.unique / largest, 2), round(100 * row.shared / largest, 2)) for row in use.repositories
    ]
    return render(request, "console/storage.html", {"namespace": ns, "use": use, "bars": bars})

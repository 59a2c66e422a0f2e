"""Docker Hub's pagination: `page`, `page_size` (at most 100) in; `count`, `next`, `previous`, `results` out."""

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

MAX_PAGE_SIZE = 100


class HubPagination(PageNumberPagination):
    page_size = 10
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_size_query_description = f"Results per page (1-{MAX_PAGE_SIZE}, default 10)."

    def get_page_size(self, request):
        # A page_size of 0, a negative one or a word is a client error, not a silent default.
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None:
            try:
                size = int(raw)
            except ValueError:
                raise ValidationError({"page_size": ["a whole number from 1 to 100"]}) from None
            if size < 1:
                raise ValidationError({"page_size": ["a whole number from 1 to 100"]})
            return min(size, self.max_page_size)
        return self.page_size

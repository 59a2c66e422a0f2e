"""Reading page state from the query string (it all lives in the URL, so every view is linkable)."""

from django.core.paginator import Paginator

MAX_PAGE = 1000


def page_number(request, name: str = "page") -> int:
    try:
        return min(MAX_PAGE, max(1, int(request.GET.get(name, "1"))))
    except ValueError:
        return 1


def values(request, name: str, allowed=None, limit: int = 20) -> tuple[str, ...]:
    items = [v.strip() for v in request.GET.getlist(name) if v.strip()][:limit]
    if allowed is not None:
        items = [v for v in items if v in allowed]
    return tuple(dict.fromkeys(items))


def text(request, name: str, limit: int = 200) -> str:
    return request.GET.get(name, "").strip()[:limit]


class Pages:
    """Page links for a total that the caller counted (so no second COUNT query runs)."""

    def __init__(self, *, number: int, per_page: int, total: int):
        self.per_page = per_page
        self.total = total
        self.num_pages = max(1, -(-total // per_page))
        self.number = min(number, self.num_pages)
        self.offset = (self.number - 1) * per_page

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def start(self) -> int:
        return self.offset + 1 if self.total else 0

    @property
    def end(self) -> int:
        return min(self.total, self.offset + self.per_page)

    def window(self) -> list[int | None]:
        """Page numbers to link, with None for a gap: 1 … 4 5 [6] 7 8 … 20."""
        pages = Paginator(range(self.num_pages), 1)
        return [
            None if p == Paginator.ELLIPSIS else p for p in pages.get_elided_page_range(self.number, on_each_side=2)
        ]

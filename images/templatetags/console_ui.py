"""The way from a catalogue page into the publisher console, shown only to those who may edit the listing."""

from django import template
from django.utils.html import format_html

from images.services.authorization import EDIT_LISTING, may

register = template.Library()


@register.simple_tag(takes_context=True)
def console_link(context, repository) -> str:
    request = context.get("request")
    if (
        request is None
        or not request.user.is_authenticated
        or not may(request.user, EDIT_LISTING, repository=repository)
    ):
        return ""
    return format_html(
        '<a class="button" href="/console/r/{}/{}/-/settings">Manage repository</a>',
        repository.namespace.name,
        repository.name,
    )

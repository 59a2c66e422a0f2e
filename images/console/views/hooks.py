"""A repository's mirrors and webhooks in the publisher console, and the webhook callback."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from images.console import forms
from images.console.views.common import console_repository, page_context, settings_url
from images.models import Mirror, Repository, Webhook
from images.selectors import hooks as hook_reads
from images.services import webhooks
from images.services.mirrors import mirror_create, mirror_enqueue


@login_required
@require_http_methods(["GET", "POST"])
def mirrors(request, namespace: str, name: str):
    repository = console_repository(request, namespace, name, admin=True)
    form = forms.MirrorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            mirror = mirror_create(user=request.user, repository=repository.full_name, **data)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            mirror_enqueue(mirror=mirror)
            messages.success(request, f"Mirror of {mirror.upstream_registry}/{mirror.upstream_repository} added.")
            return redirect(settings_url(repository, "mirrors"))
    rows = hook_reads.mirror_list(repository=repository)
    context = page_context(request, repository, "mirrors", form=form, mirrors=rows)
    return render(request, "console/mirrors.html", context, status=400 if form.errors else 200)


def _mirror(repository: Repository, mirror_id: int) -> Mirror:
    mirror = hook_reads.mirror_get(repository=repository, mirror_id=mirror_id)
    if mirror is None:
        raise Http404("No such mirror")
    return mirror


@login_required
@require_POST
def mirror_sync(request, namespace: str, name: str, mirror_id: int):
    repository = console_repository(request, namespace, name, admin=True)
    mirror = _mirror(repository, mirror_id)
    mirror_enqueue(mirror=mirror)
    messages.success(request, "Sync queued.")
    return redirect(settings_url(repository, "mirrors"))


@login_required
@require_GET
def mirror_status(request, namespace: str, name: str, mirror_id: int):
    """One mirror's row, polled by htmx while it syncs."""
    repository = console_repository(request, namespace, name, admin=True)
    mirror = _mirror(repository, mirror_id)
    return render(request, "console/_mirror_row.html", {"repo": repository, "mirror": mirror})


@login_required
@require_http_methods(["GET", "POST"])
def webhook_list(request, namespace: str, name: str):
    repository = console_repository(request, namespace, name, admin=True)
    form = forms.WebhookForm(request.POST or None)
    created_secret = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                webhook, created_secret = webhooks.webhook_create(
                    user=request.user, repository=repository, **form.cleaned_data
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
                status = 400
            else:
                form = forms.WebhookForm()
                status = 201
        else:
            status = 400
    rows = hook_reads.webhook_list(repository=repository)
    context = page_context(request, repository, "webhooks", form=form, webhooks=rows, created_secret=created_secret)
    response = render(request, "console/webhooks.html", context, status=status)
    response["Cache-Control"] = "no-store"  # the secret is on this page once
    return response


def _webhook(request, namespace, name, webhook_id) -> tuple[Repository, Webhook]:
    repository = console_repository(request, namespace, name, admin=True)
    webhook = hook_reads.webhook_get(repository=repository, webhook_id=webhook_id)
    if webhook is None:
        raise Http404("No such webhook")
    return repository, webhook


@login_required
@require_GET
def webhook_detail(request, namespace: str, name: str, webhook_id: int):
    repository, webhook = _webhook(request, namespace, name, webhook_id)
    deliveries = hook_reads.delivery_list(webhook=webhook)[:50]
    context = page_context(request, repository, "webhooks", webhook=webhook, deliveries=deliveries)
    return render(request, "console/webhook_detail.html", context)


@login_required
@require_POST
def webhook_test(request, namespace: str, name: str, webhook_id: int):
    repository, webhook = _webhook(request, namespace, name, webhook_id)
    webhooks.webhook_test(user=request.user, webhook=webhook)
    messages.success(request, "Test delivery queued.")
    return redirect(f"{settings_url(repository, 'webhooks')}/{webhook.pk}")


@login_required
@require_POST
def webhook_delete(request, namespace: str, name: str, webhook_id: int):
    repository, webhook = _webhook(request, namespace, name, webhook_id)
    webhooks.webhook_delete(user=request.user, webhook=webhook)
    messages.success(request, f"Webhook {webhook.name} deleted.")
    return redirect(settings_url(repository, "webhooks"))


@csrf_exempt  # called by the receiving service, which holds the unguessable delivery id, not a session
@require_POST
def webhook_callback(request, delivery_uuid):
    try:
        data = json.loads(request.body or b"{}")
        found = webhooks.webhook_callback(
            delivery_uuid=delivery_uuid, state=str(data.get("state", "")), description=str(data.get("description", ""))
        )
    except (ValueError, ValidationError, AttributeError):
        return JsonResponse({"error": "expected JSON with state: success, failure or error"}, status=400)
    if not found:
        raise Http404("No such delivery")
    return JsonResponse({"ok": True})

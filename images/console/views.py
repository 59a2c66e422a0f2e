"""The publisher console (/console/) and the curator console (/curation/).

Thin: each view finds its objects, checks the form, calls one service and renders. Who may do what
is decided by images.services.permissions (asked here to show or hide, and again by the services).
"""

import json
from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from images import selectors
from images.console import forms
from images.models import Mirror, Namespace, Repository, Tag, VerificationRequest, Webhook
from images.services import curation, listings, webhooks
from images.services.audit import audit_list
from images.services.mirrors import mirror_create, mirror_enqueue
from images.services.permissions import (
    can_admin_repository,
    can_edit_listing,
    can_manage_organization,
    user_is_curator,
)
from images.services.repositories import repository_name_split
from images.web.markdown import readme_html

AUDIT_PAGE_SIZE = 50


def _errors(exc: ValidationError) -> list[str]:
    return exc.messages


def _console_repository(request, namespace: str, name: str, *, admin: bool = False) -> Repository:
    """The repository, when the user may edit its listing (or administer it); 404 otherwise, so a
    private name is not disclosed to people who may not see it."""
    repository = selectors.repository_get(user=request.user, namespace=namespace, name=name)
    if repository is None:
        raise Http404("No such repository")
    allowed = can_admin_repository(request.user, repository) if admin else can_edit_listing(request.user, repository)
    if not allowed:
        raise PermissionDenied("You may not change this repository.")
    return repository


def _context(request, repository: Repository, tab: str, **extra) -> dict:
    return {
        "repo": repository,
        "tab": tab,
        "can_admin": can_admin_repository(request.user, repository),
        **extra,
    }


def _settings_url(repository: Repository, page: str = "settings") -> str:
    return f"/console/r/{repository.namespace.name}/{repository.name}/-/{page}"


# --- publisher console ---------------------------------------------------------------------------


@login_required
@require_GET
def dashboard(request):
    namespaces = listings.console_namespaces(user=request.user)
    organizations = [ns for ns in namespaces if can_manage_organization(request.user, ns)]
    return render(
        request,
        "console/dashboard.html",
        {
            "repositories": listings.console_repositories(user=request.user),
            "namespaces": namespaces,
            "organizations": organizations,
            "is_curator": user_is_curator(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def repository_new(request):
    namespaces = listings.console_namespaces(user=request.user)
    if not namespaces:
        raise PermissionDenied("You may not create repositories in any namespace.")
    form = forms.RepositoryCreateForm(
        request.POST or None, namespaces=namespaces, initial={"namespace": request.GET.get("namespace", "")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        namespace = next(ns for ns in namespaces if ns.name == data["namespace"])
        try:
            repository = listings.repository_create(
                user=request.user,
                namespace=namespace,
                name=data["name"],
                short_description=data["short_description"],
                full_description=data["full_description"],
                categories=[c.slug for c in data["categories"]],
                is_private=data["is_private"],
                source_url=data["source_url"],
                docs_url=data["docs_url"],
                homepage_url=data["homepage_url"],
            )
        except ValidationError as exc:
            for message in _errors(exc):
                form.add_error(None, message)
        else:
            messages.success(request, f"Created {repository.full_name}. Push to it with your usual tools.")
            return redirect(_settings_url(repository))
    return render(request, "console/repository_new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def repository_settings(request, namespace: str, name: str):
    repository = _console_repository(request, namespace, name)
    initial = {
        "short_description": repository.short_description,
        "full_description": repository.full_description,
        "categories": list(repository.categories.values_list("slug", flat=True)),
        "source_url": repository.source_url,
        "docs_url": repository.docs_url,
        "homepage_url": repository.homepage_url,
        "is_private": "1" if repository.is_private else "0",
    }
    form = forms.ListingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            listings.repository_update(
                user=request.user,
                repository=repository,
                short_description=data["short_description"],
                full_description=data["full_description"],
                categories=[c.slug for c in data["categories"]],
                is_private=data["is_private"],
                source_url=data["source_url"],
                docs_url=data["docs_url"],
                homepage_url=data["homepage_url"],
            )
        except ValidationError as exc:
            for message in _errors(exc):
                form.add_error(None, message)
        else:
            messages.success(request, "Saved.")
            return redirect(_settings_url(repository))
    context = _context(request, repository, "settings", form=form, logo_form=forms.LogoForm())
    return render(request, "console/repository_settings.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def markdown_preview(request):
    """The full description as the repository page will show it (sanitized), for the editor's preview."""
    text = request.POST.get("full_description", "")[:25_000]
    html = readme_html(text)
    return HttpResponse(f'<div class="readme">{html}</div>' if html else '<p class="muted">Nothing to preview.</p>')


@login_required
@require_POST
def repository_logo(request, namespace: str, name: str):
    repository = _console_repository(request, namespace, name)
    if request.POST.get("remove"):
        listings.repository_logo_set(user=request.user, repository=repository, data=None)
        messages.success(request, "Logo removed.")
        return redirect(_settings_url(repository))
    form = forms.LogoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            listings.repository_logo_set(
                user=request.user, repository=repository, data=form.cleaned_data["logo"].read()
            )
        except ValidationError as exc:
            form.add_error("logo", exc.messages[0])
        else:
            messages.success(request, "Logo saved.")
            return redirect(_settings_url(repository))
    context = _context(request, repository, "settings", form=forms.ListingForm(initial={}), logo_form=form)
    context["form"] = None
    return render(request, "console/repository_settings.html", context, status=400)


@require_GET
def logo_image(request, namespace: str, name: str):
    """A repository's logo, for anyone who may see the repository."""
    repository = selectors.repository_get(user=request.user, namespace=namespace, name=name)
    if repository is None:
        raise Http404("No such repository")
    logo = Repository.objects.filter(pk=repository.pk).values_list("logo", flat=True).first()
    if not logo:
        raise Http404("No logo")
    response = HttpResponse(bytes(logo), content_type="image/png")
    response["Cache-Control"] = "public, max-age=300" if not repository.is_private else "private, max-age=300"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


@login_required
@require_POST
def repository_archive(request, namespace: str, name: str):
    repository = _console_repository(request, namespace, name, admin=True)
    archived = request.POST.get("archived") == "1"
    listings.repository_archive(user=request.user, repository=repository, archived=archived)
    messages.success(request, "Archived." if archived else "No longer archived.")
    return redirect(_settings_url(repository))


@login_required
@require_http_methods(["GET", "POST"])
def repository_delete(request, namespace: str, name: str):
    repository = _console_repository(request, namespace, name, admin=True)
    form = forms.ConfirmNameForm(request.POST or None, expected=repository.full_name)
    if request.method == "POST" and form.is_valid():
        full_name = repository.full_name
        listings.repository_delete(user=request.user, repository=repository)
        messages.success(request, f"Deleted {full_name}.")
        return redirect("console:dashboard")
    context = _context(request, repository, "delete", form=form, tag_count=repository.tags.count())
    return render(request, "console/repository_delete.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def repository_tags(request, namespace: str, name: str):
    repository = _console_repository(request, namespace, name)
    tags = Tag.objects.filter(repository=repository).select_related("manifest").order_by("-pushed_at", "name")
    page = Paginator(tags, 100).get_page(request.GET.get("page"))
    return render(request, "console/repository_tags.html", _context(request, repository, "tags", page=page))


@login_required
@require_http_methods(["GET", "POST"])
def tag_delete(request, namespace: str, name: str, tag: str):
    repository = _console_repository(request, namespace, name, admin=True)
    row = get_object_or_404(Tag.objects.select_related("manifest"), repository=repository, name=tag)
    form = forms.ConfirmNameForm(request.POST or None, expected=tag)
    if request.method == "POST" and form.is_valid():
        listings.tag_delete(user=request.user, repository=repository, tag=tag)
        messages.success(request, f"Deleted tag {tag}.")
        return redirect(_settings_url(repository, "tags"))
    context = _context(request, repository, "tags", form=form, tag=row)
    return render(request, "console/tag_delete.html", context, status=400 if form.errors else 200)


# --- mirrors ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def mirrors(request, namespace: str, name: str):
    repository = _console_repository(request, namespace, name, admin=True)
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
            return redirect(_settings_url(repository, "mirrors"))
    rows = Mirror.objects.filter(repository=repository).order_by("pk")
    context = _context(request, repository, "mirrors", form=form, mirrors=rows)
    return render(request, "console/mirrors.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def mirror_sync(request, namespace: str, name: str, mirror_id: int):
    repository = _console_repository(request, namespace, name, admin=True)
    mirror = get_object_or_404(Mirror, pk=mirror_id, repository=repository)
    mirror_enqueue(mirror=mirror)
    messages.success(request, "Sync queued.")
    return redirect(_settings_url(repository, "mirrors"))


@login_required
@require_GET
def mirror_status(request, namespace: str, name: str, mirror_id: int):
    """One mirror's row, polled by htmx while it syncs."""
    repository = _console_repository(request, namespace, name, admin=True)
    mirror = get_object_or_404(Mirror, pk=mirror_id, repository=repository)
    return render(request, "console/_mirror_row.html", {"repo": repository, "mirror": mirror})


# --- webhooks --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def webhook_list(request, namespace: str, name: str):
    repository = _console_repository(request, namespace, name, admin=True)
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
    rows = Webhook.objects.filter(repository=repository).order_by("name", "pk")
    context = _context(request, repository, "webhooks", form=form, webhooks=rows, created_secret=created_secret)
    response = render(request, "console/webhooks.html", context, status=status)
    response["Cache-Control"] = "no-store"  # the secret is on this page once
    return response


def _webhook(request, namespace, name, webhook_id) -> tuple[Repository, Webhook]:
    repository = _console_repository(request, namespace, name, admin=True)
    return repository, get_object_or_404(Webhook, pk=webhook_id, repository=repository)


@login_required
@require_GET
def webhook_detail(request, namespace: str, name: str, webhook_id: int):
    repository, webhook = _webhook(request, namespace, name, webhook_id)
    deliveries = webhook.deliveries.order_by("-created_at", "-pk")[:50]
    context = _context(request, repository, "webhooks", webhook=webhook, deliveries=deliveries)
    return render(request, "console/webhook_detail.html", context)


@login_required
@require_POST
def webhook_test(request, namespace: str, name: str, webhook_id: int):
    repository, webhook = _webhook(request, namespace, name, webhook_id)
    webhooks.webhook_test(user=request.user, webhook=webhook)
    messages.success(request, "Test delivery queued.")
    return redirect(f"{_settings_url(repository, 'webhooks')}/{webhook.pk}")


@login_required
@require_POST
def webhook_delete(request, namespace: str, name: str, webhook_id: int):
    repository, webhook = _webhook(request, namespace, name, webhook_id)
    webhooks.webhook_delete(user=request.user, webhook=webhook)
    messages.success(request, f"Webhook {webhook.name} deleted.")
    return redirect(_settings_url(repository, "webhooks"))


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


# --- verification (publisher side) and audit -----------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def verification(request, namespace: str):
    ns = get_object_or_404(Namespace, name=namespace)
    if not can_manage_organization(request.user, ns):
        raise PermissionDenied("Only an organization's owners may apply for verification.")
    form = forms.VerificationForm(request.POST or None, initial={"contact_email": request.user.email})
    if request.method == "POST" and form.is_valid():
        try:
            curation.verification_apply(user=request.user, namespace=ns, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, "Application sent. Publish the proof below; a worker checks it.")
            return redirect("console:verification", namespace=ns.name)
    latest = ns.verification_requests.order_by("-created_at", "-pk").first()
    context = {
        "namespace": ns,
        "form": form,
        "latest": latest,
        "instructions": curation.verification_instructions(latest) if latest else None,
        "verified": ns.verified_until is not None and ns.verified_until > timezone.now(),
    }
    return render(request, "console/verification.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def verification_recheck(request, namespace: str):
    ns = get_object_or_404(Namespace, name=namespace)
    if not can_manage_organization(request.user, ns):
        raise PermissionDenied("Only an organization's owners may do this.")
    latest = ns.verification_requests.filter(status=VerificationRequest.Status.PENDING).first()
    if latest is not None:
        curation.verification_check_enqueue(request=latest)
        messages.success(request, "Check queued.")
    return redirect("console:verification", namespace=ns.name)


@login_required
@require_GET
def namespace_audit(request, namespace: str):
    ns = get_object_or_404(Namespace, name=namespace)
    if not curation.can_view_namespace_audit(request.user, ns):
        raise PermissionDenied("The audit log of a namespace is for its owners.")
    page = Paginator(audit_list(namespace=ns), AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "console/audit.html", {"namespace": ns, "page": page})


# --- curator console -------------------------------------------------------------------------------


def curator_required(view):
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"/login/?next={request.path}")
        if not user_is_curator(request.user):
            raise PermissionDenied("Curators only.")
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@curator_required
@require_GET
def curation_home(request):
    context = curation.curation_overview()
    context.update({"sponsored_form": forms.SponsoredForm(), "official_form": forms.OfficialForm()})
    return render(request, "curation/home.html", context)


@curator_required
@require_http_methods(["GET", "POST"])
def curation_request(request, request_id: int):
    application = get_object_or_404(VerificationRequest.objects.select_related("namespace"), pk=request_id)
    form = forms.ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decision = request.POST.get("decision")
        try:
            if decision == "approve":
                curation.verification_approve(
                    curator=request.user,
                    request=application,
                    note=form.cleaned_data["note"],
                    days=form.cleaned_data["days"],
                )
                messages.success(request, f"{application.namespace.name} is a Verified Publisher.")
            elif decision == "reject":
                curation.verification_reject(curator=request.user, request=application, note=form.cleaned_data["note"])
                messages.success(request, f"Application of {application.namespace.name} rejected.")
            elif decision == "recheck":
                curation.verification_check_enqueue(request=application)
                messages.success(request, "Check queued.")
            else:
                form.add_error(None, "Choose approve or reject.")
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        if not form.errors:
            return redirect("curation:home")
    context = {
        "application": application,
        "instructions": curation.verification_instructions(application),
        "form": form,
        "history": audit_list(namespace=application.namespace, action_prefix="verification.")[:20],
    }
    return render(request, "curation/request.html", context, status=400 if form.errors else 200)


@curator_required
@require_POST
def curation_verified_revoke(request, namespace: str):
    ns = get_object_or_404(Namespace, name=namespace)
    curation.verification_revoke(curator=request.user, namespace=ns, note=request.POST.get("note", "")[:1000])
    messages.success(request, f"Verified Publisher status of {ns.name} revoked.")
    return redirect("curation:home")


@curator_required
@require_POST
def curation_sponsored(request):
    form = forms.SponsoredForm(request.POST)
    if form.is_valid():
        ns = Namespace.objects.filter(name=form.cleaned_data["namespace"].strip().lower()).first()
        if ns is None:
            form.add_error("namespace", "No such namespace.")
        else:
            until = timezone.make_aware(datetime.combine(form.cleaned_data["until"], time.max))
            try:
                curation.sponsored_grant(
                    curator=request.user, namespace=ns, until=until, note=form.cleaned_data["note"]
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages[0])
            else:
                messages.success(request, f"{ns.name} is Sponsored OSS until {form.cleaned_data['until']}.")
                return redirect("curation:home")
    context = curation.curation_overview()
    context.update({"sponsored_form": form, "official_form": forms.OfficialForm()})
    return render(request, "curation/home.html", context, status=400)


@curator_required
@require_POST
def curation_sponsored_revoke(request, namespace: str):
    ns = get_object_or_404(Namespace, name=namespace)
    curation.sponsored_revoke(curator=request.user, namespace=ns, note=request.POST.get("note", "")[:1000])
    messages.success(request, f"Sponsored OSS status of {ns.name} revoked.")
    return redirect("curation:home")


@curator_required
@require_POST
def curation_official(request):
    form = forms.OfficialForm(request.POST)
    if form.is_valid():
        official = request.POST.get("official", "1") == "1"
        repository = None
        try:
            namespace_name, name = repository_name_split(form.cleaned_data["repository"].strip())
            repository = Repository.objects.filter(namespace__name=namespace_name, name=name).first()
        except Exception:  # noqa: BLE001 - a malformed name is the same as an unknown one here
            repository = None
        if repository is None:
            form.add_error("repository", "No such repository.")
        else:
            curation.official_set(
                curator=request.user, repository=repository, official=official, note=form.cleaned_data["note"]
            )
            messages.success(
                request, f"{repository.full_name} {'is' if official else 'is no longer'} an Official Image."
            )
            return redirect("curation:home")
    context = curation.curation_overview()
    context.update({"sponsored_form": forms.SponsoredForm(), "official_form": form})
    return render(request, "curation/home.html", context, status=400)


@login_required
@require_GET
def audit_all(request):
    if not request.user.is_superuser:
        raise PermissionDenied("The whole audit log is for admins.")
    page = Paginator(audit_list(action_prefix=request.GET.get("action", "")[:64]), AUDIT_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "console/audit.html", {"namespace": None, "page": page})

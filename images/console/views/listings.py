"""The publisher console's listing pages: dashboard, new repository, settings, logo, archive, delete, tags."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from images.console import forms
from images.console.views.common import console_repository, page_context, settings_url
from images.markdown import readme_html
from images.selectors.repositories import (
    console_namespaces,
    console_repositories,
    repository_category_slugs,
    repository_get,
    repository_logo_get,
)
from images.selectors.tags import tag_count, tag_list_recent, tag_row_get
from images.services import repositories, tags
from images.services.authorization import CURATE, ORGANIZATION_MANAGE, STORAGE_VIEW, may
from images.services.logos import repository_logo_set


@login_required
@require_GET
def dashboard(request):
    namespaces = console_namespaces(user=request.user)
    organizations = [ns for ns in namespaces if may(request.user, ORGANIZATION_MANAGE, namespace=ns)]
    return render(
        request,
        "console/dashboard.html",
        {
            "repositories": console_repositories(user=request.user),
            "namespaces": namespaces,
            "organizations": organizations,
            "storage_namespaces": [ns for ns in namespaces if may(request.user, STORAGE_VIEW, namespace=ns)],
            "is_curator": may(request.user, CURATE),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def repository_new(request):
    namespaces = console_namespaces(user=request.user)
    if not namespaces:
        raise PermissionDenied("You may not create repositories in any namespace.")
    form = forms.RepositoryCreateForm(
        request.POST or None, namespaces=namespaces, initial={"namespace": request.GET.get("namespace", "")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        namespace = next(ns for ns in namespaces if ns.name == data["namespace"])
        try:
            repository = repositories.repository_create(
                actor=request.user, namespace=namespace, name=data["name"], **form.listing()
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"Created {repository.full_name}. Push to it with your usual tools.")
            return redirect(settings_url(repository))
    return render(request, "console/repository_new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def repository_settings(request, namespace: str, name: str):
    repository = console_repository(request, namespace, name)
    initial = {
        "short_description": repository.short_description,
        "full_description": repository.full_description,
        "categories": repository_category_slugs(repository=repository),
        "source_url": repository.source_url,
        "docs_url": repository.docs_url,
        "homepage_url": repository.homepage_url,
        "is_private": "1" if repository.is_private else "0",
    }
    form = forms.ListingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            repositories.repository_update(actor=request.user, repository=repository, **form.listing())
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, "Saved.")
            return redirect(settings_url(repository))
    context = page_context(request, repository, "settings", form=form, logo_form=forms.LogoForm())
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
    repository = console_repository(request, namespace, name)
    if request.POST.get("remove"):
        repository_logo_set(actor=request.user, repository=repository, data=None)
        messages.success(request, "Logo removed.")
        return redirect(settings_url(repository))
    form = forms.LogoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            repository_logo_set(actor=request.user, repository=repository, data=form.cleaned_data["logo"].read())
        except ValidationError as exc:
            form.add_error("logo", exc.messages[0])
        else:
            messages.success(request, "Logo saved.")
            return redirect(settings_url(repository))
    context = page_context(request, repository, "settings", form=forms.ListingForm(initial={}), logo_form=form)
    context["form"] = None
    return render(request, "console/repository_settings.html", context, status=400)


@require_GET
def logo_image(request, namespace: str, name: str):
    """A repository's logo, for anyone who may see the repository."""
    repository = repository_get(user=request.user, namespace=namespace, name=name)
    if repository is None:
        raise Http404("No such repository")
    logo = repository_logo_get(repository=repository)
    if not logo:
        raise Http404("No logo")
    response = HttpResponse(bytes(logo), content_type="image/png")
    response["Cache-Control"] = "public, max-age=300" if not repository.is_private else "private, max-age=300"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


@login_required
@require_POST
def repository_archive(request, namespace: str, name: str):
    repository = console_repository(request, namespace, name, admin=True)
    archived = request.POST.get("archived") == "1"
    repositories.repository_archive(actor=request.user, repository=repository, archived=archived)
    messages.success(request, "Archived." if archived else "No longer archived.")
    return redirect(settings_url(repository))


@login_required
@require_http_methods(["GET", "POST"])
def repository_delete(request, namespace: str, name: str):
    repository = console_repository(request, namespace, name, admin=True)
    form = forms.ConfirmNameForm(request.POST or None, expected=repository.full_name)
    if request.method == "POST" and form.is_valid():
        full_name = repository.full_name
        repositories.repository_delete(actor=request.user, repository=repository)
        messages.success(request, f"Deleted {full_name}.")
        return redirect("console:dashboard")
    context = page_context(request, repository, "delete", form=form, tag_count=tag_count(repository=repository))
    return render(request, "console/repository_delete.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def repository_tags(request, namespace: str, name: str):
    repository = console_repository(request, namespace, name)
    rows = tag_list_recent(repository=repository)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(request, "console/repository_tags.html", page_context(request, repository, "tags", page=page))


@login_required
@require_http_methods(["GET", "POST"])
def tag_delete(request, namespace: str, name: str, tag: str):
    repository = console_repository(request, namespace, name, admin=True)
    row = tag_row_get(repository=repository, name=tag)
    if row is None:
        raise Http404("No such tag")
    form = forms.ConfirmNameForm(request.POST or None, expected=tag)
    if request.method == "POST" and form.is_valid():
        tags.tag_delete(actor=request.user, repository=repository, tag=tag)
        messages.success(request, f"Deleted tag {tag}.")
        return redirect(settings_url(repository, "tags"))
    context = page_context(request, repository, "tags", form=form, tag=row)
    return render(request, "console/tag_delete.html", context, status=400 if form.errors else 200)

"""Alert pages: /settings/alerts (saved searches, their last notices, CVE alerts), "Save this search" from the
search page, and /alerts/unsubscribe/<token> (the link in every alert mail: works without signing in, a GET
asks, a POST unsubscribes). Each view parses, then calls images/alerts.py or a service, or a selector.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST

from images import alerts as alert_runs
from images.models import CveAlertSubscription, SavedSearch
from images.selectors import alerts as selectors
from images.services import alerts as services
from images.services import cve_alerts


class SavedSearchForm(forms.Form):
    name = forms.CharField(max_length=100)
    mode = forms.ChoiceField(choices=SavedSearch.Mode.choices, label="When to tell")
    email = forms.BooleanField(required=False, label="Send email")
    webhook_url = forms.URLField(
        required=False, max_length=1000, assume_scheme="https", label="Webhook URL (optional)",
        help_text="Hub POSTs the new matches as JSON, signed with X-Hub-Signature-256.",
    )  # fmt: skip
    active = forms.BooleanField(required=False, label="Active (unchecked: no alerts at all)")


class CveAlertForm(forms.Form):
    enabled = forms.BooleanField(
        required=False,
        label="Tell me when an image I starred, or that my organizations publish, gains a critical or high finding",
    )
    email = forms.BooleanField(required=False, label="Send email")
    webhook_url = forms.URLField(required=False, max_length=1000, assume_scheme="https", label="Webhook URL (optional)")


def _errors_to(form: forms.Form, error: ValidationError) -> None:
    for field, problems in getattr(error, "error_dict", {"__all__": error.error_list}).items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem.messages[0])


def _cve_form(user, data=None) -> CveAlertForm:
    subscription = selectors.cve_subscription_of(user=user) or CveAlertSubscription(enabled=True, email=True)
    initial = {"enabled": subscription.enabled, "email": subscription.email, "webhook_url": subscription.webhook_url}
    return CveAlertForm(data, initial=initial)


def _settings_page(request, *, cve_form=None, status=200):
    context = {
        "searches": selectors.saved_searches_of(user=request.user),
        "cve_form": cve_form or _cve_form(request.user),
        "cve_notices": selectors.cve_notices_of(user=request.user, limit=10),
    }
    for saved in context["searches"]:
        saved.page_path = alert_runs.search_path(saved)
    return render(request, "alerts/settings.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def alert_settings(request):
    return _settings_page(request)


@login_required
@require_POST
def saved_search_new(request):
    """ "Save this search" on the search page: its query, facets and sort as they are in its query string."""
    query = request.POST.get("q", "").strip()[: services.QUERY_MAX]
    name = request.POST.get("name", "").strip() or query or "All images"
    try:
        saved = alert_runs.saved_search_save(
            user=request.user,
            name=name,
            query=query,
            filters=alert_runs.filters_from_page(request.POST),
            sort=request.POST.get("sort", "best"),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("alerts:settings")
    messages.success(request, f"Saved “{saved.name}”: you will be told when a new repository or tag matches.")
    return redirect("alerts:settings")


@login_required
@require_http_methods(["GET", "POST"])
def saved_search_edit(request, search_id: int):
    saved = selectors.saved_search_of(user=request.user, search_id=search_id)
    if saved is None:
        raise Http404("no such saved search")
    initial = {f: getattr(saved, f) for f in ("name", "mode", "email", "webhook_url", "active")}
    form = SavedSearchForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            alert_runs.saved_search_change(user=request.user, saved=saved, **form.cleaned_data)
        except ValidationError as error:
            _errors_to(form, error)
        else:
            messages.success(request, f"Saved “{saved.name}”.")
            return redirect("alerts:settings")
    context = {
        "saved": saved,
        "form": form,
        "page_path": alert_runs.search_path(saved),
        "notices": selectors.notices_of(saved=saved, limit=50),
    }
    return render(request, "alerts/edit.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def saved_search_delete(request, search_id: int):
    saved = selectors.saved_search_of(user=request.user, search_id=search_id)
    if saved is None:
        raise Http404("no such saved search")
    services.saved_search_delete(user=request.user, saved=saved)
    messages.success(request, f"Deleted “{saved.name}”.")
    return redirect("alerts:settings")


@login_required
@require_POST
def cve_alert_settings(request):
    form = _cve_form(request.user, request.POST)
    if form.is_valid():
        try:
            cve_alerts.cve_subscription_update(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _errors_to(form, error)
        else:
            messages.success(request, "CVE alert settings saved.")
            return redirect("alerts:settings")
    return _settings_page(request, cve_form=form, status=400)


@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    target = services.unsubscribe_target(token)
    if target is None:
        return render(request, "alerts/unsubscribe.html", {"invalid": True}, status=404)
    done = False
    if request.method == "POST":
        services.unsubscribe(token=token)
        done = True
    context = {"target": target, "is_search": isinstance(target, SavedSearch), "done": done}
    return render(request, "alerts/unsubscribe.html", context)


urlpatterns = [
    path("settings/alerts", alert_settings, name="settings"),
    path("settings/alerts/new", saved_search_new, name="new"),
    path("settings/alerts/cve", cve_alert_settings, name="cve"),
    path("settings/alerts/<int:search_id>", saved_search_edit, name="edit"),
    path("settings/alerts/<int:search_id>/delete", saved_search_delete, name="delete"),
    path("alerts/unsubscribe/<str:token>", unsubscribe, name="unsubscribe"),
]

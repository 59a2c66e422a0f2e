"""The curator console (/curation/): reviews, Official Images, Sponsored OSS."""

from datetime import datetime, time

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from images.console import forms
from images.console.views.common import namespace_or_404
from images.errors import NameInvalid
from images.selectors.curation import audit_list, curation_overview, verification_request_get
from images.selectors.repositories import namespace_get
from images.services import curation
from images.services.authorization import CURATE, may
from images.services.repositories import repository_get, repository_name_split


def curator_required(view):
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"/login/?next={request.path}")
        if not may(request.user, CURATE):
            raise PermissionDenied("Curators only.")
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@curator_required
@require_GET
def curation_home(request):
    context = curation_overview()
    context.update({"sponsored_form": forms.SponsoredForm(), "official_form": forms.OfficialForm()})
    return render(request, "curation/home.html", context)


@curator_required
@require_http_methods(["GET", "POST"])
def curation_request(request, request_id: int):
    application = verification_request_get(request_id=request_id)
    if application is None:
        raise Http404("No such application")
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


# The statuses a curator revokes from a namespace: the service that revokes each, and its name.
REVOKES = {
    "verified": (curation.verification_revoke, "Verified Publisher"),
    "sponsored": (curation.sponsored_revoke, "Sponsored OSS"),
}


@curator_required
@require_POST
def curation_revoke(request, namespace: str, status: str):
    revoke, badge = REVOKES[status]
    ns = namespace_or_404(namespace)
    revoke(curator=request.user, namespace=ns, note=request.POST.get("note", "")[:1000])
    messages.success(request, f"{badge} status of {ns.name} revoked.")
    return redirect("curation:home")


@curator_required
@require_POST
def curation_sponsored(request):
    form = forms.SponsoredForm(request.POST)
    if form.is_valid():
        ns = namespace_get(name=form.cleaned_data["namespace"].strip().lower())
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
    context = curation_overview()
    context.update({"sponsored_form": form, "official_form": forms.OfficialForm()})
    return render(request, "curation/home.html", context, status=400)


@curator_required
@require_POST
def curation_official(request):
    form = forms.OfficialForm(request.POST)
    if form.is_valid():
        official = request.POST.get("official", "1") == "1"
        try:
            # Any repository, private ones too: curators curate whatever the hub holds.
            repository = repository_get(*repository_name_split(form.cleaned_data["repository"].strip()))
        except NameInvalid:  # a malformed name is the same as an unknown one here
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
    context = curation_overview()
    context.update({"sponsored_form": forms.SponsoredForm(), "official_form": form})
    return render(request, "curation/home.html", context, status=400)

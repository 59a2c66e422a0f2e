"""Verified Publisher applications (the publisher's side) and the audit logs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from images.console import forms
from images.console.views.common import AUDIT_PAGE_SIZE, namespace_or_404
from images.selectors.curation import audit_list, verification_latest, verification_pending
from images.services import curation
from images.services.authorization import AUDIT_VIEW, ORGANIZATION_MANAGE, authorize


@login_required
@require_http_methods(["GET", "POST"])
def verification(request, namespace: str):
    ns = namespace_or_404(namespace)
    message = "Only an organization's owners may apply for verification."
    authorize(request.user, ORGANIZATION_MANAGE, namespace=ns, message=message)
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
    latest = verification_latest(namespace=ns)
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
    ns = namespace_or_404(namespace)
    authorize(request.user, ORGANIZATION_MANAGE, namespace=ns, message="Only an organization's owners may do this.")
    latest = verification_pending(namespace=ns)
    if latest is not None:
        curation.verification_check_enqueue(request=latest)
        messages.success(request, "Check queued.")
    return redirect("console:verification", namespace=ns.name)


@login_required
@require_GET
def namespace_audit(request, namespace: str):
    ns = namespace_or_404(namespace)
    authorize(request.user, AUDIT_VIEW, namespace=ns, message="The audit log of a namespace is for its owners.")
    page = Paginator(audit_list(namespace=ns), AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "console/audit.html", {"namespace": ns, "page": page})


@login_required
@require_GET
def audit_all(request):
    authorize(request.user, AUDIT_VIEW, message="The whole audit log is for admins.")
    page = Paginator(audit_list(action_prefix=request.GET.get("action", "")[:64]), AUDIT_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "console/audit.html", {"namespace": None, "page": page})

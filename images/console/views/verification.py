"""Verified Publisher applications (the publisher's side) and the audit logs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from images.console import forms
from images.console.views.common import AUDIT_PAGE_SIZE
from images.models import Namespace, VerificationRequest
from images.services import curation
from images.services.audit import audit_list
from images.services.permissions import (
    can_manage_organization,
)


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


@login_required
@require_GET
def audit_all(request):
    if not request.user.is_superuser:
        raise PermissionDenied("The whole audit log is for admins.")
    page = Paginator(audit_list(action_prefix=request.GET.get("action", "")[:64]), AUDIT_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "console/audit.html", {"namespace": None, "page": page})

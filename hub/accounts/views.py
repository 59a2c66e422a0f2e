"""Account and organization pages. Each view parses, authorizes (images.services.permissions) and calls a service."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hub.accounts import selectors, services
from hub.accounts.forms import (
    AccessTokenForm,
    MemberForm,
    OrganizationCreateForm,
    OrganizationSettingsForm,
    OrganizationTokenForm,
    ProfileForm,
    SignupForm,
    TeamForm,
    TeamMemberForm,
    TeamPermissionForm,
)
from hub.accounts.models import Role
from images.models import Repository
from images.services.authorization import ORGANIZATION_MANAGE, may, namespace_role


def _expiry(days: str):
    return timezone.now() + timedelta(days=int(days)) if days else None


def _errors_to_form(form, error: ValidationError, field: str | None = None) -> None:
    for message in error.messages:
        form.add_error(field, message)


# --- sign up, profile, password ---------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def signup(request):
    if not settings.HUB_SIGNUP_ENABLED:
        raise Http404("sign-up is switched off on this Hub")
    if request.user.is_authenticated:
        return redirect("/")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                email=form.cleaned_data["email"],
            )
        except ValidationError as error:
            _errors_to_form(form, error, "username")
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome, {user.username}. Your namespace is {user.username.lower()}/.")
            return redirect("accounts:profile")
    return render(request, "accounts/signup.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    initial = {"display_name": user.display_name, "url": user.url, "email": user.email}
    form = ProfileForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["avatar_remove"]:
                services.avatar_set(user=user, data=None)
            elif data["avatar"]:
                services.avatar_set(user=user, data=data["avatar"])
        except ValidationError as error:
            _errors_to_form(form, error, "avatar")
        else:
            services.profile_update(user=user, display_name=data["display_name"], url=data["url"], email=data["email"])
            messages.success(request, "Profile saved.")
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
def avatar(request, username: str):
    user = (
        get_user_model()
        .objects.filter(username__iexact=username, is_active=True)
        .only("avatar", "avatar_content_type")
        .first()
    )
    if user is None or not user.avatar_content_type:
        raise Http404("no avatar")
    response = HttpResponse(bytes(user.avatar), content_type=user.avatar_content_type)
    # Served from our origin: never sniffed, never run (images only, checked from their bytes on upload).
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=300"
    return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password-change-done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")

    # The link in the mail points at HUB_PUBLIC_URL, never at whatever Host header the request had.
    @property
    def extra_email_context(self):
        public = urlsplit(settings.PUBLIC_URL)
        return {"protocol": public.scheme or "https", "domain": public.netloc or settings.PUBLIC_HOST}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# --- personal access tokens -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request):
    created = None
    form = AccessTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, created = services.access_token_create(
            user=request.user,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            expires_at=_expiry(form.cleaned_data["expires_in_days"]),
        )
        form = AccessTokenForm()
    context = {
        "form": form,
        "tokens": selectors.access_token_list(user=request.user),
        "created": created,
        "now": timezone.now(),
    }
    response = render(request, "accounts/tokens.html", context, status=201 if created else 200)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request, token_id: int):
    services.access_token_revoke(user=request.user, token_id=token_id)
    return redirect("accounts:tokens")


# --- organizations ----------------------------------------------------------------------------------


def _organization(request, name: str, *, manage: bool = False):
    """The organization and the caller's role. Outsiders get 404 (its member pages are not theirs to
    see); members who are not owners get 403 on the pages that manage it."""
    organization = selectors.organization_get(name=name)
    if organization is None:
        raise Http404("no such organization")
    role = namespace_role(request.user, organization)
    if role is None:
        raise Http404("no such organization")
    if manage and not may(request.user, ORGANIZATION_MANAGE, namespace=organization):
        raise PermissionDenied("only the organization's owners may do this")
    return organization, role


def _org_context(organization, role, **extra):
    return {"organization": organization, "role": role, "is_owner": role == Role.OWNER, **extra}


@login_required
@require_http_methods(["GET", "POST"])
def organization_list(request):
    form = OrganizationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_create(
                owner=request.user, name=form.cleaned_data["name"], display_name=form.cleaned_data["display_name"]
            )
        except ValidationError as error:
            _errors_to_form(form, error, "name")
        else:
            messages.success(request, f"Organization {organization.name} created; you are its owner.")
            return redirect("accounts:org", name=organization.name)
    memberships = selectors.organization_list_for_user(user=request.user)
    return render(
        request,
        "accounts/organizations.html",
        {"form": form, "memberships": memberships},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def organization_detail(request, name: str):
    organization, role = _organization(request, name)
    context = _org_context(
        organization,
        role,
        members=selectors.membership_list(organization=organization),
        teams=selectors.team_list(organization=organization),
    )
    return render(request, "accounts/org_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def organization_members(request, name: str):
    organization, role = _organization(request, name)
    form = MemberForm()
    if request.method == "POST":
        action = request.POST.get("action", "set")
        if action == "leave":
            try:
                services.membership_remove(organization=organization, user=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("accounts:org-members", name=organization.name)
            messages.success(request, f"You left {organization.name}.")
            return redirect("accounts:organizations")
        if not may(request.user, ORGANIZATION_MANAGE, namespace=organization):
            raise PermissionDenied("only the organization's owners manage members")
        form = MemberForm(request.POST)
        if action == "remove":
            form.fields["role"].required = False
        if form.is_valid():
            user = form.cleaned_data["username"]
            try:
                if action == "remove":
                    services.membership_remove(organization=organization, user=user)
                    messages.success(request, f"{user.username} removed.")
                else:
                    services.membership_set(organization=organization, user=user, role=form.cleaned_data["role"])
                    messages.success(request, f"{user.username} is now {form.cleaned_data['role']}.")
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                return redirect("accounts:org-members", name=organization.name)
    context = _org_context(
        organization, role, form=form, members=selectors.membership_list(organization=organization), roles=Role.choices
    )
    return render(request, "accounts/org_members.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def organization_teams(request, name: str):
    organization, role = _organization(request, name)
    form = TeamForm()
    if request.method == "POST":
        if not may(request.user, ORGANIZATION_MANAGE, namespace=organization):
            raise PermissionDenied("only the organization's owners manage teams")
        form = TeamForm(request.POST)
        if form.is_valid():
            try:
                team = services.team_create(
                    organization=organization,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                )
            except ValidationError as error:
                _errors_to_form(form, error, "name")
            else:
                return redirect("accounts:org-team", name=organization.name, team=team.name)
    context = _org_context(organization, role, form=form, teams=selectors.team_list(organization=organization))
    return render(request, "accounts/org_teams.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def organization_team(request, name: str, team: str):
    organization, role = _organization(request, name)
    team_obj = selectors.team_get(organization=organization, name=team)
    if team_obj is None:
        raise Http404("no such team")
    member_form, permission_form = TeamMemberForm(), TeamPermissionForm()
    if request.method == "POST":
        if not may(request.user, ORGANIZATION_MANAGE, namespace=organization):
            raise PermissionDenied("only the organization's owners manage teams")
        action = request.POST.get("action", "")
        try:
            if action == "delete":
                services.team_delete(team=team_obj)
                messages.success(request, f"Team {team_obj.name} deleted.")
                return redirect("accounts:org-teams", name=organization.name)
            if action in ("member-add", "member-remove"):
                member_form = TeamMemberForm(request.POST)
                if member_form.is_valid():
                    user = member_form.cleaned_data["username"]
                    if action == "member-add":
                        services.team_member_add(team=team_obj, user=user)
                    else:
                        services.team_member_remove(team=team_obj, user=user)
                    return redirect("accounts:org-team", name=organization.name, team=team_obj.name)
            elif action == "permission":
                permission_form = TeamPermissionForm(request.POST)
                if permission_form.is_valid():
                    repository = Repository.objects.filter(
                        namespace=organization, name=permission_form.cleaned_data["repository"]
                    ).first()
                    if repository is None:
                        permission_form.add_error("repository", "no such repository in this organization")
                    else:
                        permission = permission_form.cleaned_data["permission"]
                        services.team_permission_set(
                            team=team_obj,
                            repository=repository,
                            permission=None if permission == "none" else permission,
                        )
                        return redirect("accounts:org-team", name=organization.name, team=team_obj.name)
            else:
                return HttpResponse("unknown action", status=400, content_type="text/plain")
        except ValidationError as error:
            target = member_form if action.startswith("member") else permission_form
            _errors_to_form(target, error)
    context = _org_context(
        organization,
        role,
        team=team_obj,
        member_form=member_form,
        permission_form=permission_form,
        repositories=selectors.organization_repository_list(organization=organization),
    )
    status = 400 if member_form.errors or permission_form.errors else 200
    return render(request, "accounts/org_team.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def organization_tokens(request, name: str):
    organization, role = _organization(request, name, manage=True)
    created = None
    form = OrganizationTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _, created = services.org_token_create(
            organization=organization,
            created_by=request.user,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            expires_at=_expiry(form.cleaned_data["expires_in_days"]),
        )
        form = OrganizationTokenForm()
    context = _org_context(
        organization,
        role,
        form=form,
        created=created,
        tokens=selectors.org_token_list(organization=organization),
        now=timezone.now(),
    )
    response = render(request, "accounts/org_tokens.html", context, status=201 if created else 200)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def organization_token_revoke(request, name: str, token_id: int):
    organization, _ = _organization(request, name, manage=True)
    services.org_token_revoke(organization=organization, token_id=token_id)
    return redirect("accounts:org-tokens", name=organization.name)


@login_required
@require_http_methods(["GET", "POST"])
def organization_settings(request, name: str):
    organization, role = _organization(request, name, manage=True)
    initial = {
        "display_name": organization.display_name,
        "description": organization.description,
        "url": organization.url,
    }
    form = OrganizationSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.organization_update(organization=organization, **form.cleaned_data)
        messages.success(request, "Settings saved.")
        return redirect(reverse("accounts:org-settings", kwargs={"name": organization.name}))
    context = _org_context(organization, role, form=form)
    return render(request, "accounts/org_settings.html", context, status=400 if form.errors else 200)

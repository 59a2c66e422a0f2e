"""Organization pages: /settings/organizations (yours, and a new one) and /orgs/<name>/... (URL namespace `orgs`).

Organizations are content (images.models.organizations), so their pages live here, beside the
catalogue's; the account pages they link to are hub.accounts'. Each view parses, authorizes
(images.services.authorization), then calls one service (images.services.organizations) or selector.
"""

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from hub.accounts.forms import AccessTokenForm
from hub.accounts.models import TokenScope
from hub.accounts.names import NAME_MAX
from hub.accounts.selectors import user_by_name
from images.models import Role, TeamPermission
from images.selectors import organizations as selectors
from images.services import organizations as services
from images.services.authorization import ORGANIZATION_MANAGE, authorize, namespace_role

# --- forms: shape and field checks; the rules live in the services -----------------------------------


class OrganizationCreateForm(forms.Form):
    name = forms.CharField(max_length=NAME_MAX, help_text="The namespace: docker push HOST/NAME/IMAGE")
    display_name = forms.CharField(max_length=150, required=False)


class OrganizationSettingsForm(forms.Form):
    display_name = forms.CharField(max_length=150, required=False)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000)
    url = forms.URLField(required=False, label="URL", assume_scheme="https")


class OrganizationTokenForm(AccessTokenForm):
    scope = forms.ChoiceField(choices=TokenScope.choices, initial=TokenScope.READ)


def _user_named(username: str, *, active_only: bool = False):
    user = user_by_name(username=username, active_only=active_only)
    if user is None:
        raise ValidationError("no such user")
    return user


class MemberForm(forms.Form):
    username = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MEMBER)

    def clean_username(self):
        return _user_named(self.cleaned_data["username"], active_only=True)


class TeamForm(forms.Form):
    name = forms.CharField(max_length=100)
    description = forms.CharField(max_length=255, required=False)


class TeamMemberForm(forms.Form):
    username = forms.CharField(max_length=150)

    def clean_username(self):
        return _user_named(self.cleaned_data["username"])


class TeamPermissionForm(forms.Form):
    repository = forms.CharField(max_length=255, help_text="the repository name within the organization")
    permission = forms.ChoiceField(choices=[*TeamPermission.choices, ("none", "No access")])


# --- views --------------------------------------------------------------------------------------------


OWNERS_ONLY = "only the organization's owners may do this"


def _organization(request, name: str, *, manage: bool = False):
    """The organization and the caller's role. Outsiders get 404 (its member pages are not theirs to
    see); members who are not owners get 403 on the pages that manage it."""
    organization = selectors.organization_get(name=name)
    if organization is None:
        raise Http404("no such organization")
    role = namespace_role(request.user, organization)
    if role is None:
        raise Http404("no such organization")
    if manage:
        _owners_only(request, organization)
    return organization, role


def _owners_only(request, organization) -> None:
    """Changing an organization is for its owners (403 for its other members)."""
    authorize(request.user, ORGANIZATION_MANAGE, namespace=organization, message=OWNERS_ONLY)


def organization_page(*methods: str, manage: bool = False):
    """A page of the organization in the URL, for a signed-in member (see _organization): the view is
    called with the organization and the member's role instead of the name."""

    def decorate(view):
        @login_required
        @require_http_methods(list(methods))
        @wraps(view)
        def page(request, name: str, **kwargs):
            organization, role = _organization(request, name, manage=manage)
            return view(request, organization, role, **kwargs)

        return page

    return decorate


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
            form.add_error("name", error)
        else:
            messages.success(request, f"Organization {organization.name} created; you are its owner.")
            return redirect("orgs:detail", name=organization.name)
    memberships = selectors.organization_list_for_user(user=request.user)
    return render(
        request,
        "organizations/list.html",
        {"form": form, "memberships": memberships},
        status=400 if form.errors else 200,
    )


@organization_page("GET")
def organization_detail(request, organization, role):
    context = _org_context(
        organization,
        role,
        members=selectors.membership_list(organization=organization),
        teams=selectors.team_list(organization=organization),
    )
    return render(request, "organizations/detail.html", context)


@organization_page("GET", "POST")
def organization_members(request, organization, role):
    form = MemberForm()
    if request.method == "POST":
        action = request.POST.get("action", "set")
        if action == "leave":
            try:
                services.membership_remove(organization=organization, user=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("orgs:members", name=organization.name)
            messages.success(request, f"You left {organization.name}.")
            return redirect("orgs:list")
        _owners_only(request, organization)
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
                form.add_error(None, error)
            else:
                return redirect("orgs:members", name=organization.name)
    context = _org_context(
        organization, role, form=form, members=selectors.membership_list(organization=organization), roles=Role.choices
    )
    return render(request, "organizations/members.html", context, status=400 if form.errors else 200)


@organization_page("GET", "POST")
def organization_teams(request, organization, role):
    form = TeamForm()
    if request.method == "POST":
        _owners_only(request, organization)
        form = TeamForm(request.POST)
        if form.is_valid():
            try:
                team = services.team_create(
                    organization=organization,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                )
            except ValidationError as error:
                form.add_error("name", error)
            else:
                return redirect("orgs:team", name=organization.name, team=team.name)
    context = _org_context(organization, role, form=form, teams=selectors.team_list(organization=organization))
    return render(request, "organizations/teams.html", context, status=400 if form.errors else 200)


@organization_page("GET", "POST")
def organization_team(request, organization, role, team: str):
    team_obj = selectors.team_get(organization=organization, name=team)
    if team_obj is None:
        raise Http404("no such team")
    member_form, permission_form = TeamMemberForm(), TeamPermissionForm()
    if request.method == "POST":
        _owners_only(request, organization)
        action = request.POST.get("action", "")
        try:
            if action == "delete":
                services.team_delete(team=team_obj)
                messages.success(request, f"Team {team_obj.name} deleted.")
                return redirect("orgs:teams", name=organization.name)
            if action in ("member-add", "member-remove"):
                member_form = TeamMemberForm(request.POST)
                if member_form.is_valid():
                    user = member_form.cleaned_data["username"]
                    if action == "member-add":
                        services.team_member_add(team=team_obj, user=user)
                    else:
                        services.team_member_remove(team=team_obj, user=user)
                    return redirect("orgs:team", name=organization.name, team=team_obj.name)
            elif action == "permission":
                permission_form = TeamPermissionForm(request.POST)
                if permission_form.is_valid():
                    repository = selectors.organization_repository_get(
                        organization=organization, name=permission_form.cleaned_data["repository"]
                    )
                    if repository is None:
                        permission_form.add_error("repository", "no such repository in this organization")
                    else:
                        permission = permission_form.cleaned_data["permission"]
                        services.team_permission_set(
                            team=team_obj,
                            repository=repository,
                            permission=None if permission == "none" else permission,
                        )
                        return redirect("orgs:team", name=organization.name, team=team_obj.name)
            else:
                return HttpResponse("unknown action", status=400, content_type="text/plain")
        except ValidationError as error:
            target = member_form if action.startswith("member") else permission_form
            target.add_error(None, error)
    context = _org_context(
        organization,
        role,
        team=team_obj,
        member_form=member_form,
        permission_form=permission_form,
        repositories=selectors.organization_repository_list(organization=organization),
    )
    status = 400 if member_form.errors or permission_form.errors else 200
    return render(request, "organizations/team.html", context, status=status)


@organization_page("GET", "POST", manage=True)
def organization_tokens(request, organization, role):
    created = None
    form = OrganizationTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _, created = services.org_token_create(
            organization=organization,
            created_by=request.user,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            expires_at=form.expires_at(),
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
    response = render(request, "organizations/tokens.html", context, status=201 if created else 200)
    response["Cache-Control"] = "no-store"
    return response


@organization_page("POST", manage=True)
def organization_token_revoke(request, organization, role, token_id: int):
    services.org_token_revoke(organization=organization, token_id=token_id)
    return redirect("orgs:tokens", name=organization.name)


@organization_page("GET", "POST", manage=True)
def organization_settings(request, organization, role):
    initial = {
        "display_name": organization.display_name,
        "description": organization.description,
        "url": organization.url,
    }
    form = OrganizationSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.organization_update(organization=organization, **form.cleaned_data)
        messages.success(request, "Settings saved.")
        return redirect("orgs:settings", name=organization.name)
    context = _org_context(organization, role, form=form)
    return render(request, "organizations/settings.html", context, status=400 if form.errors else 200)


app_name = "orgs"
urlpatterns = [
    path("settings/organizations", organization_list, name="list"),
    path("orgs/<str:name>/", organization_detail, name="detail"),
    path("orgs/<str:name>/members", organization_members, name="members"),
    path("orgs/<str:name>/teams", organization_teams, name="teams"),
    path("orgs/<str:name>/teams/<str:team>", organization_team, name="team"),
    path("orgs/<str:name>/tokens", organization_tokens, name="tokens"),
    path("orgs/<str:name>/tokens/<int:token_id>/revoke", organization_token_revoke, name="token-revoke"),
    path("orgs/<str:name>/settings", organization_settings, name="settings"),
]

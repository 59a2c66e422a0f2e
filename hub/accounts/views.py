"""Signed-in pages about one's account: personal access tokens."""

from datetime import timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from hub.accounts.models import AccessToken
from hub.accounts.services import access_token_create, access_token_revoke

EXPIRY_CHOICES = [("30", "30 days"), ("90", "90 days"), ("365", "1 year"), ("", "Never")]


class AccessTokenForm(forms.Form):
    name = forms.CharField(max_length=100, label="Description")
    scope = forms.ChoiceField(choices=AccessToken.Scope.choices, initial=AccessToken.Scope.READ_WRITE)
    expires_in_days = forms.ChoiceField(choices=EXPIRY_CHOICES, required=False, initial="90", label="Expires")


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request):
    created = None
    form = AccessTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        days = form.cleaned_data["expires_in_days"]
        expires_at = timezone.now() + timedelta(days=int(days)) if days else None
        token, created = access_token_create(
            user=request.user, name=form.cleaned_data["name"], scope=form.cleaned_data["scope"], expires_at=expires_at
        )
        form = AccessTokenForm()
    tokens = AccessToken.objects.filter(user=request.user).order_by("-created_at")
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": tokens, "created": created, "now": timezone.now()},
        status=201 if created else 200,
    )


@login_required
@require_POST
def token_revoke(request, token_id: int):
    access_token_revoke(user=request.user, token_id=token_id)
    return redirect("accounts:tokens")

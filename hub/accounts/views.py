"""Account pages: sign up, profile and avatar, password change and reset, personal access tokens.

Each view parses, calls one service or selector, and renders. Organization pages are content
(images.web.organizations).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hub.accounts import selectors, services
from hub.accounts.forms import AccessTokenForm, ProfileForm, SignupForm

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
            form.add_error("username", error)
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
            form.add_error("avatar", error)
        else:
            services.profile_update(user=user, display_name=data["display_name"], url=data["url"], email=data["email"])
            messages.success(request, "Profile saved.")
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
def avatar(request, username: str):
    user = selectors.user_avatar_get(username=username)
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
            expires_at=form.expires_at(),
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

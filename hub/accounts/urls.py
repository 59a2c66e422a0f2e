"""Account pages: /signup/, /settings/…, /password-reset/…, /avatars/…

Organization pages are content: images.web.organizations.
"""

from django.urls import path

from hub.accounts import views

app_name = "accounts"
urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("settings/", views.profile, name="profile"),
    path("settings/password", views.PasswordChangeView.as_view(), name="password-change"),
    path("settings/password/done", views.PasswordChangeDoneView.as_view(), name="password-change-done"),
    path("settings/tokens", views.token_list, name="tokens"),
    path("settings/tokens/<int:token_id>/revoke", views.token_revoke, name="token-revoke"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("password-reset/sent", views.PasswordResetDoneView.as_view(), name="password-reset-done"),
    path("password-reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password-reset-confirm"),
    path("password-reset/complete", views.PasswordResetCompleteView.as_view(), name="password-reset-complete"),
    path("avatars/<str:username>", views.avatar, name="avatar"),
]

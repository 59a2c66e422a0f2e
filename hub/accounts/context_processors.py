from django.conf import settings


def accounts(request):
    return {"hub_signup_enabled": settings.HUB_SIGNUP_ENABLED}

from django.conf import settings


def hub(request):
    return {"hub_public_host": settings.PUBLIC_HOST, "hub_public_url": settings.PUBLIC_URL}

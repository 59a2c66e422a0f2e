from django.shortcuts import render

from images import selectors


def home(request):
    repositories = selectors.repository_list_visible(user=request.user)[:24]
    return render(request, "images/home.html", {"repositories": repositories})

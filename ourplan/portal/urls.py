"""The person's own pages, under /my/ (the only pages a portal account reaches, with sign-in,
invitations and the API: ourplan.portal.middleware)."""

from django.urls import path

from ourplan.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
]

"""The person's sharing pages, mounted at /my/<person_id>/."""

from django.urls import path

from ourplan.consent import views

app_name = "consent"
urlpatterns = [
    path("sharing/", views.sharing_list, name="list"),
    path("sharing/new/", views.sharing_new, name="new"),
    path("sharing/<uuid:grant_id>/withdraw/", views.sharing_withdraw, name="withdraw"),
    path("who-has-looked/", views.who_has_looked, name="who_has_looked"),
]

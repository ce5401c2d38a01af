"""The person's downloads of their plan, mounted at /my/<person_id>/download/."""

from django.urls import path

from ourplan.exports import portal_views

app_name = "portal_downloads"
urlpatterns = [
    path("", portal_views.download_list, name="list"),
    path("<slug:fmt>/", portal_views.download_file, name="file"),
]

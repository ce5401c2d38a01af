"""Staff pages for a person's consent to share, mounted at /people/<person_id>/sharing/."""

from django.urls import path

from ourplan.consent import views_staff

app_name = "consent_staff"
urlpatterns = [
    path("", views_staff.sharing_list, name="list"),
    path("new/", views_staff.sharing_new, name="new"),
    path("<uuid:grant_id>/withdraw/", views_staff.sharing_withdraw, name="withdraw"),
]

"""Risk enablement panels, mounted at /panels/."""

from django.urls import path

from ourplan.panels import views

app_name = "panels"
urlpatterns = [
    path("", views.referral_list, name="list"),
    path("principles/", views.principles, name="principles"),
    path("refer/<uuid:person_id>/", views.refer, name="refer"),
    path("<uuid:referral_id>/", views.detail, name="detail"),
    path("<uuid:referral_id>/decision/", views.decide, name="decide"),
    path("<uuid:referral_id>/share/", views.share, name="share"),
    path("<uuid:referral_id>/principle/", views.principle, name="principle"),
]

from django.urls import path

from ourplan.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_detail, name="detail"),
    path("start/", views.plan_start, name="start"),
    path("support-needs/", views.plan_support_needs, name="support_needs"),
    path("sections/<slug:section>/", views.plan_section_status, name="section_status"),
    path("move/<slug:transition>/", views.plan_move, name="move"),
]

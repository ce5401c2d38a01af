from django.urls import path

from ourplan.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_detail, name="detail"),
    path("start/", views.plan_start, name="start"),
    path("support-needs/", views.plan_support_needs, name="support_needs"),
    path("sections/<slug:section>/", views.plan_section_status, name="section_status"),
    path("move/<slug:transition>/", views.plan_move, name="move"),
    path("about-me/", views.about_me, name="about_me"),
    path("working/", views.working, name="working"),
    path("working/<uuid:entry_id>/edit/", views.working_edit, name="working_edit"),
    path("working/<uuid:entry_id>/remove/", views.working_remove, name="working_remove"),
]

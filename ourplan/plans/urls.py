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
    path("outcomes/", views.outcomes, name="outcomes"),
    path("outcomes/add/", views.outcome_add, name="outcome_add"),
    path("outcomes/coach/", views.outcome_coach, name="outcome_coach"),
    path("outcomes/<uuid:outcome_id>/edit/", views.outcome_edit, name="outcome_edit"),
    path("outcomes/<uuid:outcome_id>/actions/add/", views.action_add, name="action_add"),
    path("actions/<uuid:action_id>/edit/", views.action_edit, name="action_edit"),
    path("agree/", views.agree, name="agree"),
    path("details/<slug:section>/", views.section_entries, name="section_entries"),
    path("entries/<slug:kind>/add/", views.entry_add, name="entry_add"),
    path("entries/<slug:kind>/<uuid:entry_id>/edit/", views.entry_edit, name="entry_edit"),
    path("entries/<slug:kind>/<uuid:entry_id>/remove/", views.entry_remove,
         name="entry_remove"),
    path("versions/<int:number>/", views.version_detail, name="version"),
]

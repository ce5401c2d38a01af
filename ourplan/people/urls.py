from django.urls import path

from ourplan.people import views

app_name = "people"
urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("add/", views.person_add, name="add"),
    path("audit/", views.audit_lookup, name="audit_lookup"),
    path("<uuid:person_id>/", views.person_detail, name="detail"),
    path("<uuid:person_id>/edit/", views.person_edit, name="edit"),
    path("<uuid:person_id>/audit/", views.person_audit, name="audit"),
    path("<uuid:person_id>/circle/add/", views.contact_add, name="contact_add"),
    path("<uuid:person_id>/circle/<uuid:contact_id>/edit/", views.contact_edit,
         name="contact_edit"),
    path("<uuid:person_id>/circle/<uuid:contact_id>/remove/", views.contact_remove,
         name="contact_remove"),
    path("<uuid:person_id>/care-team/add/", views.care_team_add, name="care_team_add"),
    path("<uuid:person_id>/care-team/<uuid:member_id>/edit/", views.care_team_edit,
         name="care_team_edit"),
]

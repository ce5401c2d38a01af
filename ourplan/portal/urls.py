"""The person's own pages, under /my/ (the only pages a portal account reaches, with sign-in,
invitations and the API: ourplan.portal.middleware)."""

from django.urls import path

from ourplan.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("<uuid:person_id>/", views.person_page, name="person"),
    path("<uuid:person_id>/budget/", views.budget, name="budget"),
    path("<uuid:person_id>/about-me/", views.about_me, name="about_me"),
    path("<uuid:person_id>/working/", views.working, name="working"),
    path("<uuid:person_id>/working/<uuid:entry_id>/edit/", views.working_edit,
         name="working_edit"),
    path("<uuid:person_id>/working/<uuid:entry_id>/remove/", views.working_remove,
         name="working_remove"),
    path("<uuid:person_id>/outcomes/<uuid:outcome_id>/edit/", views.outcome_edit,
         name="outcome_edit"),
    path("<uuid:person_id>/agree/", views.agree, name="agree"),
    path("<uuid:person_id>/propose/", views.propose, name="propose"),
    path("<uuid:person_id>/proposals/<uuid:proposal_id>/withdraw/", views.proposal_withdraw,
         name="proposal_withdraw"),
    path("<uuid:person_id>/ask-for-a-review/", views.review_ask, name="review_ask"),
    path("<uuid:person_id>/different-coordinator/", views.coordinator_change,
         name="coordinator_change"),
]

"""Staff pages about one person's own access to Ourplan: who has it, open invitations, sending
a new one, withdrawing one and ending someone's access."""

from django.urls import path

from ourplan.portal import views_invite as views

app_name = "portal_invite"
urlpatterns = [
    path("", views.invite_list, name="list"),
    path("new/", views.invite_new, name="new"),
    path("<uuid:invitation_id>/withdraw/", views.invite_withdraw, name="withdraw"),
    path("access/<uuid:access_id>/end/", views.access_end, name="end"),
]

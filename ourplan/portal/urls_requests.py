"""Staff pages answering what the person asked, under /people/<person_id>/plan/requests/."""

from django.urls import path

from ourplan.portal import views_requests

app_name = "portal_requests"
urlpatterns = [
    path("", views_requests.request_list, name="list"),
    path("proposals/<uuid:proposal_id>/accept/", views_requests.proposal_accept,
         name="proposal_accept"),
    path("proposals/<uuid:proposal_id>/decline/", views_requests.proposal_decline,
         name="proposal_decline"),
    path("coordinator/<uuid:request_id>/done/", views_requests.coordinator_done,
         name="coordinator_done"),
    path("coordinator/<uuid:request_id>/decline/", views_requests.coordinator_decline,
         name="coordinator_decline"),
]

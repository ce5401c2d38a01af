from django.urls import path

from ourplan.governance import views

app_name = "governance"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("submit/", views.submit, name="submit"),
    path("submissions/<uuid:submission_id>/", views.submission_page, name="submission"),
    path("submissions/<uuid:submission_id>/withdraw/", views.withdraw, name="withdraw"),
    path("appeals/add/", views.appeal_add, name="appeal_add"),
    path("appeals/<uuid:appeal_id>/", views.appeal_page, name="appeal"),
    path("reductions/add/", views.reduction_add, name="reduction_add"),
    path("reductions/<uuid:reduction_id>/", views.reduction_page, name="reduction"),
]

# Not about one person: mounted at the root.
admin_urlpatterns = [
    path("work/", views.work, name="work"),
    path("approvals/", views.approvals, name="approvals"),
    path("authority/", views.authority_list, name="authority"),
    path("authority/add/", views.authority_form, name="authority_add"),
    path("authority/<uuid:authority_id>/change/", views.authority_form, name="authority_edit"),
]

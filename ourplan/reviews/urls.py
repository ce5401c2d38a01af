from django.urls import path

from ourplan.reviews import views

app_name = "reviews"
urlpatterns = [
    path("", views.reviews_page, name="page"),
    path("circumstances/", views.circumstances, name="circumstances"),
    path("triggers/add/", views.trigger_add, name="trigger_add"),
    path("request/", views.request_add, name="request"),
    path("start/", views.review_start, name="start"),
    path("<uuid:review_id>/", views.review_page, name="review"),
]

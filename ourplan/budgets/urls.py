from django.urls import path

from ourplan.budgets import views

app_name = "budgets"
urlpatterns = [
    path("", views.budget_page, name="sheet"),
    path("start/", views.budget_start, name="start"),
    path("change/", views.budget_edit, name="edit"),
    path("holdings/add/", views.holding_form, name="holding_add"),
    path("holdings/<uuid:holding_id>/change/", views.holding_form, name="holding_edit"),
    path("holdings/<uuid:holding_id>/remove/", views.holding_remove, name="holding_remove"),
    path("lines/add/", views.line_form, name="line_add"),
    path("lines/<uuid:line_id>/change/", views.line_form, name="line_edit"),
    path("lines/<uuid:line_id>/remove/", views.line_remove, name="line_remove"),
    path("lines/<uuid:line_id>/decision/", views.line_decide, name="line_decide"),
    path("sign-off/", views.sign_off, name="sign_off"),
    path("spending/", views.spending, name="spending"),
    path("spending/add/", views.payment_add, name="payment_add"),
    path("spending/<uuid:payment_id>/remove/", views.payment_remove, name="payment_remove"),
    path("versions/<int:number>/", views.version, name="version"),
]

# Not about one person: mounted at /budgets/.
admin_urlpatterns = [
    path("pa-rates/", views.rates_list, name="rates"),
    path("pa-rates/add/", views.rates_form, name="rates_add"),
    path("pa-rates/<uuid:rates_id>/change/", views.rates_form, name="rates_edit"),
    path("returns/", views.returns, name="returns"),
]

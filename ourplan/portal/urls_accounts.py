"""Portal account pages that sit outside /my/<person>/: accepting an invitation, the code step
of signing in, NHS login, and the account's own security page."""

from django.urls import path

from ourplan.portal import views_accounts as views

app_name = "portal_accounts"
urlpatterns = [
    path("invitations/<str:token>/", views.accept, name="accept"),
    path("my/<uuid:person_id>/sharing/invite/<uuid:contact_id>/", views.invite_circle,
         name="invite_circle"),
    path("my/account/security/", views.security, name="security"),
    path("sign-in/code/", views.sign_in_code, name="sign_in_code"),
    path("sign-in/nhs-login/", views.nhs_login_start, name="nhs_login"),
    path("sign-in/nhs-login/callback/", views.nhs_login_callback, name="nhs_login_callback"),
]

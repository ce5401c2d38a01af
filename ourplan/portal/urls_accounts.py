"""Portal account pages that sit outside /my/<person>/: accepting an invitation, the code step
of signing in, NHS login, a new password when it is forgotten, and the account's own security
page (with changing the password)."""

from django.urls import path

from ourplan.portal import views_accounts as views

app_name = "portal_accounts"
urlpatterns = [
    path("invitations/<str:token>/", views.accept, name="accept"),
    path("my/<uuid:person_id>/sharing/invite/<uuid:contact_id>/", views.invite_circle,
         name="invite_circle"),
    path("my/<uuid:person_id>/sharing/invitations/<uuid:invitation_id>/withdraw/",
         views.invite_circle_withdraw, name="invite_circle_withdraw"),
    path("my/account/security/", views.security, name="security"),
    path("session/", views.session, name="session"),
    path("my/account/security/password/", views.password_change, name="password_change"),
    path("sign-in/code/", views.sign_in_code, name="sign_in_code"),
    path("sign-in/forgotten-password/", views.forgotten_password, name="forgotten_password"),
    path("sign-in/forgotten-password/sent/", views.forgotten_password_sent,
         name="forgotten_password_sent"),
    path("sign-in/new-password/done/", views.new_password_done, name="new_password_done"),
    path("sign-in/new-password/<str:uidb64>/<str:token>/", views.new_password,
         name="new_password"),
    path("sign-in/nhs-login/", views.nhs_login_start, name="nhs_login"),
    path("sign-in/nhs-login/callback/", views.nhs_login_callback, name="nhs_login_callback"),
]

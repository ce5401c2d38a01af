from django.urls import include, path

from ourplan.api.urls import api
from ourplan.budgets.urls import admin_urlpatterns
from ourplan.core import views as core_views
from ourplan.exports import views as export_views
from ourplan.governance.urls import admin_urlpatterns as governance_admin_urlpatterns

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accessibility", core_views.accessibility, name="accessibility"),
    path("privacy", core_views.privacy, name="privacy"),
    path("", include("ourplan.accounts.urls")),
    path("people/", include("ourplan.people.urls")),
    path("people/<uuid:person_id>/plan/", include("ourplan.plans.urls")),
    path("people/<uuid:person_id>/plan/budget/", include("ourplan.budgets.urls")),
    path("budgets/", include((admin_urlpatterns, "budget_admin"))),
    # Agreement and sign-off of one person's plan; appeals; reviews.
    path("people/<uuid:person_id>/plan/sign-off/", include("ourplan.governance.urls")),
    path("people/<uuid:person_id>/plan/reviews/", include("ourplan.reviews.urls")),
    # Not about one person.
    path("", include((governance_admin_urlpatterns, "governance_admin"))),
    path("panels/", include("ourplan.panels.urls")),
    path("outbox/", include("ourplan.notifications.urls")),
    path("people/<uuid:person_id>/plan/export/<slug:fmt>/", export_views.plan_export,
         name="plan_export"),
    # The person's own pages (portal accounts reach only these, sign-in and the API).
    path("", include("ourplan.portal.urls_accounts")),
    path("my/", include("ourplan.portal.urls")),
    path("my/<uuid:person_id>/", include("ourplan.consent.urls")),
    path("my/<uuid:person_id>/download/", include("ourplan.exports.portal_urls")),
    # Staff pages about a person's portal use: invitations, and what the person asked for.
    path("people/<uuid:person_id>/invitations/", include("ourplan.portal.urls_invite")),
    path("people/<uuid:person_id>/plan/requests/", include("ourplan.portal.urls_requests")),
    path("people/<uuid:person_id>/sharing/", include("ourplan.consent.urls_staff")),
    path("api/v1/", api.urls),
]

handler404 = "ourplan.core.views.not_found"
handler500 = "ourplan.core.views.server_error"
handler403 = "ourplan.core.views.forbidden"
handler400 = "ourplan.core.views.bad_request"

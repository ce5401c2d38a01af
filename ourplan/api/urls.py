"""The JSON API at /api/v1/ (django-ninja; see docs/adr/0002-api-framework.md)."""

from ninja import NinjaAPI

from ourplan.api import errors
from ourplan.api.auth import API_AUTH
from ourplan.api.routers import accounts, governance, people, phb, plans, reviews

api = NinjaAPI(
    title="Ourplan API",
    version="1",
    description=(
        "Personalised care and support planning. Every call acts as a signed-in member of "
        "staff (session with CSRF token, or `Authorization: Bearer <token>` from "
        "`manage.py create_api_token`), sees only the people they have a care relationship "
        "with, and is audited."
    ),
    urls_namespace="api",
    auth=API_AUTH,
)
errors.register(api)
api.add_router("", accounts.router)
api.add_router("", people.router)
api.add_router("", plans.router)
api.add_router("", phb.router)
api.add_router("", governance.router)
api.add_router("", reviews.router)
api.add_router("", "ourplan.api.routers.consent.router")
api.add_router("", "ourplan.api.routers.requests.router")

from ninja import NinjaAPI

api = NinjaAPI(title="Ourplan API", version="1", urls_namespace="api")

"""The REST API: FastAPI app (``alrea.api.app.create_app``) served by Mangum in Lambda, uvicorn locally."""

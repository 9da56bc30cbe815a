"""ASGI entry point for uvicorn and other servers: `trustdesk.asgi:app`."""

from trustdesk.app import create_app

app = create_app()

"""HTML pages: the customer side under /app, the agent console and lead board under /console.

Pages are rendered on the server from the same service functions as the JSON API; forms post
back to page endpoints (post/redirect/get), and Server-Sent Events tell an open page to refresh
its live regions (see static/live.js). Sessions are cookies (see web/auth.py).

One module per area: `customer_pages` (chat, help, channel check, deposits, tickets),
`security_pages` (a held withdrawal's verification), `recovery_pages`, `console` (agents and
leads); what they share is in `pages`.
"""

from __future__ import annotations

from fastapi import APIRouter

from trustdesk.web import console, customer_pages, recovery_pages, security_pages

router = APIRouter(include_in_schema=False)
for area in (customer_pages, security_pages, recovery_pages, console):
    router.include_router(area.router)

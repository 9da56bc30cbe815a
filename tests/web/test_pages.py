"""Page authorisation and the page flows, through the real app (no browser)."""

from __future__ import annotations

import httpx
import pytest

from tests.factories import PASSWORD, make_agent, open_ticket
from trustdesk.models.agent import AgentRole

CUSTOMER_PAGES = [
    "/app/chat",
    "/app/tickets",
    "/app/tickets/1",
    "/app/deposits",
    "/app/help",
    "/app/check",
]
AGENT_PAGES = ["/console", "/console?view=vip", "/console/tickets/1", "/console/board"]


async def _customer_session(client: httpx.AsyncClient, token: str) -> None:
    response = await client.get("/app", params={"token": token})
    assert response.status_code == 303
    assert response.headers["location"] == "/app/chat"
    cookie = response.headers["set-cookie"]
    assert "td_customer=" in cookie and "HttpOnly" in cookie and "Path=/app" in cookie


async def _agent_session(client: httpx.AsyncClient, email: str) -> None:
    response = await client.post(
        "/console/login", data={"email": email, "password": PASSWORD, "next": "/console"}
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/console"
    assert "HttpOnly" in response.headers["set-cookie"]


@pytest.mark.parametrize("path", CUSTOMER_PAGES + ["/app/events"])
async def test_customer_pages_without_session_redirect_to_signed_out(client, path):
    response = await client.get(path)
    assert response.status_code == 303
    assert response.headers["location"] == "/app/signed-out"


async def test_signed_out_page_is_401(client):
    response = await client.get("/app/signed-out")
    assert response.status_code == 401
    assert "Session ended" in response.text


async def test_invalid_or_expired_token_starts_no_session(client, customer_token, clock):
    response = await client.get("/app", params={"token": "not-a-jwt"})
    assert response.headers["location"] == "/app/signed-out"
    assert "set-cookie" not in response.headers
    old = customer_token("c1")
    clock.advance(hours=3)  # the token lives one hour
    response = await client.get("/app", params={"token": old})
    assert response.headers["location"] == "/app/signed-out"


async def test_expired_cookie_ends_the_session(client, customer_token, clock):
    await _customer_session(client, customer_token("c1"))
    assert (await client.get("/app/tickets")).status_code == 200
    clock.advance(hours=3)
    response = await client.get("/app/tickets")
    assert response.headers["location"] == "/app/signed-out"


async def test_agent_token_in_customer_cookie_is_refused(client, maker, clock):
    await make_agent(maker, "a@x.io", now=clock.now)
    await _agent_session(client, "a@x.io")
    agent_cookie = client.cookies.get("td_agent")
    client.cookies.set("td_customer", agent_cookie, path="/app")
    response = await client.get("/app/tickets")
    assert response.headers["location"] == "/app/signed-out"


@pytest.mark.parametrize("path", AGENT_PAGES + ["/console/events"])
async def test_agent_pages_require_login(client, path):
    response = await client.get(path)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/console/login?next=")


async def test_customer_session_does_not_open_the_console(client, customer_token):
    await _customer_session(client, customer_token("c1"))
    response = await client.get("/console")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/console/login")


async def test_wrong_password_shows_the_form_again(client, maker, clock):
    await make_agent(maker, "a@x.io", now=clock.now)
    response = await client.post(
        "/console/login", data={"email": "a@x.io", "password": "nope", "next": "/console"}
    )
    assert response.status_code == 303
    assert "error=1" in response.headers["location"]
    assert "td_agent" not in response.headers.get("set-cookie", "")
    form = await client.get(response.headers["location"])
    assert form.status_code == 401
    assert "Wrong e-mail or password." in form.text


async def test_login_never_redirects_to_another_site(client, maker, clock):
    await make_agent(maker, "a@x.io", now=clock.now)
    response = await client.post(
        "/console/login", data={"email": "a@x.io", "password": PASSWORD, "next": "//evil.example"}
    )
    assert response.headers["location"] == "/console"


async def test_board_is_for_leads(client, maker, clock):
    await make_agent(maker, "a@x.io", now=clock.now)
    await make_agent(maker, "lead@x.io", now=clock.now, role=AgentRole.lead)
    await _agent_session(client, "a@x.io")
    assert (await client.get("/console/board")).status_code == 403
    await _agent_session(client, "lead@x.io")
    response = await client.get("/console/board")
    assert response.status_code == 200
    assert 'data-testid="frt-median"' in response.text


async def test_logout_revokes_the_session(client, maker, clock):
    await make_agent(maker, "a@x.io", now=clock.now)
    await _agent_session(client, "a@x.io")
    token = client.cookies.get("td_agent")
    assert (await client.post("/console/logout")).status_code == 303
    client.cookies.set("td_agent", token)
    assert (await client.get("/console")).status_code == 303


async def test_customer_sees_only_own_tickets(client, customer_token):
    mine = await open_ticket(client, customer_token("c1"), subject="Mine")
    theirs = await open_ticket(client, customer_token("c2"), subject="Theirs")
    await _customer_session(client, customer_token("c1"))
    listing = await client.get("/app/tickets")
    assert "Mine" in listing.text and "Theirs" not in listing.text
    assert (await client.get(f"/app/tickets/{mine['id']}")).status_code == 200
    response = await client.get(f"/app/tickets/{theirs['id']}")
    assert response.status_code == 404
    reply = await client.post(f"/app/tickets/{theirs['id']}/reply", data={"body": "hi"})
    assert reply.status_code == 404


async def test_agent_reply_reaches_the_customer_but_notes_do_not(
    client, maker, clock, customer_token
):
    await make_agent(maker, "a@x.io", now=clock.now)
    ticket = await open_ticket(client, customer_token("c1"), body="Deposit missing")
    agent = httpx.AsyncClient(transport=client._transport, base_url="http://test")
    async with agent:
        await _agent_session(agent, "a@x.io")
        page = await agent.get(f"/console/tickets/{ticket['id']}")
        assert page.status_code == 200
        assert "Deposit missing" in page.text
        for body, internal in (("We are on it", "false"), ("Check the node", "true")):
            response = await agent.post(
                f"/console/tickets/{ticket['id']}/messages",
                data={"body": body, "internal": internal, "view": "mine"},
            )
            assert response.status_code == 303
            assert "flash" not in response.headers["location"]
        empty = await agent.post(f"/console/tickets/{ticket['id']}/messages", data={"body": " "})
        assert "flash=" in empty.headers["location"]
    await _customer_session(client, customer_token("c1"))
    page = await client.get(f"/app/tickets/{ticket['id']}")
    assert "We are on it" in page.text
    assert "Check the node" not in page.text


async def test_customer_reply_and_empty_reply(client, customer_token):
    token = customer_token("c1")
    ticket = await open_ticket(client, token)
    await _customer_session(client, token)
    url = f"/app/tickets/{ticket['id']}"
    empty = await client.post(f"{url}/reply", data={"body": "  "})
    assert "flash=" in empty.headers["location"]
    ok = await client.post(f"{url}/reply", data={"body": "Any news?"})
    assert ok.headers["location"] == url
    assert "Any news?" in (await client.get(url)).text


async def test_customer_opens_a_ticket_from_the_form(client, customer_token):
    await _customer_session(client, customer_token("c1"))
    bad = await client.post("/app/tickets", data={"subject": "", "body": ""})
    assert "flash=" in bad.headers["location"]
    assert "You have no tickets." in (await client.get("/app/tickets")).text
    good = await client.post("/app/tickets", data={"subject": "Card", "body": "My card fails"})
    assert good.status_code == 303
    assert "My card fails" in (await client.get(good.headers["location"])).text


async def test_agent_changes_status_priority_escalates(client, maker, clock, customer_token):
    await make_agent(maker, "a@x.io", now=clock.now, queues=["tier1", "tier2"])
    ticket = await open_ticket(client, customer_token("c1"))
    await _agent_session(client, "a@x.io")
    url = f"/console/tickets/{ticket['id']}"
    response = await client.post(f"{url}/update", data={"priority": "P1", "status": ""})
    assert "flash" not in response.headers["location"]
    no_reason = await client.post(f"{url}/escalate", data={"note": ""})
    assert "flash=" in no_reason.headers["location"]
    response = await client.post(f"{url}/escalate", data={"note": "needs tier 2"})
    assert "flash" not in response.headers["location"]
    no_note = await client.post(f"{url}/collaborators", data={"queue": "legal", "note": ""})
    assert "flash=" in no_note.headers["location"]
    response = await client.post(
        f"{url}/collaborators", data={"queue": "legal", "note": "chargeback letter"}
    )
    assert "flash" not in response.headers["location"]
    page = (await client.get(url)).text
    assert "P1" in page and "tier2" in page
    assert '<option value="legal">legal</option>' in page


async def test_presence_and_console_language_are_saved(client, maker, clock):
    await make_agent(maker, "a@x.io", now=clock.now)
    await _agent_session(client, "a@x.io")
    await client.post("/console/presence", data={"presence": "away"})
    await client.post("/console/profile-language", data={"language": "de"})
    client.cookies.clear()
    await _agent_session(client, "a@x.io")
    page = await client.get("/console")
    assert 'lang="de"' in page.text
    assert '<option value="away" selected>' in page.text


async def test_channel_check_page_gives_a_verdict(client, customer_token):
    await _customer_session(client, customer_token("c1"))
    empty = await client.get("/app/check")
    assert empty.status_code == 200 and 'data-testid="channel-verdict"' not in empty.text
    response = await client.get(
        "/app/check", params={"value": "https://bit-exchange-support.example"}
    )
    assert response.status_code == 200
    assert 'data-testid="channel-verdict"' in response.text
    too_long = await client.get("/app/check", params={"value": "x" * 3000})
    assert too_long.status_code == 422


async def test_deposit_page_without_exchange_account_says_so(client, customer_token):
    await _customer_session(client, customer_token("c1"))
    response = await client.get("/app/deposits")
    assert response.status_code == 200
    assert "We could not check your deposits right now." in response.text


@pytest.mark.parametrize(
    "path", ["/app/chat/messages", "/app/chat/human", "/app/chat/actions", "/app/tickets"]
)
async def test_customer_posts_without_session_change_nothing(client, path):
    response = await client.post(path, data={"message": "hi", "action": "freeze_account"})
    assert response.status_code == 303
    assert response.headers["location"] == "/app/signed-out"


async def test_talk_to_a_person_queues_the_chat(client, customer_token):
    await _customer_session(client, customer_token("c1"))
    response = await client.post("/app/chat/human", data={})
    assert response.headers["location"] == "/app/chat"
    page = await client.get("/app/chat")
    assert 'data-testid="estimate"' in page.text
    assert "You are number 1 in the queue." in page.text
    tickets = await client.get("/app/tickets")
    assert "status-new" in tickets.text

"""The pages in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

A customer asks about a pending deposit and sees the confirmations; asks for a person and sees
the queue position; an agent watching the console in another browser context sees the ticket
appear live, opens it with the keyboard and replies; the customer sees the reply and the agent's
name without reloading; the lead board shows the first response time. Run in Arabic (right to
left) and in Chinese. A held withdrawal is confirmed from the chat, while a live update arrives.
A deposit sent on the wrong network becomes a manual recovery case in the chat; the customer
answers its intake on the case page. Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import select

from tests.factories import PASSWORD, login, make_agent
from trustdesk.app import create_app
from trustdesk.auth.customer_tokens import issue_customer_token
from trustdesk.config import DEV_CUSTOMER_TOKEN_SECRET, Settings
from trustdesk.db import commit
from trustdesk.exchange.sandbox.store import load_demo_sandbox
from trustdesk.kit.clock import utcnow
from trustdesk.knowledge.service import load_demo_articles
from trustdesk.models.agent import AgentRole, Presence
from trustdesk.models.assistant import Conversation
from trustdesk.web import i18n

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
TIMEOUT_MS = 20_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        shutil.which(CHROMIUM) is None and not Path(CHROMIUM).exists(),
        reason=f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)",
    ),
]

playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """The real app under uvicorn in a background thread (its own event loop and engine)."""

    def __init__(self, settings: Settings) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            create_app(settings),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            timeout_graceful_shutdown=1,
            ws="none",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


@pytest.fixture
def live_server(app, settings) -> Iterator[LiveServer]:
    # `app` resets the database; the server runs a second app on the same database, with the
    # real clock (the browser's timers count down against real time).
    with LiveServer(settings) as server:
        yield server


@pytest.fixture
async def browser() -> AsyncIterator[object]:
    async with playwright_api.async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            yield chromium
        finally:
            await chromium.close()


async def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _t(language: str, message: str, **values: object) -> str:
    text = i18n.translations(language).gettext(message)
    return text % values if values else text


async def _seed(maker, language: str) -> None:
    now = utcnow()
    async with maker() as session:
        await load_demo_sandbox(session, now)
        await load_demo_articles(session, now)
        await commit(session)
    # Away at first, so the customer's ticket waits in the queue (position and wait shown).
    await make_agent(
        maker,
        "agent@x.io",
        now=now,
        languages=[language, "en"],
        presence=Presence.away,
    )
    await make_agent(maker, "lead@x.io", now=now, role=AgentRole.lead, presence=Presence.away)


async def _login(context, base: str, email: str, next_path: str, language: str):
    page = await context.new_page()
    await page.goto(f"{base}/console/login?next={next_path}")
    await page.fill("#email", email)
    await page.fill("#password", PASSWORD)
    await page.keyboard.press("Enter")
    await page.wait_for_url(re.compile(re.escape(next_path.split("?")[0])))
    # The agent picks the console's language (saved on the profile) and stays on the page.
    await page.select_option("#lang-select", language)
    await page.wait_for_function(
        "lang => document.documentElement.lang === lang", arg=language, timeout=TIMEOUT_MS
    )
    await page.wait_for_load_state()
    assert next_path.split("?")[0] in page.url
    return page


@pytest.mark.parametrize("language", ["ar", "zh-CN"])
async def test_customer_agent_and_lead_in_the_browser(live_server, browser, maker, language):
    base = live_server.url
    await _seed(maker, language)
    dir_expected = "rtl" if language == "ar" else "ltr"
    tag = language.lower()

    # The agent watches the unassigned queue before anything happens.
    agent_ctx = await browser.new_context(locale=language, viewport={"width": 1280, "height": 900})
    agent_page = await _login(agent_ctx, base, "agent@x.io", "/console?view=unassigned", language)
    await agent_page.locator("body[data-live=connected]").wait_for(timeout=TIMEOUT_MS)
    assert await agent_page.locator("tr[data-row]").count() == 0
    await _shot(agent_page, f"{tag}-console-login-queue-empty")

    # The customer arrives from the exchange app with a signed token (a phone-sized screen).
    token = issue_customer_token(
        DEV_CUSTOMER_TOKEN_SECRET, "u-1001", now=utcnow(), name="Ahmet Kaya", lang=language
    )
    customer_ctx = await browser.new_context(
        locale=language, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    customer = await customer_ctx.new_page()
    await customer.goto(f"{base}/app?token={token}")
    await customer.wait_for_url(re.compile(r"/app/chat$"))
    assert "token=" not in customer.url
    html = customer.locator("html")
    assert await html.get_attribute("dir") == dir_expected
    assert await html.get_attribute("lang") == language

    # The pending deposit: "N of M confirmations, about K minutes".
    question = {"ar": "أين إيداعي؟ لم يصل بعد", "zh-CN": "我的充值还没到账"}[language]
    await customer.fill("[data-testid=chat-input]", question)
    await customer.locator("form.composer button[type=submit]").click()
    facts = customer.locator("[data-testid=confirmations]").last
    await facts.wait_for(timeout=TIMEOUT_MS)
    # The sandbox chain keeps confirming in real time: read the count the page shows.
    progress = customer.locator("progress").last
    seen, required = await progress.get_attribute("value"), await progress.get_attribute("max")
    assert 0 < int(seen) < int(required)
    expected = _t(language, "%(n)s of %(m)s confirmations", n=seen, m=required)
    assert expected in await facts.inner_text()
    await _shot(customer, f"{tag}-customer-chat-deposit")

    # Talk to a person: the queue position and the estimated wait appear.
    await customer.locator("[data-testid=ask-human]").click()
    estimate = customer.locator("[data-testid=estimate]")
    await estimate.wait_for(timeout=TIMEOUT_MS)
    position = _t(language, "You are number %(n)s in the queue.", n=1)
    assert position in await estimate.inner_text()
    await _shot(customer, f"{tag}-customer-chat-queued")

    # The agent's queue shows the ticket without a reload; the keyboard opens it.
    row = agent_page.locator("tr[data-row]").first
    await row.wait_for(timeout=TIMEOUT_MS)
    await _shot(agent_page, f"{tag}-console-queue-live")
    await agent_page.keyboard.press("j")
    await agent_page.keyboard.press("Enter")
    await agent_page.wait_for_url(re.compile(r"/console/tickets/\d+"))
    ticket_id = int(re.search(r"/console/tickets/(\d+)", agent_page.url).group(1))
    panel = agent_page.locator("[data-testid=customer-360]")
    assert "u-1001" in await panel.inner_text()
    assert "USDT" in await panel.inner_text()

    # Take it (keyboard: the form's checkbox, then save), then reply with r … Ctrl+Enter.
    await agent_page.check("input[name=assign_to_me]")
    await agent_page.locator("form[action$='/update'] button[type=submit]").click()
    await agent_page.wait_for_url(re.compile(rf"/console/tickets/{ticket_id}"))
    await agent_page.keyboard.press("r")
    reply = f"Reply {language}: 5 confirmations so far, it will arrive soon."
    await agent_page.keyboard.type(reply)
    await agent_page.keyboard.press("Control+Enter")
    await agent_page.wait_for_url(re.compile(rf"/console/tickets/{ticket_id}"))
    await agent_page.locator(".msg.from-agent", has_text=reply).wait_for(timeout=TIMEOUT_MS)
    await _shot(agent_page, f"{tag}-console-ticket")
    await agent_page.keyboard.press("?")
    await agent_page.locator("#shortcuts[open]").wait_for(timeout=TIMEOUT_MS)
    await _shot(agent_page, f"{tag}-console-shortcuts")
    await agent_page.keyboard.press("Escape")

    # The customer sees the reply and who answered, live.
    await customer.locator(".msg", has_text=reply).wait_for(timeout=TIMEOUT_MS)
    joined = _t(language, "%(name)s has joined the conversation.", name="Agent")
    await customer.locator("[data-testid=estimate]", has_text=joined).wait_for(timeout=TIMEOUT_MS)
    await _shot(customer, f"{tag}-customer-chat-answered")

    # My tickets, list and detail.
    await customer.goto(f"{base}/app/tickets")
    await _shot(customer, f"{tag}-customer-my-tickets")
    await customer.goto(f"{base}/app/tickets/{ticket_id}")
    assert reply in await customer.locator("ol.messages").inner_text()
    await _shot(customer, f"{tag}-customer-ticket")
    await customer.goto(f"{base}/app/help")
    await _shot(customer, f"{tag}-customer-help")
    article = customer.locator("[data-testid=help-articles] a").first
    assert await article.count(), "the demo help center lists articles"
    await article.click()
    await customer.locator("article.article").wait_for(timeout=TIMEOUT_MS)
    await customer.locator("[data-testid=helpful-yes]").click()
    await customer.locator(".feedback [role=status]").wait_for(timeout=TIMEOUT_MS)
    await _shot(customer, f"{tag}-customer-help-article")
    await customer.goto(f"{base}/app/check?value=https://binance-support-help.example")
    await customer.locator("[data-testid=channel-verdict]").wait_for(timeout=TIMEOUT_MS)
    await _shot(customer, f"{tag}-customer-channel-check")

    # The lead board: first response time today.
    lead_ctx = await browser.new_context(locale=language, viewport={"width": 1280, "height": 900})
    lead = await _login(lead_ctx, base, "lead@x.io", "/console/board", language)
    median = await lead.locator("[data-testid=frt-median] strong").inner_text()
    assert re.fullmatch(r"\d+s|\d+m \d\ds", median), median
    assert await lead.locator("[data-testid=frt-max] strong").inner_text() != "—"
    assert await lead.locator("html").get_attribute("dir") == dir_expected
    await _shot(lead, f"{tag}-lead-board")

    for ctx in (agent_ctx, customer_ctx, lead_ctx):
        await ctx.close()


@pytest.mark.parametrize("language", ["ar", "en"])
async def test_held_withdrawal_is_confirmed_from_the_chat(
    live_server, browser, app, client, maker, clock, language
):
    """Risk control holds a withdrawal: the customer sees the banner and the assistant's offer,
    asks about the withdrawal, types the e-mailed code into the chat's security-check form (not
    into the chat) and sees the withdrawal released. A person writing in the chat mid-code (a
    live update of the chat) leaves the digits typed so far in the box."""
    from tests.conftest import auth
    from tests.stepup import build_history, hijack, sandbox_withdrawal, smtp_server
    from trustdesk.assistant.replies import render
    from trustdesk.risk.verification import SmtpEmailSender

    base = live_server.url
    tag = language.lower()
    user = "u-held"
    clock.now = utcnow()  # the live server runs on the real clock: hold now, not in 2026-11-02
    token = issue_customer_token(
        DEV_CUSTOMER_TOKEN_SECRET, user, now=utcnow(), email="dana@example.com", lang=language
    )
    with smtp_server() as (inbox, port):
        app.state.risk_email_sender = SmtpEmailSender("127.0.0.1", port, "security@x.test")
        assert (await client.get("/api/v1/me/verifications", headers=auth(token))).json() == []
        await build_history(client, clock, user)
        await sandbox_withdrawal(maker, clock.now, user, "w-browser")
        await hijack(client, clock, user, "w-browser")
        code = inbox.code()

    ctx = await browser.new_context(
        locale=language, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    page = await ctx.new_page()
    await page.goto(f"{base}/app?token={token}")
    await page.wait_for_url(re.compile(r"/app/chat$"))
    banner = page.locator("[data-testid=security-banner]")
    await banner.wait_for(timeout=TIMEOUT_MS)
    assert _t(language, "A withdrawal is waiting for your confirmation.") in (
        await banner.inner_text()
    )
    # Opening the chat: the assistant reassures and offers the check at once.
    offer = page.locator("[data-testid=verify-offer]")
    assert "TXhijack…0001" in await offer.inner_text()
    await _shot(page, f"{tag}-customer-security-banner-chat")
    await page.goto(f"{base}/app/security")
    await page.locator("[data-testid=verification]").wait_for(timeout=TIMEOUT_MS)
    await page.locator("[data-testid=not-me]").click()  # shows what "This wasn't me" does
    await page.locator("[data-testid=not-me-confirm]").wait_for(timeout=TIMEOUT_MS)
    await _shot(page, f"{tag}-customer-security-check")
    await page.goto(f"{base}/app/chat")

    # Asking about the withdrawal: the answer carries the check (the opening offer moves there).
    question = {"ar": "أين عملية السحب الخاصة بي؟", "en": "Where is my withdrawal?"}[language]
    await page.fill("[data-testid=chat-input]", question)
    await page.locator("form.composer button[type=submit]").click()
    form = page.locator(".msg [data-testid=verify-form]").last
    await page.locator("[data-testid=message] [data-testid=verify-form]").wait_for(
        timeout=TIMEOUT_MS
    )
    assert await page.locator("[data-testid=verify-form]").count() == 1
    await _shot(page, f"{tag}-customer-chat-verification")

    # A live update while the code is being typed: a person joins the conversation and writes.
    # The chat swaps its live region; the code box keeps the digits typed so far and the focus.
    await page.locator("[data-testid=ask-human]").click()
    await page.locator("[data-testid=estimate]").wait_for(timeout=TIMEOUT_MS)
    box = form.locator("[data-testid=verify-code]")
    await box.click()
    await page.keyboard.type(code[:3])
    async with maker() as session:
        handed = select(Conversation.ticket_id).where(Conversation.ticket_id.is_not(None))
        ticket_id = (await session.execute(handed)).scalar_one()
    await make_agent(maker, f"agent-{tag}@x.io", now=utcnow(), languages=[language, "en"])
    note = f"Hello ({tag}), I am here if you need me."
    async with httpx.AsyncClient(base_url=base) as desk:
        agent = await login(desk, f"agent-{tag}@x.io")
        response = await desk.post(
            f"/api/v1/tickets/{ticket_id}/messages", headers=agent, json={"body": note}
        )
        assert response.status_code == 201, response.text
    await page.locator("#chat-live .msg", has_text=note).wait_for(timeout=TIMEOUT_MS)
    assert await box.input_value() == code[:3]
    assert await box.evaluate("el => el === document.activeElement")
    await page.keyboard.type(code[3:])
    assert await box.input_value() == code
    await _shot(page, f"{tag}-customer-chat-verification-live-update")
    await form.locator("[data-testid=verify-submit]").click()
    facts = {"verify_amount": "4750", "verify_asset": "USDT"}
    released = render("verify_released", language, facts)
    await page.locator(".msg", has_text=released).wait_for(timeout=TIMEOUT_MS)
    assert await page.locator("[data-testid=security-banner]").count() == 0
    assert await page.locator("[data-testid=verify-form]").count() == 0
    assert code not in await page.locator("#chat-live").inner_text()
    await _shot(page, f"{tag}-customer-chat-verified")

    # The Security check page says how it ended.
    await page.goto(f"{base}/app/security")
    assert (
        _t(language, "No security check is waiting for you.")
        in await page.locator("main").inner_text()
    )
    await ctx.close()


@pytest.mark.parametrize("language", ["ar", "en"])
async def test_manual_recovery_from_the_chat_to_the_case_page(
    live_server, browser, maker, language
):
    """USDT sent on the wrong network: the chat diagnoses it, "Open a recovery case" opens a
    manual case, the chat links to the case page, the customer answers the intake there and
    sees the case move on to verification."""
    base = live_server.url
    tag = language.lower()
    await _seed(maker, language)
    txid = "0x" + f"{1006 * 100 + 1:064x}"  # u-1006: 200 USDT sent on BSC to an ERC20 address
    token = issue_customer_token(
        DEV_CUSTOMER_TOKEN_SECRET, "u-1006", now=utcnow(), name="Lena Novak", lang=language
    )
    ctx = await browser.new_context(
        locale=language, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    page = await ctx.new_page()
    await page.goto(f"{base}/app?token={token}")
    await page.wait_for_url(re.compile(r"/app/chat$"))

    question = {"ar": "لم يصل إيداع USDT الخاص بي", "en": "My USDT deposit has not arrived"}
    await page.fill("[data-testid=chat-input]", f"{question[language]} {txid}")
    await page.locator("form.composer button[type=submit]").click()
    start = page.locator("[data-testid=flow-start_recovery]")
    await start.wait_for(timeout=TIMEOUT_MS)
    await _shot(page, f"{tag}-customer-chat-wrong-network")
    await start.click()
    link = page.locator("[data-testid=chat-recovery-link]").last
    await link.wait_for(timeout=TIMEOUT_MS)
    await _shot(page, f"{tag}-customer-chat-recovery-opened")
    await link.click()
    await page.wait_for_url(re.compile(r"/app/recoveries/\d+$"))
    case_id = int(page.url.rsplit("/", 1)[1])

    # The case page: the deposit, the progress line at the intake, the fee, what to do now.
    assert await page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    deposit = await page.locator("[data-testid=recovery-deposit]").inner_text()
    assert "200 USDT" in deposit and "BSC" in deposit
    assert await page.locator("[data-testid=recovery-txid]").inner_text() == (
        f"{txid[:8]}…{txid[-6:]}"
    )
    current = page.locator("[data-testid=recovery-progress] [aria-current=step]")
    assert await current.get_attribute("data-step") == "intake"
    assert "USDT" in await page.locator("[data-testid=recovery-fee]").inner_text()
    todo = page.locator("[data-testid=recovery-todo]")
    assert _t(language, "What you need to do now") in await todo.inner_text()
    await _shot(page, f"{tag}-customer-recovery-intake")

    await page.fill("[data-testid=intake-source_wallet_ownership]", "withdrawal-record.png")
    await page.fill("[data-testid=intake-source_platform]", "OKX")
    await page.locator("[data-testid=intake-submit]").click()
    await page.locator("[data-testid=recovery-sent]").wait_for(timeout=TIMEOUT_MS)
    assert await current.get_attribute("data-step") == "verification"
    assert await page.locator("[data-step=intake]").get_attribute("data-state") == "done"
    status = await page.locator("[data-testid=recovery-status]").inner_text()
    assert status.strip() == _t(language, "We are verifying the transfer")
    assert await page.locator("[data-testid=intake-form]").count() == 0
    await _shot(page, f"{tag}-customer-recovery-verifying")

    # My recoveries lists it; its ticket in My tickets links back to it.
    await page.locator("[data-testid=nav-recoveries]").click()
    await page.locator(f"a[href='/app/recoveries/{case_id}']").wait_for(timeout=TIMEOUT_MS)
    await _shot(page, f"{tag}-customer-my-recoveries")
    await page.goto(f"{base}/app/recoveries/{case_id}")
    await page.locator("[data-testid=recovery-ticket]").click()
    await page.locator("[data-testid=ticket-recovery-link]").wait_for(timeout=TIMEOUT_MS)
    await ctx.close()

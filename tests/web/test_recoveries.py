"""The customer's recovery pages: My recoveries, a case page with its progress line, the intake
form (inline errors, nothing stored on bad input), the fee decision, and the links from a
recovery ticket and from the chat. Through the real app on the recovery sandbox; the agents'
steps go through the recovery API as the desk would take them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from tests.conftest import auth
from tests.recovery import conftest as recovery_fixtures
from tests.recovery.conftest import WRONG_NETWORK
from trustdesk.db import commit
from trustdesk.exchange.sandbox import load_demo_sandbox
from trustdesk.models import AuditEvent
from trustdesk.models.recovery import RecoveryCase

USER = "r-memo"  # the recovery sandbox: 200 USDT sent on BSC to an ERC20 address
DESK = "/api/v1/recoveries"

# The recovery tests' sandbox (one user per recovery path) and desk staff of each role.
sandbox = recovery_fixtures.sandbox
staff = recovery_fixtures.staff


async def _signed_in(client, customer_token, user: str = USER, lang: str = "en") -> str:  # type: ignore[no-untyped-def]
    token = customer_token(user, lang=lang)
    response = await client.get("/app", params={"token": token})
    assert response.status_code == 303
    return token  # type: ignore[no-any-return]


async def _manual_case(client, token: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    response = await client.post(
        "/api/v1/me/deposits/recover", json={"txid": WRONG_NETWORK}, headers=auth(token)
    )
    assert response.status_code == 200, response.text
    assert response.json()["outcome"] == "manual_case"
    return response.json()["case"]  # type: ignore[no-any-return]


async def _stored(maker, case_id: int) -> RecoveryCase:  # type: ignore[no-untyped-def]
    async with maker() as session:
        case = await session.get(RecoveryCase, case_id)
        assert case is not None
        return case


async def _audit_actions(maker, case_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    async with maker() as session:
        rows = await session.execute(
            select(AuditEvent.action)
            .where(AuditEvent.entity == "recovery_case", AuditEvent.entity_id == case_id)
            .order_by(AuditEvent.id)
        )
        return list(rows.scalars())


def _steps(html: str) -> dict[str, str]:
    """The progress line as {step: state}."""
    return dict(re.findall(r'data-step="(\w+)" data-state="(\w+)"', html))


def _form(case: dict[str, Any], **answers: str) -> dict[str, str]:
    return {f"answers.{code}": text for code, text in answers.items()}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/app/recoveries"),
        ("get", "/app/recoveries/1"),
        ("post", "/app/recoveries/1/intake"),
        ("post", "/app/recoveries/1/fee"),
    ],
)
async def test_recovery_pages_need_a_session(client, method, path):
    response = await getattr(client, method)(path)
    assert response.status_code == 303
    assert response.headers["location"] == "/app/signed-out"


async def test_no_cases_yet(client, customer_token, sandbox):
    await _signed_in(client, customer_token)
    page = await client.get("/app/recoveries")
    assert page.status_code == 200
    assert 'data-testid="recoveries-none"' in page.text
    assert 'href="/app/recoveries" aria-current="page"' in page.text  # in the customer nav
    assert 'data-testid="nav-recoveries"' in (await client.get("/app/tickets")).text


async def test_a_new_case_waits_for_the_answers(client, customer_token, sandbox, maker):
    token = await _signed_in(client, customer_token)
    case = await _manual_case(client, token)
    cid = case["id"]

    listing = await client.get("/app/recoveries")
    assert f'href="/app/recoveries/{cid}"' in listing.text
    assert f"Recovery #{cid}" in listing.text and "200 USDT" in listing.text
    assert "Waiting for your answers" in listing.text
    assert 'data-testid="recovery-action-needed"' in listing.text

    page = await client.get(f"/app/recoveries/{cid}")
    assert page.status_code == 200
    text = page.text
    assert "You sent 200 USDT on the BSC network, but your deposit address is on ETH." in text
    assert "Your funds are not lost" in text
    short = f"{WRONG_NETWORK[:8]}…{WRONG_NETWORK[-6:]}"
    assert f'data-testid="recovery-txid">{short}<' in text and WRONG_NETWORK not in text
    assert _steps(text) == {
        "intake": "current",
        "verification": "todo",
        "fee": "todo",
        "approval": "todo",
        "outcome": "todo",
    }
    fee, credit = case["fee"], case["credit_amount"]
    assert f"{fee} USDT" in text and f"{credit} USDT" in text
    assert 'data-testid="recovery-eta"' in text  # the expected time, from the case's ticket
    assert 'data-todo="answer"' in text and 'data-testid="intake-form"' in text
    for question in case["intake_questions"]:
        assert f'name="answers.{question["code"]}"' in text
        assert question["prompt"].replace("'", "&#39;") in text
    assert f'href="/app/tickets/{case["ticket_id"]}"' in text


async def test_bad_intake_answers_are_shown_inline_and_change_nothing(
    client, customer_token, sandbox, maker
):
    token = await _signed_in(client, customer_token)
    case = await _manual_case(client, token)
    cid = case["id"]
    url = f"/app/recoveries/{cid}/intake"

    # Nothing answered: both questions say so; the case stays where it was.
    response = await client.post(url, data={})
    assert response.status_code == 422
    assert "Please check your answers below." in response.text
    assert response.text.count("Please answer this question.") == 2
    assert 'data-testid="intake-form"' in response.text

    # One answered, one blank: only the blank one is marked; the typed answer is kept.
    response = await client.post(
        url, data=_form(case, source_wallet_ownership="screenshot-1.png", source_platform="  ")
    )
    assert response.status_code == 422
    assert 'data-testid="intake-error-source_platform"' in response.text
    assert 'data-testid="intake-error-source_wallet_ownership"' not in response.text
    assert ">screenshot-1.png</textarea>" in response.text
    assert 'aria-invalid="true" aria-describedby="q-source_platform-error"' in response.text

    # Too long, and a question this case does not ask (an out-of-date or forged form).
    response = await client.post(
        url, data=_form(case, source_wallet_ownership="x" * 4001, source_platform="OKX")
    )
    assert response.status_code == 422
    assert "Please keep this answer under 4000 characters." in response.text
    response = await client.post(
        url, data=_form(case, source_wallet_ownership="a", source_platform="b", seed="c")
    )
    assert response.status_code == 422
    assert "This form is out of date. Reload the page and answer again." in response.text

    stored = await _stored(maker, cid)
    assert (stored.status, stored.intake_answers) == ("intake_pending", {})
    assert await _audit_actions(maker, cid) == ["opened"]
    # The API says which question is at fault too.
    api = await client.post(
        f"/api/v1/me/recoveries/{cid}/intake",
        json={"answers": {"source_wallet_ownership": "y"}},
        headers=auth(token),
    )
    assert api.status_code == 422 and api.json()["problems"] == {"source_platform": "missing"}


async def test_answers_move_the_case_to_verification_then_the_fee_then_credit(
    client, customer_token, sandbox, maker, staff
):
    token = await _signed_in(client, customer_token)
    case = await _manual_case(client, token)
    cid = case["id"]

    response = await client.post(
        f"/app/recoveries/{cid}/intake",
        data=_form(case, source_wallet_ownership="screenshot-77.png", source_platform="OKX"),
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/app/recoveries/{cid}?sent=1"
    page = await client.get(response.headers["location"])
    assert "Thank you: we received your answers." in page.text
    assert _steps(page.text)["intake"] == "done"
    assert _steps(page.text)["verification"] == "current"
    assert "We are verifying the transfer" in page.text
    assert 'data-testid="intake-form"' not in page.text and 'data-todo="wait"' in page.text
    assert (
        'data-testid="recovery-answers"' in page.text and "<dd>screenshot-77.png</dd>" in page.text
    )
    stored = await _stored(maker, cid)
    assert stored.status == "verifying"
    assert stored.intake_answers == {
        "source_wallet_ownership": "screenshot-77.png",
        "source_platform": "OKX",
    }
    # The same form sent again (another tab): a clear 409, nothing changes.
    again = await client.post(
        f"/app/recoveries/{cid}/intake",
        data=_form(case, source_wallet_ownership="other", source_platform="other"),
    )
    assert again.status_code == 409
    assert "This step is already done" in again.text
    assert (await _stored(maker, cid)).intake_answers["source_platform"] == "OKX"

    # The desk verifies the wallet: the customer now decides on the fee.
    r = await client.post(
        f"{DESK}/{cid}/verify",
        json={"evidence": "withdrawal record screenshot-77.png matches"},
        headers=staff["agent"],
    )
    assert r.status_code == 200, r.text
    page = await client.get(f"/app/recoveries/{cid}")
    assert _steps(page.text)["fee"] == "current" and 'data-todo="accept_fee"' in page.text
    assert f"Accept the fee of {case['fee']} USDT to continue" in page.text
    listing = await client.get("/app/recoveries")
    assert "Waiting for your decision on the fee" in listing.text

    bad = await client.post(f"/app/recoveries/{cid}/fee", data={"decision": "maybe"})
    assert bad.status_code == 422 and "Choose whether you accept the fee." in bad.text
    assert (await _stored(maker, cid)).fee_accepted_at is None

    response = await client.post(f"/app/recoveries/{cid}/fee", data={"decision": "accept"})
    assert response.status_code == 303
    page = await client.get(f"/app/recoveries/{cid}")
    assert _steps(page.text)["fee"] == "done" and _steps(page.text)["approval"] == "current"
    assert "Waiting for approval" in page.text
    assert (await _stored(maker, cid)).fee_accepted_at is not None

    for step, who in (("prepare", "lead"), ("approve", "lead2"), ("execute", "agent")):
        r = await client.post(f"{DESK}/{cid}/{step}", headers=staff[who])
        assert r.status_code == 200, r.text
    page = await client.get(f"/app/recoveries/{cid}")
    assert set(_steps(page.text).values()) == {"done"}
    assert f"Nothing: {case['credit_amount']} USDT has been credited to your balance." in (
        page.text
    )
    assert 'data-testid="recovery-eta"' not in page.text


async def test_declining_the_fee_closes_the_case(client, customer_token, sandbox, maker, staff):
    token = await _signed_in(client, customer_token, lang="de")
    case = await _manual_case(client, token)
    cid = case["id"]
    await client.post(
        f"/app/recoveries/{cid}/intake",
        data=_form(case, source_wallet_ownership="signierte Nachricht", source_platform="Kraken"),
    )
    await client.post(
        f"{DESK}/{cid}/verify", json={"evidence": "signed message ok"}, headers=staff["agent"]
    )
    response = await client.post(f"/app/recoveries/{cid}/fee", data={"decision": "decline"})
    assert response.status_code == 303
    page = await client.get(f"/app/recoveries/{cid}")
    assert (await _stored(maker, cid)).status == "rejected"
    steps = _steps(page.text)
    assert steps["intake"] == steps["verification"] == "done"
    assert steps["fee"] == "todo" and steps["outcome"] == "failed"
    assert "Wir konnten diese Einzahlung nicht wiederherstellen." in page.text
    assert "Nicht wiederhergestellt" in page.text


async def test_someone_elses_case_is_404_and_unchanged(client, customer_token, sandbox, maker):
    owner = await _signed_in(client, customer_token)
    case = await _manual_case(client, owner)
    cid = case["id"]
    await _signed_in(client, customer_token, user="r-other")
    assert (await client.get(f"/app/recoveries/{cid}")).status_code == 404
    response = await client.post(
        f"/app/recoveries/{cid}/intake",
        data=_form(case, source_wallet_ownership="mine", source_platform="x"),
    )
    assert response.status_code == 404
    assert (
        await client.post(f"/app/recoveries/{cid}/fee", data={"decision": "accept"})
    ).status_code == 404
    assert (await client.get("/app/recoveries/999999")).status_code == 404
    assert f"/app/recoveries/{cid}" not in (await client.get("/app/recoveries")).text
    assert (await _stored(maker, cid)).status == "intake_pending"


async def test_the_recovery_ticket_links_to_its_case(client, customer_token, sandbox, maker):
    token = await _signed_in(client, customer_token)
    case = await _manual_case(client, token)
    page = await client.get(f"/app/tickets/{case['ticket_id']}")
    assert "This ticket follows your deposit recovery." in page.text
    assert f'href="/app/recoveries/{case["id"]}"' in page.text
    assert f"Open recovery case #{case['id']}" in page.text
    # A ticket that is no recovery's has no such link.
    other = await client.post("/app/tickets", data={"subject": "Login", "body": "I cannot sign in"})
    page = await client.get(other.headers["location"])
    assert page.status_code == 200 and 'data-testid="ticket-recovery"' not in page.text


async def test_arabic_case_page_is_right_to_left_and_translated(client, customer_token, sandbox):
    token = await _signed_in(client, customer_token, lang="ar")
    case = await _manual_case(client, token)
    page = await client.get(f"/app/recoveries/{case['id']}")
    assert '<html lang="ar" dir="rtl">' in page.text
    assert "ما عليك فعله الآن" in page.text  # "What you need to do now"
    assert "What you need to do now" not in page.text
    assert '<bdi dir="ltr">200 USDT</bdi>' in page.text


# -- from the chat -------------------------------------------------------------------------------


async def test_the_chat_links_to_the_case_it_opened(client, customer_token, maker, clock):
    from trustdesk.assistant import service

    service.get_classifier()
    async with maker() as session:
        await load_demo_sandbox(session, clock.now)
        await commit(session)
    await _signed_in(client, customer_token, user="u-1006")
    txid = "0x" + f"{1006 * 100 + 1:064x}"  # 200 USDT sent on BSC to an ERC20 address
    await client.post("/app/chat/messages", data={"message": f"my USDT deposit is missing {txid}"})
    chat = await client.get("/app/chat")
    assert 'data-testid="flow-start_recovery"' in chat.text
    response = await client.post("/app/chat/actions", data={"action": "start_recovery"})
    assert response.status_code == 303
    async with maker() as session:
        case = (await session.execute(select(RecoveryCase))).scalar_one()
    chat = await client.get("/app/chat")
    assert f'href="/app/recoveries/{case.id}" data-testid="chat-recovery-link"' in chat.text
    assert f"Open recovery case #{case.id}" in chat.text
    page = await client.get(f"/app/recoveries/{case.id}")
    assert page.status_code == 200 and 'data-testid="intake-form"' in page.text

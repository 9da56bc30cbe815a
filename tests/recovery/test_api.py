"""Deposit recovery through the HTTP API, on the recovery sandbox, with the clock controlled."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.conftest import auth
from tests.recovery.conftest import MISSING_MEMO, WRONG_NETWORK, txid
from trustdesk.exchange.chains import default_registry
from trustdesk.exchange.recovery_rules import manual_recovery_fee
from trustdesk.models import AuditEvent, Ticket
from trustdesk.models.exchange import SandboxBalance, SandboxDeposit
from trustdesk.models.recovery import RecoveryCase

RECOVER = "/api/v1/me/deposits/recover"
MINE = "/api/v1/me/recoveries"
DESK = "/api/v1/recoveries"

pytestmark = pytest.mark.usefixtures("sandbox")


async def _balance(maker, user: str, asset: str) -> Decimal | int:  # type: ignore[no-untyped-def]
    async with maker() as session:
        row = (
            await session.execute(
                select(SandboxBalance).where(
                    SandboxBalance.user_id == user, SandboxBalance.asset == asset
                )
            )
        ).scalar_one_or_none()
        # SQLite keeps Numeric as a float: compare at the token's precision, not 18 digits.
        return Decimal(row.available).quantize(Decimal("0.00000001")).normalize() if row else 0


async def _count(maker, model: Any) -> int:  # type: ignore[no-untyped-def]
    async with maker() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def _recover(client, token: str, **body: Any) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    response = await client.post(RECOVER, json=body, headers=auth(token))
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def _public_messages(client, token: str, ticket_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    response = await client.get(f"/api/v1/me/tickets/{ticket_id}", headers=auth(token))
    assert response.status_code == 200, response.text
    return [m["body"] for m in response.json()["messages"] if m["author_type"] == "system"]


# -- automatic recovery ------------------------------------------------------------------------


async def test_missing_memo_is_credited_once_and_a_retry_gets_the_same_case(
    client, maker, customer_token
):
    token = customer_token("r-memo")
    first = await _recover(client, token, txid=MISSING_MEMO)
    assert first["outcome"] == "credited"
    assert first["diagnosis"]["verdict"] == "missing_memo"
    case = first["case"]
    assert (case["kind"], case["status"], case["rule"]) == ("auto", "executed", "auto_missing_memo")
    assert (case["asset"], case["network"], case["amount"], case["fee"]) == (
        "XRP",
        "XRP",
        "20",
        "0",
    )
    assert case["credited_amount"] == "20" and case["ticket_id"] is None
    assert case["facts"]["txid"] == MISSING_MEMO
    assert await _balance(maker, "r-memo", "XRP") == 30 + 20

    again = await _recover(client, token, txid=MISSING_MEMO.upper())
    assert again["outcome"] == "credited" and again["case"]["id"] == case["id"]
    keyed = await client.post(
        RECOVER, json={"txid": MISSING_MEMO}, headers={**auth(token), "Idempotency-Key": "k1"}
    )
    replay = await client.post(
        RECOVER, json={"txid": MISSING_MEMO}, headers={**auth(token), "Idempotency-Key": "k1"}
    )
    assert keyed.json()["case"]["id"] == replay.json()["case"]["id"] == case["id"]
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert await _balance(maker, "r-memo", "XRP") == 50  # credited once
    assert await _count(maker, RecoveryCase) == 1
    async with maker() as session:
        credits = (
            (
                await session.execute(
                    select(SandboxDeposit).where(SandboxDeposit.reference.is_not(None))
                )
            )
            .scalars()
            .all()
        )
        assert len(credits) == 1 and credits[0].reference.startswith("rcv-")
        events = (
            (await session.execute(select(AuditEvent).where(AuditEvent.entity == "recovery_case")))
            .scalars()
            .all()
        )
        assert [e.action for e in events] == ["auto_recovered"]
        assert events[0].actor_type == "system"


async def _diagnosis(client, token: str, txid_: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    response = await client.get(
        "/api/v1/me/deposits/diagnosis", params={"txid": txid_}, headers=auth(token)
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def test_a_recovered_deposit_is_diagnosed_as_credited_afterwards(
    client, maker, customer_token
):
    token = customer_token("r-memo")
    assert (await _diagnosis(client, token, MISSING_MEMO))["verdict"] == "missing_memo"
    case = (await _recover(client, token, txid=MISSING_MEMO))["case"]
    # The credit is recorded under the recovered transaction: "where is it?" says credited.
    after = await _diagnosis(client, token, MISSING_MEMO)
    assert after["verdict"] == "credited" and after["deposit_id"].startswith("recovery-rcv-")
    assert (after["facts"]["amount"], after["facts"]["asset"]) == ("20", "XRP")
    again = await _recover(client, token, txid=MISSING_MEMO)
    assert again["outcome"] == "credited" and again["case"]["id"] == case["id"]
    assert await _balance(maker, "r-memo", "XRP") == 50


async def test_agent_sees_the_automatic_recovery_with_its_facts(client, customer_token, staff):
    await _recover(client, customer_token("r-memo"), txid=MISSING_MEMO)
    listed = (await client.get(DESK, params={"kind": "auto"}, headers=staff["agent"])).json()
    (item,) = listed["items"]
    assert item["actor"] == "system" and item["reference"].startswith("rcv-")
    assert item["reason"].startswith("memo missing")
    assert item["covered"] == [f"tx:XRP:{MISSING_MEMO}"]


async def test_below_minimum_total_is_credited_once(client, maker, customer_token):
    token = customer_token("r-below")
    first = await _recover(client, token)  # no txid: the latest open deposit is examined
    assert first["diagnosis"]["verdict"] == "below_minimum"
    assert first["outcome"] == "credited"
    case = first["case"]
    assert case["rule"] == "auto_below_minimum_total"
    assert (case["asset"], case["network"], case["amount"]) == ("USDT", "TRX", "1.1")
    assert await _balance(maker, "r-below", "USDT") == Decimal("6.1")
    # The other deposit of the same total, asked about by its own txid: already recovered.
    other = await _recover(client, token, txid=txid(0x201))
    assert other["outcome"] == "credited" and other["case"]["id"] == case["id"]
    assert await _balance(maker, "r-below", "USDT") == Decimal("6.1")


async def test_below_minimum_not_reached_is_not_recovered(client, maker, customer_token):
    body = await _recover(client, customer_token("r-short"), txid=txid(0x301))
    assert body["outcome"] == "not_applicable" and body["case"] is None
    assert body["diagnosis"]["next_step"] == "top_up_to_minimum"
    assert "reaches the minimum" in body["reason"]
    assert await _count(maker, RecoveryCase) == 0


async def test_nothing_to_recover_for_a_credited_deposit(client, maker, customer_token):
    body = await _recover(client, customer_token("r-memo"), txid=txid(0x101))
    assert body["outcome"] == "not_applicable" and body["diagnosis"]["verdict"] == "credited"
    assert await _count(maker, RecoveryCase) == 0


# -- manual recovery ---------------------------------------------------------------------------


async def _open_manual(client, token: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    body = await _recover(client, token, txid=WRONG_NETWORK)
    assert body["outcome"] == "manual_case", body
    return body["case"]  # type: ignore[no-any-return]


async def test_wrong_network_opens_a_manual_case_asking_only_what_cannot_be_looked_up(
    client, maker, customer_token
):
    token = customer_token("r-memo", lang="es")
    case = await _open_manual(client, token)
    assert case["status"] == "intake_pending" and case["kind"] == "manual"
    codes = [q["code"] for q in case["intake_questions"]]
    assert codes == ["source_wallet_ownership", "source_platform"]  # never the txid: known
    assert case["intake_questions"][1]["prompt"].startswith("¿Se envió desde otro exchange")
    expected_fee = manual_recovery_fee(default_registry(), "USDT", "BSC", Decimal(200))
    assert Decimal(case["fee"]) == expected_fee > 0
    assert Decimal(case["credit_amount"]) == 200 - expected_fee
    assert (case["asset"], case["network"], case["txid"]) == ("USDT", "BSC", WRONG_NETWORK)
    # The same request again does not open a second case.
    again = await _recover(client, token, txid=WRONG_NETWORK)
    assert again["case"]["id"] == case["id"]
    async with maker() as session:
        ticket = await session.get(Ticket, case["ticket_id"])
        assert ticket is not None
        assert (ticket.intent, ticket.tags, ticket.channel, ticket.tier) == (
            "deposit_recovery",
            ["recovery"],
            "web",
            "tier2",
        )
        assert ticket.language == "es"
    messages = await _public_messages(client, token, case["ticket_id"])
    assert messages == [
        f"Abrimos el caso de recuperación #{case['id']} para tu depósito de 200 USDT. Tus fondos "
        "están seguros. Responde las preguntas del caso para que podamos verificar la "
        "transferencia."
    ]


async def test_an_auto_eligible_deposit_can_be_sent_to_a_person(client, maker, customer_token):
    body = await _recover(client, customer_token("r-memo"), txid=MISSING_MEMO, manual=True)
    assert body["outcome"] == "manual_case"
    assert body["case"]["fee"] == "5"  # XRP's flat recovery fee
    assert await _balance(maker, "r-memo", "XRP") == 30


async def test_manual_case_end_to_end_with_four_eyes(client, maker, customer_token, staff):
    token = customer_token("r-memo", lang="de")
    case = await _open_manual(client, token)
    cid = case["id"]

    bad = await client.post(
        f"{MINE}/{cid}/intake",
        json={"answers": {"source_platform": "Binance"}},
        headers=auth(token),
    )
    assert bad.status_code == 422 and "source_wallet_ownership" in bad.json()["detail"]
    bad = await client.post(
        f"{MINE}/{cid}/intake",
        json={"answers": {"source_platform": "x", "source_wallet_ownership": "y", "seed": "z"}},
        headers=auth(token),
    )
    assert bad.status_code == 422 and "seed" in bad.json()["detail"]
    answers = {"source_wallet_ownership": "screenshot-77.png", "source_platform": "OKX"}
    r = await client.post(f"{MINE}/{cid}/intake", json={"answers": answers}, headers=auth(token))
    assert r.status_code == 200 and r.json()["status"] == "verifying"
    again = await client.post(
        f"{MINE}/{cid}/intake", json={"answers": answers}, headers=auth(token)
    )
    assert again.status_code == 409

    early = await client.post(f"{DESK}/{cid}/prepare", headers=staff["lead"])
    assert early.status_code == 409
    r = await client.post(
        f"{DESK}/{cid}/verify",
        json={"evidence": "withdrawal record screenshot-77.png matches the BSC transfer"},
        headers=staff["agent"],
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "awaiting_fee_acceptance"
    assert r.json()["verified_by_agent_id"] == staff["agent_id"]

    not_yet = await client.post(f"{DESK}/{cid}/prepare", headers=staff["lead"])
    assert not_yet.status_code == 409 and "not accepted the fee" in not_yet.json()["detail"]
    r = await client.post(f"{MINE}/{cid}/accept-fee", headers=auth(token))
    assert r.status_code == 200 and r.json()["fee_accepted"] is True

    r = await client.post(f"{DESK}/{cid}/prepare", json={"note": "ok"}, headers=staff["lead"])
    assert r.status_code == 200 and r.json()["status"] == "prepared"
    same = await client.post(f"{DESK}/{cid}/approve", headers=staff["lead"])
    assert same.status_code == 409
    assert same.json()["error"] == "FourEyesViolation"
    assert "another lead" in same.json()["detail"]
    plain = await client.post(f"{DESK}/{cid}/approve", headers=staff["agent"])
    assert plain.status_code == 403
    too_soon = await client.post(f"{DESK}/{cid}/execute", headers=staff["agent"])
    assert too_soon.status_code == 409
    r = await client.post(f"{DESK}/{cid}/approve", headers=staff["lead2"])
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert r.json()["approved_by_agent_id"] == staff["lead2_id"]

    before = await _balance(maker, "r-memo", "USDT")
    r = await client.post(f"{DESK}/{cid}/execute", headers=staff["agent"])
    assert r.status_code == 200, r.text
    done = r.json()
    fee = Decimal(case["fee"])
    assert done["status"] == "executed"
    assert Decimal(done["credited_amount"]) == 200 - fee
    assert done["reference"] == f"rcv-case-{cid}"
    assert await _balance(maker, "r-memo", "USDT") == before + 200 - fee
    twice = await client.post(f"{DESK}/{cid}/execute", headers=staff["agent"])
    assert twice.status_code == 409
    assert await _balance(maker, "r-memo", "USDT") == before + 200 - fee

    after = await _diagnosis(client, token, WRONG_NETWORK)
    assert after["verdict"] == "credited" and after["deposit_id"] == f"recovery-rcv-case-{cid}"

    messages = await _public_messages(client, token, case["ticket_id"])
    assert len(messages) == 6  # opened, verifying, fee, prepared, approved, executed
    assert messages[2].startswith("Prüfung abgeschlossen") and f"{fee} USDT" in messages[2]
    assert messages[-1] == f"Erledigt: {200 - fee} USDT wurden Ihrem Konto gutgeschrieben."
    mine = (await client.get(f"{MINE}/{cid}", headers=auth(token))).json()
    assert mine["status"] == "executed" and "verification_note" not in mine
    ticket = await client.get(f"/api/v1/me/tickets/{case['ticket_id']}", headers=auth(token))
    assert ticket.json()["status"] == "resolved"
    async with maker() as session:
        actions = (
            (
                await session.execute(
                    select(AuditEvent.action)
                    .where(AuditEvent.entity == "recovery_case", AuditEvent.entity_id == cid)
                    .order_by(AuditEvent.id)
                )
            )
            .scalars()
            .all()
        )
    assert actions == [
        "opened",
        "intake_submitted",
        "ownership_verified",
        "fee_accepted",
        "prepared",
        "approved",
        "executed",
    ]


async def _to_verifying(client, token: str, cid: int) -> None:  # type: ignore[no-untyped-def]
    answers = {"source_wallet_ownership": "signed message", "source_platform": "own wallet"}
    r = await client.post(f"{MINE}/{cid}/intake", json={"answers": answers}, headers=auth(token))
    assert r.status_code == 200, r.text


async def test_rejection_reaches_the_customer_in_their_language(client, customer_token, staff):
    token = customer_token("r-memo", lang="ja")
    case = await _open_manual(client, token)
    await _to_verifying(client, token, case["id"])
    r = await client.post(
        f"{DESK}/{case['id']}/reject",
        json={"reason": "the signed message does not match the sending address"},
        headers=staff["agent"],
    )
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    mine = (await client.get(f"{MINE}/{case['id']}", headers=auth(token))).json()
    assert mine["rejection_reason"].startswith("the signed message")
    messages = await _public_messages(client, token, case["ticket_id"])
    assert messages[-1] == (
        "この入金は復旧できませんでした：the signed message does not match the sending address"
    )
    for path in ("verify", "prepare", "approve", "execute", "reject"):
        body = {"evidence": "again"} if path == "verify" else {"reason": "again"}
        if path in ("prepare", "approve", "execute"):
            body = {}
        late = await client.post(f"{DESK}/{case['id']}/{path}", json=body, headers=staff["lead"])
        assert late.status_code in (409, 403), (path, late.text)
        assert late.status_code == 409 or path == "approve"
    # After a rejection, asking again opens a fresh case.
    fresh = await _open_manual(client, token)
    assert fresh["id"] != case["id"]


async def test_customer_can_decline_the_fee(client, customer_token, staff):
    token = customer_token("r-memo")
    case = await _open_manual(client, token)
    await _to_verifying(client, token, case["id"])
    await client.post(
        f"{DESK}/{case['id']}/verify",
        json={"evidence": "signed message ok"},
        headers=staff["agent"],
    )
    r = await client.post(
        f"{MINE}/{case['id']}/accept-fee", json={"accept": False}, headers=auth(token)
    )
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    assert r.json()["rejection_reason"] == "you declined the recovery fee"


# -- reversal ----------------------------------------------------------------------------------


async def test_admin_reverses_an_automatic_recovery(client, maker, customer_token, staff):
    token = customer_token("r-memo")
    case = (await _recover(client, token, txid=MISSING_MEMO))["case"]
    assert await _balance(maker, "r-memo", "XRP") == 50
    url = f"{DESK}/{case['id']}/reverse"
    assert (await client.post(url, json={"reason": "memo belonged elsewhere"})).status_code == 401
    lead = await client.post(url, json={"reason": "memo belonged elsewhere"}, headers=staff["lead"])
    assert lead.status_code == 403
    empty = await client.post(url, json={"reason": ""}, headers=staff["admin"])
    assert empty.status_code == 422
    r = await client.post(url, json={"reason": "memo belonged elsewhere"}, headers=staff["admin"])
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "reversed" and body["reversal_mode"] == "sandbox_adjustment"
    assert body["reversed_by_agent_id"] == staff["admin_id"]
    assert await _balance(maker, "r-memo", "XRP") == 30
    assert (
        await client.post(url, json={"reason": "again"}, headers=staff["admin"])
    ).status_code == 409
    # The reversed credit no longer stands for the transaction, which reads as before.
    assert (await _diagnosis(client, token, MISSING_MEMO))["verdict"] == "missing_memo"
    # Asking again does not credit a reversed recovery a second time.
    retry = await _recover(client, token, txid=MISSING_MEMO)
    assert retry["outcome"] == "not_applicable" and retry["case"]["id"] == case["id"]
    assert await _balance(maker, "r-memo", "XRP") == 30
    async with maker() as session:
        event = (
            await session.execute(
                select(AuditEvent).where(
                    AuditEvent.entity == "recovery_case", AuditEvent.action == "reversed"
                )
            )
        ).scalar_one()
        assert event.actor_type == "agent" and event.actor_id == staff["admin_id"]
        assert event.after["reason"] == "memo belonged elsewhere"


async def test_reversal_of_a_manual_recovery_is_told_on_the_ticket(
    client, maker, customer_token, staff
):
    token = customer_token("r-memo", lang="ar")
    case = await _open_manual(client, token)
    cid = case["id"]
    await _to_verifying(client, token, cid)
    await client.post(f"{DESK}/{cid}/verify", json={"evidence": "signed"}, headers=staff["agent"])
    await client.post(f"{MINE}/{cid}/accept-fee", headers=auth(token))
    await client.post(f"{DESK}/{cid}/prepare", headers=staff["agent"])
    await client.post(f"{DESK}/{cid}/approve", headers=staff["lead"])
    assert (await client.post(f"{DESK}/{cid}/execute", headers=staff["lead"])).status_code == 200
    r = await client.post(
        f"{DESK}/{cid}/reverse", json={"reason": "duplicate"}, headers=staff["admin"]
    )
    assert r.status_code == 200 and r.json()["status"] == "reversed"
    assert await _balance(maker, "r-memo", "USDT") == 0
    messages = await _public_messages(client, token, case["ticket_id"])
    assert messages[-1].startswith("تم إلغاء قيد هذا الاسترداد: duplicate")


# -- reads, authorisation, bad input -----------------------------------------------------------


async def test_lists_are_scoped_and_filtered(client, customer_token, staff):
    memo = customer_token("r-memo")
    await _recover(client, memo, txid=MISSING_MEMO)
    manual = await _open_manual(client, memo)
    await _recover(client, customer_token("r-below"))
    mine = (await client.get(MINE, headers=auth(memo))).json()
    assert [c["kind"] for c in mine["items"]] == ["manual", "auto"]
    other = (await client.get(MINE, headers=auth(customer_token("r-other")))).json()
    assert other == {"items": [], "next_cursor": None}
    pending = (
        await client.get(DESK, params={"status": "intake_pending"}, headers=staff["agent"])
    ).json()
    assert [c["id"] for c in pending["items"]] == [manual["id"]]
    page = (await client.get(DESK, params={"limit": 2}, headers=staff["agent"])).json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    rest = (
        await client.get(
            DESK, params={"limit": 2, "cursor": page["next_cursor"]}, headers=staff["agent"]
        )
    ).json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    one = (await client.get(f"{DESK}/{manual['id']}", headers=staff["agent"])).json()
    assert one["customer_id"] and one["exchange_user_id"] == "r-memo"


async def test_anonymous_gets_401_everywhere(client, customer_token, staff):
    case = await _open_manual(client, customer_token("r-memo"))
    cid = case["id"]
    calls = [
        ("post", RECOVER, {}),
        ("get", MINE, None),
        ("get", f"{MINE}/{cid}", None),
        ("post", f"{MINE}/{cid}/intake", {"answers": {}}),
        ("post", f"{MINE}/{cid}/accept-fee", {}),
        ("get", DESK, None),
        ("get", f"{DESK}/{cid}", None),
        ("post", f"{DESK}/{cid}/verify", {"evidence": "xxxxx"}),
        ("post", f"{DESK}/{cid}/prepare", {}),
        ("post", f"{DESK}/{cid}/approve", {}),
        ("post", f"{DESK}/{cid}/execute", None),
        ("post", f"{DESK}/{cid}/reject", {"reason": "nope"}),
        ("post", f"{DESK}/{cid}/reverse", {"reason": "nope"}),
    ]
    for method, url, body in calls:
        kwargs = {"json": body} if body is not None else {}
        response = await getattr(client, method)(url, **kwargs)
        assert response.status_code == 401, (url, response.text)
    # The wrong kind of token is refused too: agents are not customers and vice versa.
    assert (await client.get(MINE, headers=staff["agent"])).status_code == 401
    assert (await client.get(DESK, headers=auth(customer_token("r-memo")))).status_code == 401


async def test_another_customers_case_is_not_found(client, customer_token, staff):
    case = await _open_manual(client, customer_token("r-memo"))
    cid = case["id"]
    other = auth(customer_token("r-other"))
    assert (await client.get(f"{MINE}/{cid}", headers=other)).status_code == 404
    answers = {"answers": {"source_wallet_ownership": "mine", "source_platform": "x"}}
    assert (
        await client.post(f"{MINE}/{cid}/intake", json=answers, headers=other)
    ).status_code == 404
    assert (await client.post(f"{MINE}/{cid}/accept-fee", headers=other)).status_code == 404
    assert (await client.get(f"{MINE}/999999", headers=other)).status_code == 404
    for path in ("", "/verify", "/prepare", "/approve", "/execute", "/reject"):
        method = client.get if path == "" else client.post
        body = {"evidence": "xxxxx"} if path == "/verify" else {"reason": "nope"}
        kwargs = {} if path in ("", "/execute", "/prepare", "/approve") else {"json": body}
        response = await method(f"{DESK}/999999{path}", headers=staff["lead"], **kwargs)
        assert response.status_code == 404, (path, response.text)
    unchanged = (await client.get(f"{MINE}/{cid}", headers=auth(customer_token("r-memo")))).json()
    assert unchanged["status"] == "intake_pending" and unchanged["intake_answers"] == {}


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"txid": "not-a-txid"}, "not a transaction id"),
        ({"asset": "NOPE"}, "unknown asset"),
        ({"network": "MOON"}, "unknown network"),
        ({"txid": "ab" * 200}, "txid"),
        ({"tx": MISSING_MEMO}, "tx"),
        ({"manual": "maybe"}, "manual"),
    ],
)
async def test_bad_recover_input_is_422_and_changes_nothing(
    client, maker, customer_token, body, fragment
):
    response = await client.post(RECOVER, json=body, headers=auth(customer_token("r-memo")))
    assert response.status_code == 422, response.text
    assert fragment in response.json()["detail"]
    assert await _count(maker, RecoveryCase) == 0
    assert await _balance(maker, "r-memo", "XRP") == 30


async def test_bad_agent_input_is_422(client, customer_token, staff):
    token = customer_token("r-memo")
    case = await _open_manual(client, token)
    cid = case["id"]
    await _to_verifying(client, token, cid)
    short = await client.post(
        f"{DESK}/{cid}/verify", json={"evidence": "ok"}, headers=staff["agent"]
    )
    assert short.status_code == 422
    big_fee = await client.post(
        f"{DESK}/{cid}/verify",
        json={"evidence": "signed msg", "fee": "500"},
        headers=staff["agent"],
    )
    assert big_fee.status_code == 422 and "cannot exceed" in big_fee.json()["detail"]
    assert (
        await client.get(DESK, params={"status": "lost"}, headers=staff["agent"])
    ).status_code == 422
    assert (
        await client.get(DESK, params={"cursor": "zzz"}, headers=staff["agent"])
    ).status_code == 422
    assert (
        await client.post(f"{DESK}/{cid}/reject", json={}, headers=staff["agent"])
    ).status_code == 422
    await client.post(
        f"{DESK}/{cid}/verify", json={"evidence": "signed msg"}, headers=staff["agent"]
    )
    await client.post(f"{MINE}/{cid}/accept-fee", headers=auth(token))
    unlisted = await client.post(
        f"{DESK}/{cid}/prepare", json={"asset": "SHIB", "network": "BSC"}, headers=staff["agent"]
    )
    assert unlisted.status_code == 422 and "not listed" in unlisted.json()["detail"]
    r = (await client.get(f"{DESK}/{cid}", headers=staff["agent"])).json()
    assert r["status"] == "awaiting_fee_acceptance" and r["prepared_by_agent_id"] is None


async def test_a_missing_memo_failing_the_rules_goes_to_a_person_without_naming_the_rule(
    client, maker, customer_token, staff
):
    body = await _recover(client, customer_token("r-stranger"), txid=txid(0x402))
    assert body["diagnosis"]["verdict"] == "missing_memo"
    assert body["outcome"] == "manual_case"
    assert body["reason"] == "our recovery team will review this deposit with you"
    case = body["case"]
    assert [q["code"] for q in case["intake_questions"]] == [
        "source_wallet_ownership",
        "source_platform",
    ]
    assert "reason" not in case
    desk = (await client.get(f"{DESK}/{case['id']}", headers=staff["agent"])).json()
    assert desk["reason"] == "source address not seen in the customer's history"
    async with maker() as session:
        credited = await session.execute(
            select(SandboxDeposit).where(SandboxDeposit.reference.is_not(None))
        )
        assert credited.scalars().all() == []  # nothing credited


async def test_secrets_pasted_into_the_intake_are_masked(client, customer_token, staff):
    token = customer_token("r-memo")
    case = await _open_manual(client, token)
    seed = "abandon ability able about above absent absorb abstract absurd abuse access accident"
    answers = {"source_wallet_ownership": f"my seed is {seed}", "source_platform": "own wallet"}
    r = await client.post(
        f"{MINE}/{case['id']}/intake", json={"answers": answers}, headers=auth(token)
    )
    assert r.status_code == 200
    stored = r.json()["intake_answers"]["source_wallet_ownership"]
    assert "abandon" not in stored and "[redacted: seed phrase]" in stored


async def test_the_case_ticket_is_resolved_when_the_case_ends(client, maker, customer_token, staff):
    token = customer_token("r-memo")
    case = await _open_manual(client, token)
    await _to_verifying(client, token, case["id"])
    r = await client.post(
        f"{DESK}/{case['id']}/reject", json={"reason": "not your wallet"}, headers=staff["agent"]
    )
    assert r.status_code == 200
    async with maker() as session:
        ticket = await session.get(Ticket, case["ticket_id"])
        assert ticket is not None and ticket.status == "resolved"


class _RemoteExchange:
    """Stands in for a real exchange: the sandbox behind something that is not the sandbox
    class, so the reversal cannot debit and must be left to the exchange's back office."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


async def test_reversal_on_a_real_exchange_is_recorded_for_its_back_office(
    app, client, maker, clock, customer_token, staff
):
    from trustdesk.exchange.chains import default_registry as registry
    from trustdesk.exchange.sandbox import SandboxConnector

    app.state.exchange_connector = _RemoteExchange(
        SandboxConnector(maker, registry(), lambda: clock.now)
    )
    try:
        case = (await _recover(client, customer_token("r-memo"), txid=MISSING_MEMO))["case"]
        assert case["credited_amount"] == "20"
        r = await client.post(
            f"{DESK}/{case['id']}/reverse", json={"reason": "fraud report"}, headers=staff["admin"]
        )
    finally:
        app.state.exchange_connector = None
    assert r.status_code == 200, r.text
    assert r.json()["reversal_mode"] == "exchange_must_execute"
    assert await _balance(maker, "r-memo", "XRP") == 50  # the exchange debits, not us

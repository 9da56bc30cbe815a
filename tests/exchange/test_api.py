"""Deposit/withdrawal diagnosis and the customer panel through the HTTP API, on the sandbox."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import auth
from tests.exchange.sandbox_helpers import load_fixture, tx
from tests.factories import login, make_agent
from trustdesk.models import Customer
from trustdesk.models.agent import AgentRole

DEPOSIT = "/api/v1/me/deposits/diagnosis"


@pytest.fixture
async def loaded(maker, clock):
    await load_fixture(maker, clock.now)


DEPOSIT_CASES = [
    (tx(1), "credited", "none"),
    (tx(2), "pending_confirmations", "wait"),
    (tx(3), "below_minimum", "top_up_to_minimum"),
    (tx(4), "missing_memo", "auto_recovery"),
    (tx(5, evm=True), "wrong_network", "request_recovery"),
    (tx(6, evm=True), "unsupported_token", "request_recovery"),
    (tx(7), "network_maintenance", "wait"),
    (tx(8, evm=True), "compliance_review", "wait"),
    (tx(9, evm=True), "not_found", "check_with_sender"),
    (tx(10), "not_broadcast", "check_with_sender"),
    (tx(11, evm=True), "processing", "contact_support"),
    (tx(0xDEAD), "not_broadcast", "check_with_sender"),
]


async def test_customer_gets_a_diagnosis_for_each_case(client, loaded, customer_token):
    # One test for all cases: every test resets and reloads the database.
    headers = auth(customer_token("t-alice"))
    for txid, verdict, next_step in DEPOSIT_CASES:
        response = await client.get(DEPOSIT, params={"txid": txid}, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert (txid, body["verdict"], body["next_step"]) == (txid, verdict, next_step)


async def test_pending_deposit_counts_confirmations_and_credits_over_time(
    client, loaded, customer_token, clock
):
    headers = auth(customer_token("t-alice"))
    first = (await client.get(DEPOSIT, params={"txid": tx(2)}, headers=headers)).json()
    assert first["facts"]["confirmations"] == 5
    assert first["facts"]["confirmations_required"] == 19
    assert first["facts"]["remaining"] == 14
    clock.advance(seconds=21)
    later = (await client.get(DEPOSIT, params={"txid": tx(2)}, headers=headers)).json()
    assert later["facts"]["confirmations"] == 12
    clock.advance(minutes=1)
    headers = auth(customer_token("t-alice"))
    done = (await client.get(DEPOSIT, params={"txid": tx(2)}, headers=headers)).json()
    assert done["verdict"] == "credited"


async def test_without_txid_the_latest_open_deposit_is_explained(client, loaded, customer_token):
    headers = auth(customer_token("t-alice"))
    body = (await client.get(DEPOSIT, headers=headers)).json()
    assert body["verdict"] == "pending_confirmations"
    assert body["deposit_id"] == "a-pending"
    bob = (await client.get(DEPOSIT, headers=auth(customer_token("t-bob")))).json()
    assert bob["verdict"] == "credited" and bob["next_step"] == "provide_txid_if_other"


@pytest.mark.parametrize("theirs", [tx(0xB1), tx(0xB2).upper()])
async def test_another_users_txid_answers_like_an_unknown_one(
    client, loaded, customer_token, theirs
):
    headers = auth(customer_token("t-alice"))
    unknown = await client.get(DEPOSIT, params={"txid": tx(0xDEAD)}, headers=headers)
    other = await client.get(DEPOSIT, params={"txid": theirs}, headers=headers)
    assert other.status_code == unknown.status_code == 200
    expected = unknown.json()
    expected["facts"]["txid"] = theirs
    assert other.json() == expected
    assert "300" not in other.text and "TFSsHX7" not in other.text and "555" not in other.text


BAD_INPUT = [
    ({"asset": "DOGE"}, "unknown asset 'DOGE'; supported: BTC, ETH, USDT"),
    ({"txid": "hello world"}, "is not a transaction id"),
    ({"txid": tx(1, evm=True), "network": "BTC"}, "is not a transaction id on BTC"),
    ({"network": "ERC-21"}, "unknown network 'ERC-21'"),
]


async def test_bad_input_is_a_clear_422(client, loaded, customer_token):
    headers = auth(customer_token("t-alice"))
    for params, fragment in BAD_INPUT:
        response = await client.get(DEPOSIT, params=params, headers=headers)
        assert response.status_code == 422, params
        assert fragment in response.json()["detail"]


async def test_customer_without_exchange_account_gets_404(client, loaded, customer_token):
    response = await client.get(DEPOSIT, headers=auth(customer_token("t-nobody")))
    assert response.status_code == 404


WITHDRAWAL_CASES = [
    ("c-processing", "processing", "wait"),
    ("c-broadcast", "awaiting_confirmations", "wait"),
    ("c-held", "held_by_risk_control", "complete_verification"),
    ("c-rejected", "rejected", "contact_support"),
    ("c-completed", "completed", "none"),
]


async def test_withdrawal_diagnosis(client, loaded, customer_token):
    headers = auth(customer_token("t-carol"))
    for withdrawal, verdict, next_step in WITHDRAWAL_CASES:
        path = f"/api/v1/me/withdrawals/{withdrawal}/diagnosis"
        response = await client.get(path, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert (withdrawal, body["verdict"], body["next_step"]) == (withdrawal, verdict, next_step)
        # Internal codes never reach the customer.
        assert "aml" not in response.text and "kyc_review" not in response.text


async def test_someone_elses_withdrawal_is_404(client, loaded, customer_token):
    path = "/api/v1/me/withdrawals/c-held/diagnosis"
    assert (await client.get(path, headers=auth(customer_token("t-alice")))).status_code == 404
    missing = "/api/v1/me/withdrawals/nope/diagnosis"
    assert (await client.get(missing, headers=auth(customer_token("t-carol")))).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        DEPOSIT,
        "/api/v1/me/withdrawals/c-held/diagnosis",
        "/api/v1/customers/1/exchange",
        "/api/v1/customers/1/deposits/diagnosis",
    ],
)
async def test_anonymous_requests_get_401(client, path):
    assert (await client.get(path)).status_code == 401


async def test_agent_sees_the_customer_panel(client, loaded, maker, clock, customer_token):
    # The customer exists in TrustDesk once they have used a token.
    await client.get(DEPOSIT, headers=auth(customer_token("t-alice")))
    await make_agent(maker, "agent@x.io", now=clock.now)
    headers = await login(client, "agent@x.io")
    async with maker() as session:
        customer_id = (
            await session.execute(select(Customer.id).where(Customer.external_id == "t-alice"))
        ).scalar_one()
    panel = await client.get(f"/api/v1/customers/{customer_id}/exchange", headers=headers)
    assert panel.status_code == 200, panel.text
    body = panel.json()
    assert body["profile"]["user_id"] == "t-alice"
    assert body["balances"][0]["asset"] == "USDT"
    verdicts = {d["id"]: d["diagnosis"]["verdict"] for d in body["deposits"]}
    assert verdicts["a-credited"] == "credited"
    assert verdicts["a-compliance"] == "compliance_review"
    assert verdicts["a-maintenance"] == "network_maintenance"
    assert [e["kind"] for e in body["security_events"]] == ["2fa_change", "login"]
    diagnosis = await client.get(
        f"/api/v1/customers/{customer_id}/deposits/diagnosis",
        params={"txid": tx(5, evm=True)},
        headers=headers,
    )
    assert diagnosis.json()["verdict"] == "wrong_network"
    missing = await client.get("/api/v1/customers/999/exchange", headers=headers)
    assert missing.status_code == 404
    # A customer token is not an agent.
    denied = await client.get(
        f"/api/v1/customers/{customer_id}/exchange", headers=auth(customer_token("t-alice"))
    )
    assert denied.status_code == 401


async def test_admin_loads_the_sandbox_over_the_api(client, maker, clock, customer_token):
    await make_agent(maker, "admin@x.io", now=clock.now, role=AgentRole.admin)
    await make_agent(maker, "agent@x.io", now=clock.now)
    document = {
        "users": [
            {
                "id": "t-dave",
                "deposit_addresses": [
                    {"asset": "BTC", "network": "BTC",
                     "address": "bc1q8jumv26lfzeuaqa6pc6stvprfqe686ck9r5a34"}
                ],
                "deposits": [
                    {"id": "dv-1", "asset": "BTC", "network": "bitcoin", "amount": "0.01",
                     "txid": tx(0xD1), "confirmations": 0, "detected_ago": "2m"}
                ],
            }
        ]
    }  # fmt: skip
    agent = await login(client, "agent@x.io")
    assert (
        await client.post("/api/v1/sandbox/load", json=document, headers=agent)
    ).status_code == 403
    admin = await login(client, "admin@x.io")
    response = await client.post("/api/v1/sandbox/load", json=document, headers=admin)
    assert response.status_code == 200, response.text
    assert response.json()["users"] == 1
    body = (await client.get(DEPOSIT, headers=auth(customer_token("t-dave")))).json()
    assert body["verdict"] == "pending_confirmations"
    assert body["facts"]["eta_minutes"] == 10
    bad = await client.post(
        "/api/v1/sandbox/load", json={"users": [{"id": "x", "vip_level": 12}]}, headers=admin
    )
    assert bad.status_code == 422
    assert bad.json()["detail"] == "users[0] (x): 'vip_level' must be 0-9, got 12"

"""Attack scenarios against withdrawal risk scoring, driven through the HTTP API only.

Each test first lives ten weeks of one ordinary customer (logins from a laptop and a phone at
home in Germany, a weekly withdrawal to one of two own addresses), streamed the way the
exchange streams it, then plays one attack or one legitimate edge case and checks the decision
class and the reasons agents see.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.conftest import auth
from tests.factories import login, make_agent, open_ticket
from trustdesk.models.agent import AgentRole
from trustdesk.models.risk import RiskAssessment, RiskEvent
from trustdesk.risk.scoring import SIGNAL_TEXT
from trustdesk.risk.verification import DEV_EXCHANGE_API_KEY

EXCHANGE = {"X-Exchange-Key": DEV_EXCHANGE_API_KEY}
WITHDRAWALS = "/api/v1/risk/withdrawals"
EVENTS = "/api/v1/risk/events"
USER = "u-attack"
START = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)

LAPTOP = {"device_id": "dev-laptop", "ip": "84.150.10.7", "country": "DE", "asn": 3320}
PHONE = {"device_id": "dev-phone", "ip": "80.187.1.2", "country": "DE", "asn": 3320}
SAVINGS = "TXsavings0000000000000000000000001"
COLD = "TXcoldwallet00000000000000000000001"
BALANCE = "10000"

HELD = {"hold", "decline"}
NOT_HELD = {"approve", "step_up"}


# -- a believable customer ------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _at_start(clock):
    clock.now = START


async def post_event(client, user: str, kind: str, at: datetime, eid: str, **where: Any) -> None:
    body = {"event_id": eid, "user_id": user, "kind": kind, "at": at.isoformat(), **where}
    r = await client.post(EVENTS, json=body, headers=EXCHANGE)
    assert r.status_code == 201, r.text


async def build_life(
    client, clock, user: str = USER, *, weeks: int = 10, every_days: int = 7
) -> None:
    """`weeks` of an ordinary customer, ending at START: logins every other day from the
    laptop or the phone, a withdrawal of 250-400 USDT around midday to an own address every
    `every_days` (weekly by default)."""
    days = weeks * 7
    for d in range(days, 0, -1):
        day = START - timedelta(days=d)
        if d % 2 == 0:
            where = LAPTOP if d % 4 == 0 else PHONE
            at = day - timedelta(hours=5 - d % 3)
            clock.now = at + timedelta(seconds=2)  # the exchange streams it as it happens
            await post_event(client, user, "login", at, f"{user}-login-{d}", **where)
        if d % every_days == 0:
            k = d // every_days
            at = day - timedelta(hours=k % 4, minutes=7 * k)
            login_at = at - timedelta(minutes=25)
            clock.now = login_at + timedelta(seconds=2)
            await post_event(client, user, "login", login_at, f"{user}-wlogin-{d}", **LAPTOP)
            clock.now = at
            r = await client.post(
                WITHDRAWALS,
                json={
                    "withdrawal_id": f"{user}-past-{d}",
                    "user_id": user,
                    "asset": "USDT",
                    "network": "TRC20",
                    "amount": str(250 + 37 * (k % 5)),
                    "to_address": COLD if k % 3 == 0 else SAVINGS,
                    "balance_before": BALANCE,
                    "login_at": login_at.isoformat(),
                    **LAPTOP,
                },
                headers=EXCHANGE,
            )
            assert r.status_code == 200, r.text
            # The customer's own life is never held.
            assert r.json()["decision"] in NOT_HELD, r.json()
    clock.now = START


def ago(**delta: float) -> str:
    return (START - timedelta(**delta)).isoformat()


def recent(eid: str, kind: str, *, where: dict[str, Any] | None = None, **delta: float) -> dict:
    return {"event_id": eid, "kind": kind, "at": ago(**delta), **(where or {})}


async def withdraw(
    client,
    wid: str,
    *,
    user: str = USER,
    amount: str = "300",
    to: str = SAVINGS,
    balance: str = BALANCE,
    where: dict[str, Any] | None = None,
    login_minutes: float | None = 30,
    events: list[dict[str, Any]] | None = None,
    **over: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "withdrawal_id": wid,
        "user_id": user,
        "asset": "USDT",
        "network": "TRC20",
        "amount": amount,
        "to_address": to,
        "balance_before": balance,
        **(LAPTOP if where is None else where),
    }
    if login_minutes is not None:
        body["login_at"] = ago(minutes=login_minutes)
    if events:
        body["recent_events"] = events
    body.update(over)
    r = await client.post(WITHDRAWALS, json=body, headers=EXCHANGE)
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()
    return data


def codes(decision: dict[str, Any]) -> set[str]:
    return {r["code"] for r in decision["reasons"]}


def assert_quiet_to_customer(decision: dict[str, Any]) -> None:
    """The customer's text says nothing of rules, signals or the score."""
    message = decision["customer_message"].lower()
    for code, text in SIGNAL_TEXT.items():
        assert code.replace("_", " ") not in message and code not in message
        assert text.lower() not in message
    for word in ("score", "rule", "device", "country", "address", "2fa", "anomal", "look-alike"):
        assert word not in message, word
    assert str(decision["score"]) not in message


ATTACKER = {"device_id": "dev-evil", "ip": "185.220.101.4", "country": "DE", "asn": 9009}
NEW_ADDR = "TXattacker00000000000000000000001"


# -- account takeover after a security change ------------------------------------------------


async def test_sim_swap_phone_changed_new_device_quick_withdrawal_is_held(client, clock):
    await build_life(client, clock)
    # The carrier ported the number: the exchange reports the phone change, then a login
    # from a new handset on a mobile network the customer never used.
    await post_event(client, USER, "phone_change", START - timedelta(minutes=55), "sim-1")
    sim = {"device_id": "dev-sim", "ip": "176.0.4.9", "country": "DE", "asn": 6805}
    await post_event(client, USER, "login", START - timedelta(minutes=9), "sim-2", **sim)
    d = await withdraw(client, "w-sim", amount="4000", to=NEW_ADDR, where=sim, login_minutes=9)
    assert d["decision"] in HELD, d
    assert {"phone_changed", "new_device", "new_destination"} <= codes(d)
    assert_quiet_to_customer(d)


async def test_sim_swap_with_an_ordinary_amount_is_still_held(client, clock):
    await build_life(client, clock)
    sim = {"device_id": "dev-sim", "ip": "80.187.77.1", "country": "DE", "asn": 3320}
    d = await withdraw(
        client,
        "w-sim-small",
        amount="280",
        to=NEW_ADDR,
        where=sim,
        login_minutes=20,
        events=[
            recent("sim-a", "phone_change", hours=2),
            recent("sim-b", "login", where=sim, minutes=20),
        ],
    )
    assert d["decision"] in HELD, d
    assert {"phone_changed", "new_device", "new_destination"} <= codes(d)
    assert "amount_unusual" not in codes(d)


async def test_email_changed_then_withdrawal_to_a_new_address_is_held(client, clock):
    """A hijacked session on the customer's own laptop: change the e-mail (so the alerts go
    to the attacker), then send an ordinary amount to a new address."""
    await build_life(client, clock)
    d = await withdraw(
        client,
        "w-email",
        amount="320",
        to=NEW_ADDR,
        events=[recent("em-1", "email_change", where=LAPTOP, hours=3)],
    )
    assert d["decision"] in HELD, d
    assert {"email_changed", "new_destination"} <= codes(d)
    assert "new_device" not in codes(d)


async def test_password_reset_from_a_new_country_then_withdrawal_is_held(client, clock):
    await build_life(client, clock)
    lagos = {"device_id": "dev-ng", "ip": "102.89.3.3", "country": "NG", "asn": 29465}
    await post_event(client, USER, "password_change", START - timedelta(hours=3), "pw-1", **lagos)
    await post_event(client, USER, "login", START - timedelta(minutes=40), "pw-2", **lagos)
    d = await withdraw(client, "w-pw", amount="2500", to=NEW_ADDR, where=lagos, login_minutes=40)
    assert d["decision"] in HELD, d
    assert {"password_changed", "new_country", "new_device", "new_destination"} <= codes(d)


async def test_2fa_reset_then_drain_is_held(client, clock):
    await build_life(client, clock)
    d = await withdraw(
        client,
        "w-2fa-drain",
        amount="9700",
        to=NEW_ADDR,
        where=ATTACKER,
        login_minutes=15,
        events=[
            recent("tf-1", "login", where=ATTACKER, minutes=15),
            recent("tf-2", "2fa_change", where=ATTACKER, minutes=10),
        ],
    )
    assert d["decision"] in HELD, d
    assert {"twofa_changed", "balance_drain", "new_destination"} <= codes(d)


async def test_2fa_disabled_on_the_customers_own_laptop_then_drain_is_held(client, clock):
    """Remote-access malware: every network fact is the customer's own."""
    await build_life(client, clock)
    d = await withdraw(
        client,
        "w-rat",
        amount="9600",
        to=NEW_ADDR,
        events=[recent("rat-1", "2fa_change", where=LAPTOP, minutes=30)],
    )
    assert d["decision"] in HELD, d
    assert {"twofa_changed", "balance_drain"} <= codes(d)
    assert not codes(d) & {"new_device", "new_ip", "new_asn", "new_country"}


# -- location ------------------------------------------------------------------------------


async def test_impossible_travel_login_in_germany_withdrawal_from_brazil_is_held(client, clock):
    await build_life(client, clock)
    brazil = {"device_id": "dev-br", "ip": "177.10.2.3", "country": "BR", "asn": 28573}
    d = await withdraw(
        client,
        "w-travel",
        amount="1200",
        to=NEW_ADDR,
        where=brazil,
        login_minutes=12,
        events=[
            recent("it-1", "login", where=LAPTOP, minutes=40),
            recent("it-2", "login", where=brazil, minutes=12),
        ],
    )
    assert d["decision"] in HELD, d
    assert {"impossible_travel", "new_country", "new_device"} <= codes(d)


async def test_impossible_travel_with_the_known_device_id_is_held(client, clock):
    """A stolen session cookie replays the laptop's device id from another continent."""
    await build_life(client, clock)
    us = {**LAPTOP, "ip": "44.200.1.1", "country": "US", "asn": 14618}
    d = await withdraw(
        client,
        "w-cookie",
        amount="350",
        to=NEW_ADDR,
        where=us,
        events=[recent("ck-1", "login", where=LAPTOP, minutes=50)],
    )
    assert d["decision"] in HELD, d
    assert {"impossible_travel", "new_country"} <= codes(d)
    assert "new_device" not in codes(d)


# -- credential stuffing, fresh sessions, look-alike support -----------------------------------


async def test_credential_stuffing_failed_2fa_then_success_then_withdrawal_is_held(client, clock):
    await build_life(client, clock)
    for i in range(5):
        at = START - timedelta(minutes=30 - i)
        await post_event(client, USER, "2fa_failed", at, f"cs-fail-{i}", **ATTACKER)
    await post_event(client, USER, "login", START - timedelta(minutes=20), "cs-ok", **ATTACKER)
    d = await withdraw(
        client, "w-stuff", amount="300", to=NEW_ADDR, where=ATTACKER, login_minutes=20
    )
    assert d["decision"] in HELD, d
    assert {"failed_2fa", "new_device", "new_destination"} <= codes(d)


async def test_new_device_on_a_new_network_to_a_new_address_is_held(client, clock):
    """No security change, no failed code, an ordinary amount half an hour after login: a
    device and a network provider the account never used, sending to an address it never
    used, is the takeover itself."""
    await build_life(client, clock)
    # The same device and network sending to the customer's own address only asks to confirm.
    own = await withdraw(client, "w-ato-own", amount="300", to=SAVINGS, where=ATTACKER)
    assert own["decision"] == "step_up", own
    d = await withdraw(client, "w-ato", amount="300", to=NEW_ADDR, where=ATTACKER)
    assert d["decision"] in HELD, d
    assert {"new_device", "new_asn", "new_destination"} <= codes(d)


async def test_credential_stuffing_from_the_customers_own_provider_is_held(client, clock):
    """A residential proxy on the customer's own ISP: only the device and the IP are new."""
    await build_life(client, clock)
    proxy = {"device_id": "dev-bot", "ip": "84.150.99.99", "country": "DE", "asn": 3320}
    d = await withdraw(
        client,
        "w-stuff-isp",
        amount="260",
        to=NEW_ADDR,
        where=proxy,
        login_minutes=15,
        events=[recent(f"csi-{i}", "2fa_failed", where=proxy, minutes=40 - i) for i in range(3)]
        + [recent("csi-ok", "login", where=proxy, minutes=15)],
    )
    assert d["decision"] in HELD, d
    assert {"failed_2fa", "new_device"} <= codes(d)
    assert not codes(d) & {"new_asn", "new_country", "amount_unusual"}


async def test_withdrawal_seconds_after_login_from_a_new_device_is_held(client, clock):
    await build_life(client, clock)
    fresh = {"device_id": "dev-fresh", "ip": "84.150.44.1", "country": "DE", "asn": 3320}
    d = await withdraw(
        client,
        "w-fast",
        amount="300",
        to=NEW_ADDR,
        where=fresh,
        login_at=(START - timedelta(seconds=25)).isoformat(),
        login_minutes=None,
    )
    assert d["decision"] in HELD, d
    assert {"fast_withdrawal_after_login", "new_device", "new_destination"} <= codes(d)


async def test_lookalike_support_contact_then_withdrawal_is_held(
    client, clock, maker, customer_token
):
    """A customer talked to a fake "support" and quotes it in a ticket; then sends funds to
    the scammer's address from their own laptop."""
    from trustdesk.trust import service as trust

    await build_life(client, clock)
    async with maker() as session:
        await trust.load_demo_channels(session, START)
        await session.commit()
    clock.now = START - timedelta(hours=5)
    await open_ticket(
        client,
        customer_token(USER),
        body="Support at trustdesk-verify.com told me to move my coins to a safe wallet. Is it ok?",
    )
    clock.now = START
    d = await withdraw(client, "w-scam", amount="300", to=NEW_ADDR)
    assert d["decision"] in HELD, d
    assert {"lookalike_contact", "new_destination"} <= codes(d)
    assert_quiet_to_customer(d)
    # The same customer's usual withdrawal to their own address is not held.
    usual = await withdraw(client, "w-scam-usual", amount="300", to=SAVINGS)
    assert usual["decision"] in NOT_HELD, usual


# -- amounts, drains, velocity -------------------------------------------------------------


async def test_salami_small_withdrawals_to_many_new_addresses_are_held(client, clock):
    await build_life(client, clock)
    decisions = []
    balance = 10000
    for i in range(6):
        clock.now = START + timedelta(minutes=3 * i)
        d = await withdraw(
            client,
            f"w-salami-{i}",
            amount="150",
            balance=str(balance),
            to=f"TXsalami{i:026d}",
            login_minutes=40 - 3 * i,
        )
        decisions.append(d)
        if d["decision"] in NOT_HELD:
            balance -= 150
        assert "amount_unusual" not in codes(d)  # each stays under the amount signal
    assert all(d["decision"] in HELD for d in decisions[2:]), [d["decision"] for d in decisions]
    assert {"destination_fanout", "velocity"} <= codes(decisions[3])


async def test_small_test_withdrawal_then_drain_to_the_same_fresh_address_is_held(client, clock):
    """The attacker checks the route with a small amount (approved), then drains: the address
    used minutes ago is still a new one."""
    await build_life(client, clock)
    first = await withdraw(client, "w-probe", amount="20", to=NEW_ADDR)
    assert first["decision"] in NOT_HELD, first
    clock.now = START + timedelta(minutes=4)
    d = await withdraw(client, "w-probe-drain", amount="8900", balance="9980", to=NEW_ADDR)
    assert d["decision"] in HELD, d
    assert {"new_destination", "balance_drain"} <= codes(d)


async def test_cumulative_drain_in_chunks_to_one_new_address_is_held(client, clock):
    await build_life(client, clock)
    balance = 10000.0
    decisions = []
    for i in range(5):
        clock.now = START + timedelta(minutes=20 * i)
        amount = round(balance * 0.35, 2)
        d = await withdraw(
            client, f"w-chunk-{i}", amount=str(amount), balance=str(balance), to=NEW_ADDR
        )
        decisions.append(d)
        if d["decision"] in NOT_HELD:
            balance -= amount
    classes = [d["decision"] for d in decisions]
    first_held = next((i for i, c in enumerate(classes) if c in HELD), len(classes))
    assert first_held <= 2, classes  # a third of the balance at most leaves unchecked
    assert all(c in HELD for c in classes[first_held:]), classes


async def test_draining_95_percent_of_the_balance_to_a_new_address_is_held(client, clock):
    await build_life(client, clock)
    d = await withdraw(client, "w-drain", amount="9600", to=NEW_ADDR)
    assert d["decision"] in HELD, d
    assert {"balance_drain", "new_destination", "amount_unusual"} <= codes(d)
    drain = next(r for r in d["reasons"] if r["code"] == "balance_drain")
    assert drain["points"] == 20


async def test_first_withdrawal_of_a_brand_new_account_with_a_large_amount_is_not_approved(
    client, clock
):
    user = "u-brand-new"
    await post_event(client, user, "login", START - timedelta(minutes=15), "bn-1", **ATTACKER)
    d = await withdraw(
        client,
        "w-brand-new",
        user=user,
        amount="48000",
        balance="48000",
        to=NEW_ADDR,
        where=ATTACKER,
        login_minutes=15,
    )
    assert d["decision"] in {"step_up", "hold", "decline"}, d
    assert {"no_history", "balance_drain", "new_destination"} <= codes(d)
    # Seconds after a login, the same first drain is held.
    fast = await withdraw(
        client,
        "w-brand-new-fast",
        user="u-brand-new-2",
        amount="48000",
        balance="48000",
        to=NEW_ADDR,
        where=ATTACKER,
        login_at=(START - timedelta(seconds=30)).isoformat(),
        login_minutes=None,
    )
    assert fast["decision"] in HELD, fast


async def test_a_user_id_with_no_history_at_all_is_scored(client, clock):
    d = await withdraw(client, "w-nobody", user="u-nobody", amount="50", login_minutes=None)
    assert d["decision"] in NOT_HELD, d
    assert "no_history" in codes(d)
    assert d["rules_version"] >= 1 and d["model_version"]


async def test_held_attacker_coming_back_days_later_is_held_again(client, clock):
    """After a hold the attacker waits past the baseline window: their device, which logged
    in before the blocked withdrawal, must not have become "known"."""
    await build_life(client, clock)
    first = await withdraw(
        client,
        "w-back-1",
        amount="300",
        to=NEW_ADDR,
        where=ATTACKER,
        login_minutes=2,
        events=[recent("bk-1", "login", where=ATTACKER, minutes=2)],
    )
    assert first["decision"] in HELD, first
    clock.now = START + timedelta(days=3)
    await post_event(client, USER, "login", clock.now - timedelta(minutes=30), "bk-2", **ATTACKER)
    again = await client.post(
        WITHDRAWALS,
        json={
            "withdrawal_id": "w-back-2",
            "user_id": USER,
            "asset": "USDT",
            "network": "TRC20",
            "amount": "300",
            "to_address": NEW_ADDR,
            "balance_before": BALANCE,
            "login_at": (clock.now - timedelta(minutes=30)).isoformat(),
            **ATTACKER,
        },
        headers=EXCHANGE,
    )
    d = again.json()
    assert d["decision"] in HELD, d
    assert {"new_device", "repeat_of_blocked"} <= codes(d)


async def test_a_hold_on_the_usual_address_does_not_taint_it_for_the_owner(client, clock):
    """An attacker from Lagos sends to the customer's own savings address (held); two hours
    later the customer's usual withdrawal there from home is approved as ever."""
    await build_life(client, clock)
    lagos = {"device_id": "dev-ng", "ip": "102.89.3.3", "country": "NG", "asn": 29465}
    held = await withdraw(
        client,
        "w-taint-1",
        to=SAVINGS,
        where=lagos,
        events=[recent("tn-1", "login", where=LAPTOP, minutes=40)],
    )
    assert held["decision"] in HELD, held
    clock.now = START + timedelta(hours=2)
    r = await client.post(
        WITHDRAWALS,
        json={
            "withdrawal_id": "w-taint-2",
            "user_id": USER,
            "asset": "USDT",
            "network": "TRC20",
            "amount": "300",
            "to_address": SAVINGS,
            "balance_before": BALANCE,
            "login_at": (clock.now - timedelta(minutes=30)).isoformat(),
            **LAPTOP,
        },
        headers=EXCHANGE,
    )
    d = r.json()
    assert d["decision"] == "approve", d
    assert "repeat_of_blocked" not in codes(d)


# -- legitimate edge cases: never held ------------------------------------------------------


async def test_long_time_users_usual_withdrawal_to_a_known_address_is_approved(client, clock):
    await build_life(client, clock)
    d = await withdraw(client, "w-usual", amount="300", to=SAVINGS)
    assert d["decision"] == "approve", d
    assert d["customer_message"] == ""
    cold = await withdraw(client, "w-usual-cold", amount="320", to=COLD, where=PHONE)
    assert cold["decision"] == "approve", cold


async def test_monthly_customers_usual_withdrawal_is_approved(client, clock):
    """Once a month for half a year: only two withdrawals fall in the scoring window."""
    await build_life(client, clock, "u-monthly", weeks=26, every_days=30)
    d = await withdraw(client, "w-monthly", user="u-monthly", amount="320", to=SAVINGS)
    assert d["decision"] == "approve", d


async def test_usual_withdrawal_seconds_after_login_on_the_known_laptop_is_not_held(client, clock):
    await build_life(client, clock)
    d = await withdraw(
        client,
        "w-quick-usual",
        to=SAVINGS,
        login_at=(START - timedelta(seconds=40)).isoformat(),
        login_minutes=None,
    )
    assert d["decision"] in NOT_HELD, d


async def test_vpn_on_a_hosting_provider_with_an_otherwise_normal_pattern_is_at_most_step_up(
    client, clock
):
    await build_life(client, clock)
    vpn = {**LAPTOP, "ip": "5.180.62.10", "asn": 9009}  # M247, a VPN host
    d = await withdraw(client, "w-vpn", amount="300", to=SAVINGS, where=vpn)
    assert d["decision"] in NOT_HELD, d
    assert {"new_ip", "new_asn"} <= codes(d)
    # An exit in a neighbouring country, no home login for a day: still no hold.
    nl = {**LAPTOP, "ip": "5.180.62.11", "country": "NL", "asn": 9009}
    d = await withdraw(client, "w-vpn-nl", amount="300", to=SAVINGS, where=nl)
    assert d["decision"] in NOT_HELD, d


async def test_traveller_on_a_known_device_in_a_new_country_is_at_most_step_up(client, clock):
    await build_life(client, clock)
    tokyo = {**PHONE, "ip": "126.1.2.3", "country": "JP", "asn": 17676}
    # Landed after a 14-hour trip: the last login at home was the day before.
    d = await withdraw(
        client,
        "w-travel-ok",
        amount="350",
        to=COLD,
        where=tokyo,
        login_minutes=45,
        events=[
            recent("tr-1", "login", where=PHONE, hours=16),
            recent("tr-2", "login", where=tokyo, minutes=45),
        ],
    )
    assert d["decision"] in NOT_HELD, d
    assert "new_country" in codes(d) and "impossible_travel" not in codes(d)


async def test_user_increasing_the_amount_moderately_is_not_held(client, clock):
    await build_life(client, clock)
    d = await withdraw(client, "w-more", amount="600", to=SAVINGS)
    assert d["decision"] == "approve", d
    bigger = await withdraw(client, "w-more-2", amount="1000", to=COLD)
    assert bigger["decision"] in NOT_HELD, bigger


async def test_own_new_address_and_old_password_change_are_not_held(client, clock):
    await build_life(client, clock)
    await post_event(client, USER, "password_change", START - timedelta(days=2), "own-pw", **LAPTOP)
    d = await withdraw(client, "w-own-new", amount="300", to="TXmynewledger00000000000000000001")
    assert d["decision"] in NOT_HELD, d
    assert "new_destination" in codes(d)


# -- the API's own guarantees --------------------------------------------------------------


async def test_replayed_withdrawal_ids_return_the_first_decision_and_store_once(
    client, clock, maker
):
    await build_life(client, clock)
    first = await withdraw(client, "w-dup", amount="9600", to=NEW_ADDR)
    assert first["decision"] in HELD
    again = await withdraw(client, "w-dup", amount="9600", to=NEW_ADDR)
    assert again["replayed"] and again["assessment_id"] == first["assessment_id"]
    assert again["decision"] == first["decision"] and again["score"] == first["score"]
    # The same id with other content is not the same withdrawal.
    for other in ({"amount": "10"}, {"to_address": SAVINGS}, {"asset": "BTC"}):
        body = {
            "withdrawal_id": "w-dup",
            "user_id": USER,
            "asset": "USDT",
            "network": "TRC20",
            "amount": "9600",
            "to_address": NEW_ADDR,
            "balance_before": BALANCE,
            **LAPTOP,
            **other,
        }
        r = await client.post(WITHDRAWALS, json=body, headers=EXCHANGE)
        assert r.status_code == 409, (other, r.text)
    async with maker() as s:
        count = await s.scalar(
            select(func.count())
            .select_from(RiskAssessment)
            .where(RiskAssessment.withdrawal_id == "w-dup")
        )
    assert count == 1


async def test_replayed_events_are_counted_once(client, clock):
    """The exchange resends an event (and repeats it in the withdrawal): one failure, not 5."""
    await build_life(client, clock)
    fail = recent("rp-fail", "2fa_failed", where=LAPTOP, minutes=10)
    for _ in range(3):
        r = await client.post(EVENTS, json={**fail, "user_id": USER}, headers=EXCHANGE)
        assert r.status_code in (200, 201)
    d = await withdraw(client, "w-rp", events=[fail, dict(fail)])
    assert d["decision"] in NOT_HELD, d
    failed = next(r for r in d["reasons"] if r["code"] == "failed_2fa")
    assert failed["points"] == 7.5  # one failure: half of the signal's weight


def _valid_body(wid: str) -> dict[str, Any]:
    return {
        "withdrawal_id": wid,
        "user_id": USER,
        "asset": "USDT",
        "network": "TRC20",
        "amount": "100",
        "to_address": SAVINGS,
        "balance_before": BALANCE,
        **LAPTOP,
    }


@pytest.mark.parametrize(
    "broken",
    [
        {"amount": "-100"},
        {"amount": "0"},
        {"amount": "NaN"},
        {"amount": "Infinity"},
        {"amount": "1e30", "balance_before": "1e30"},
        {"amount": "0.0000000000000000001"},
        {"balance_before": "-1"},
        {"amount": "20000"},  # more than the balance
        {"asn": -1},
        {"asn": 2**32},
        {"country": "Germany"},
        {"withdrawal_id": ""},
        {"withdrawal_id": "w" * 300},
        {"to_address": "x" * 1000},
        {"user_id": None},
        {"unexpected": True},
        {"login_at": "2026-11-20T13:00:00"},  # no timezone
        {"login_at": "2026-11-21T14:00:00Z"},  # a day in the future
        {"recent_events": [{"event_id": "m-1", "kind": "dance", "at": "2026-11-20T13:00:00Z"}]},
        {"recent_events": [{"event_id": "m-2", "kind": "login", "at": "2027-01-01T00:00:00Z"}]},
        {
            "recent_events": [
                {"event_id": f"m-many-{i}", "kind": "login", "at": "2026-11-20T13:00:00Z"}
                for i in range(51)
            ]
        },
    ],
)
async def test_malformed_withdrawals_are_422_and_store_nothing(client, clock, maker, broken):
    clock.now = START
    body = {**_valid_body("w-bad"), **broken}
    if "recent_events" in broken:
        # A valid event next to the broken one is not stored either.
        body["recent_events"] = [
            {"event_id": "m-ok", "kind": "login", "at": ago(minutes=5)},
            *broken["recent_events"],
        ]
    r = await client.post(WITHDRAWALS, json=body, headers=EXCHANGE)
    assert r.status_code == 422, r.text
    assert "detail" in r.json()
    async with maker() as s:
        assert (await s.execute(select(RiskAssessment))).first() is None
        assert (await s.execute(select(RiskEvent))).first() is None


@pytest.mark.parametrize(
    "broken",
    [
        {"kind": "withdrawal"},
        {"kind": "LOGIN"},
        {"at": "2026-11-22T14:00:00Z"},  # two days in the future
        {"at": "yesterday"},
        {"asn": 10**12},
        {"user_id": ""},
        {"event_id": "e" * 200},
    ],
)
async def test_malformed_events_are_422_and_store_nothing(client, clock, maker, broken):
    clock.now = START
    body = {
        "event_id": "ev-bad",
        "user_id": USER,
        "kind": "login",
        "at": ago(minutes=1),
        **LAPTOP,
        **broken,
    }
    r = await client.post(EVENTS, json=body, headers=EXCHANGE)
    assert r.status_code == 422, r.text
    async with maker() as s:
        assert (await s.execute(select(RiskEvent))).first() is None


async def test_slight_clock_skew_is_accepted(client, clock):
    clock.now = START
    body = {"event_id": "skew", "user_id": "u-skew", "kind": "login", "at": ago(minutes=-2)}
    assert (await client.post(EVENTS, json=body, headers=EXCHANGE)).status_code == 201


async def test_every_decision_class_keeps_rules_from_the_customer(
    client, clock, maker, customer_token
):
    await build_life(client, clock)
    seen: dict[str, dict[str, Any]] = {}
    seen["approve"] = await withdraw(client, "w-c-a", amount="300")
    seen["step_up"] = await withdraw(
        client, "w-c-s", amount="300", where={**LAPTOP, "device_id": "dev-x"}
    )
    seen["hold"] = await withdraw(client, "w-c-h", amount="9600", to=NEW_ADDR)
    everything = {"device_id": "dev-ng", "ip": "102.89.3.3", "country": "NG", "asn": 29465}
    seen["decline"] = await withdraw(
        client,
        "w-c-d",
        amount="9990",
        to=NEW_ADDR + "2",
        where=everything,
        login_at=(START - timedelta(seconds=20)).isoformat(),
        login_minutes=None,
        events=[
            recent("kd-1", "login", where=LAPTOP, minutes=30),
            *[recent(f"kd-f{i}", "2fa_failed", where=everything, minutes=20 - i) for i in range(4)],
            recent("kd-2", "password_change", where=everything, minutes=9),
            recent("kd-3", "email_change", where=everything, minutes=8),
            recent("kd-4", "phone_change", where=everything, minutes=7),
            recent("kd-5", "2fa_change", where=everything, minutes=6),
        ],
    )
    for expected, d in seen.items():
        assert d["decision"] == expected, (expected, d)
        assert_quiet_to_customer(d)
        assert set(d) >= {"decision", "score", "reasons", "customer_message"}
    # What the customer reads about the hold (their verification) says nothing of rules.
    mine = await client.get("/api/v1/me/verifications", headers=auth(customer_token(USER)))
    assert mine.status_code == 200
    for item in mine.json():
        assert "score" not in item and "reasons" not in item
        assert_quiet_to_customer({"customer_message": item["message"], "score": -1})


async def test_every_decision_stores_its_intermediate_values(client, clock, maker):
    await build_life(client, clock)
    await make_agent(maker, "sec@x.io", now=clock.now, role=AgentRole.security)
    await make_agent(maker, "t1@x.io", now=clock.now)
    sec = await login(client, "sec@x.io")
    tier1 = await login(client, "t1@x.io")
    d = await withdraw(client, "w-audit", amount="9600", to=NEW_ADDR, where=ATTACKER)
    assert (await client.get("/api/v1/risk/assessments/w-audit")).status_code == 401
    assert (await client.get("/api/v1/risk/assessments/w-audit", headers=tier1)).status_code == 403
    r = await client.get("/api/v1/risk/assessments/w-audit", headers=sec)
    assert r.status_code == 200, r.text
    a = r.json()
    assert a["decision"] == d["decision"] and a["score"] == d["score"]
    assert a["rules_version"] == d["rules_version"] and a["model_version"] == d["model_version"]
    by_code = {s["code"]: s for s in a["signals"]}
    assert set(by_code) == set(SIGNAL_TEXT)  # every signal, fired or not
    for s in a["signals"]:
        assert math.isclose(s["contribution"], s["weight"] * s["strength"], abs_tol=0.01)
    points = a["detail"]["points"]
    assert math.isclose(points, sum(s["contribution"] for s in a["signals"]), abs_tol=0.05)
    scale = a["detail"]["scale"]
    assert a["score"] == round(100 * (1 - math.exp(-points / scale)))
    assert set(a["detail"]["thresholds"]) == {"step_up", "hold", "decline"}
    assert a["detail"]["by_threshold"] in {"approve", "step_up", "hold", "decline"}
    assert "forced_by" in a["detail"] and a["detail"]["history"]["withdrawals"] == 10
    assert by_code["anomaly"]["detail"]["ready"] is True
    assert {r["code"] for r in a["reasons"]} == codes(d)
    assert a["amount"] in ("9600", "9600.000000000000000000") or float(a["amount"]) == 9600

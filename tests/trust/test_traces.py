"""Address tags (admins), fund traces over the DB chain graph (security), evidence export."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest
import yaml

from tests.factories import login, make_agent
from tests.trust.chain_helpers import EXCHANGE, MIXER, sandbox_chain
from trustdesk.models.agent import AgentRole
from trustdesk.trust.chainfile import ChainFileError, load_chain, load_chain_file, load_demo_chain

TRACES = "/api/v1/trust/traces"
TAGS = "/api/v1/admin/address-tags"


async def _load(maker, clock, data=None):
    async with maker() as session:
        result = await load_chain(session, data or sandbox_chain(), now=clock.now)
        await session.commit()
    return result


async def _staff(client, maker, clock, role, email):
    await make_agent(maker, email, now=clock.now, role=role)
    return await login(client, email)


def _trace_body(**extra):
    return {
        "case_reference": "SEC-2026-0042",
        "title": "Stolen USDT after phishing",
        "starts": [{"network": "eth", "kind": "txid", "value": "0xtheft"}],
        "max_hops": 6,
        "min_amount": "0.001",
        **extra,
    }


async def test_chain_file_loads_idempotently_and_validates(maker, clock, tmp_path: Path):
    first = await _load(maker, clock)
    assert (first.transfers, first.tags) == (12, 2)
    await _load(maker, clock)  # the same file again updates in place
    path = tmp_path / "chain.yaml"
    path.write_text(yaml.safe_dump(sandbox_chain()))
    async with maker() as session:
        again = await load_chain_file(session, path, now=clock.now)
        await session.commit()
    assert again.transfers == 12
    from sqlalchemy import func, select

    from trustdesk.models.trust import AddressTagEntry, ChainTransfer

    async with maker() as session:
        count = (await session.execute(select(func.count()).select_from(ChainTransfer))).scalar()
        tags = (await session.execute(select(func.count()).select_from(AddressTagEntry))).scalar()
    assert (count, tags) == (12, 2)
    bad = {"transfers": [{"txid": "x", "from": "a", "to": "b", "amount": "-1", "asset": "USDT"}]}
    async with maker() as session:
        with pytest.raises(ChainFileError, match="transfers.0"):
            await load_chain(session, bad, now=clock.now)
        with pytest.raises(ChainFileError, match="network"):
            await load_chain(
                session,
                {"transfers": [{**sandbox_chain()["transfers"][0]}]},
                now=clock.now,
            )


async def test_trace_endpoints_are_for_security_leads_and_admins(
    client, maker, clock, customer_token
):
    assert (await client.post(TRACES, json=_trace_body())).status_code == 401
    assert (await client.get(f"{TRACES}/1")).status_code == 401
    assert (await client.get(f"{TRACES}/1/export")).status_code == 401
    customer = {"Authorization": f"Bearer {customer_token('c1')}"}
    assert (await client.post(TRACES, json=_trace_body(), headers=customer)).status_code == 401
    agent = await _staff(client, maker, clock, AgentRole.agent, "agent@x.io")
    for call in (
        client.post(TRACES, json=_trace_body(), headers=agent),
        client.get(f"{TRACES}/1", headers=agent),
        client.post(f"{TRACES}/1/run", headers=agent),
        client.get(f"{TRACES}/1/export", headers=agent),
        client.get(TAGS, headers=agent),
    ):
        assert (await call).status_code == 403
    lead = await _staff(client, maker, clock, AgentRole.lead, "lead@x.io")
    assert (await client.post(TRACES, json=_trace_body(), headers=lead)).status_code == 201
    admin = await _staff(client, maker, clock, AgentRole.admin, "admin@x.io")
    assert (await client.get(f"{TRACES}/1", headers=admin)).status_code == 200
    sec = await _staff(client, maker, clock, AgentRole.security, "sec@x.io")
    assert (await client.get(f"{TRACES}/999", headers=sec)).status_code == 404
    assert (await client.post(f"{TRACES}/999/run", headers=sec)).status_code == 404
    # Tags: security reads, only admins write.
    tag = {
        "network": "ETH",
        "address": "0xabc",
        "category": "exchange",
        "label": "X",
        "source": "s",
    }
    assert (await client.post(TAGS, json=tag, headers=sec)).status_code == 403
    assert (await client.get(TAGS, headers=sec)).status_code == 200


async def test_bad_trace_input_is_rejected(client, maker, clock):
    sec = await _staff(client, maker, clock, AgentRole.security, "sec@x.io")
    no_amount = _trace_body(starts=[{"network": "ETH", "kind": "address", "value": "0xabc"}])
    response = await client.post(TRACES, json=no_amount, headers=sec)
    assert response.status_code == 422
    assert "amount and asset" in response.json()["detail"]
    for body in (
        _trace_body(starts=[]),
        _trace_body(max_hops=0),
        _trace_body(starts=[{"network": "ETH", "kind": "block", "value": "1"}]),
        _trace_body(customer_id=12345),
    ):
        assert (await client.post(TRACES, json=body, headers=sec)).status_code == 422
    assert (await client.get(TRACES, headers=sec)).json()["items"] == []


async def test_trace_runs_over_the_chain_graph_and_finds_the_exchange(client, maker, clock):
    await _load(maker, clock)
    sec = await _staff(client, maker, clock, AgentRole.security, "sec@x.io")
    created = await client.post(
        TRACES, json=_trace_body(), headers={**sec, "Idempotency-Key": "trace-1"}
    )
    assert created.status_code == 201, created.text
    trace = created.json()
    assert trace["status"] == "new" and trace["result"] is None
    replay = await client.post(
        TRACES, json=_trace_body(), headers={**sec, "Idempotency-Key": "trace-1"}
    )
    assert replay.json()["id"] == trace["id"]
    assert replay.headers["Idempotent-Replayed"] == "true"
    # Export before running is a clear 409.
    early = await client.get(f"{TRACES}/{trace['id']}/export", headers=sec)
    assert early.status_code == 409 and "run it first" in early.json()["detail"]

    ran = await client.post(f"{TRACES}/{trace['id']}/run", headers=sec)
    assert ran.status_code == 200, ran.text
    result = ran.json()["result"]
    assert ran.json()["status"] == "done"
    assert [x["address"] for x in result["exchanges"]] == [EXCHANGE]
    assert result["exchanges"][0]["label"] == "Example Exchange deposit"
    assert result["exchanges"][0]["source"] == "test feed"
    assert float(result["exchanges"][0]["amount"]) == pytest.approx(50)
    stops = {a["address"]: a["stop"] for a in result["addresses"]}
    assert stops[MIXER] == "mixer" and stops[EXCHANGE] == "exchange"
    assert "0xhot" not in {e["txid"] for e in result["edges"]}
    assert result["warnings"] == []
    got = await client.get(f"{TRACES}/{trace['id']}", headers=sec)
    assert got.json()["result"] == result
    listed = await client.get(TRACES, params={"case_reference": "SEC-2026-0042"}, headers=sec)
    assert [t["id"] for t in listed.json()["items"]] == [trace["id"]]


async def test_unknown_txid_is_reported_as_a_warning(client, maker, clock):
    sec = await _staff(client, maker, clock, AgentRole.security, "sec@x.io")
    body = _trace_body(starts=[{"network": "ETH", "kind": "txid", "value": "0xnothing"}])
    trace = (await client.post(TRACES, json=body, headers=sec)).json()
    result = (await client.post(f"{TRACES}/{trace['id']}/run", headers=sec)).json()["result"]
    assert result["edges"] == []
    assert result["warnings"] == ["txid 0xnothing not found on ETH"]


async def _run_trace(client, maker, clock):
    await _load(maker, clock)
    sec = await _staff(client, maker, clock, AgentRole.security, "sec@x.io")
    trace = (await client.post(TRACES, json=_trace_body(), headers=sec)).json()
    await client.post(f"{TRACES}/{trace['id']}/run", headers=sec)
    return sec, trace


async def test_json_export_carries_hops_tags_and_a_verifiable_hash(client, maker, clock):
    sec, trace = await _run_trace(client, maker, clock)
    response = await client.get(
        f"{TRACES}/{trace['id']}/export", params={"format": "json"}, headers=sec
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert "attachment" in response.headers["content-disposition"]
    doc = response.json()
    digest = doc.pop("content_sha256")
    canonical = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert hashlib.sha256(canonical.encode()).hexdigest() == digest
    assert response.headers["X-Content-SHA256"] == digest
    assert doc["case_reference"] == "SEC-2026-0042"
    assert doc["generated_at"] == clock.now.isoformat()
    assert doc["exported_by"]["name"] == "Sec Tester"
    assert doc["attribution"] == "proportional"
    hop = doc["hops"][0]
    assert set(hop) >= {"txid", "from", "to", "amount", "asset", "network", "time"}
    assert hop["txid"] == "0xtheft" and hop["amount"] == "100"
    cash = next(h for h in doc["hops"] if h["txid"] == "0xcash")
    assert cash["to_tags"][0] == {
        "category": "exchange",
        "label": "Example Exchange deposit",
        "source": "test feed",
        "confidence": 0.95,
    }
    assert doc["first_exchanges"][0]["address"] == EXCHANGE
    assert {a["address"] for a in doc["tagged_addresses"]} == {EXCHANGE, MIXER}


async def test_csv_export_rows_and_hash(client, maker, clock):
    sec, trace = await _run_trace(client, maker, clock)
    response = await client.get(
        f"{TRACES}/{trace['id']}/export", params={"format": "csv"}, headers=sec
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    raw = response.content
    body, _, last = raw.rstrip(b"\n").rpartition(b"\n")
    assert last.startswith(b"# sha256,")
    digest = last.split(b",", 1)[1].decode()
    assert hashlib.sha256(body + b"\n").hexdigest() == digest
    assert response.headers["X-Content-SHA256"] == digest
    rows = list(csv.reader(io.StringIO(raw.decode())))
    meta = {r[0]: r[1] for r in rows if r and r[0].startswith("# ") and len(r) == 2}
    assert meta["# case_reference"] == "SEC-2026-0042"
    assert meta["# generated_at"] == clock.now.isoformat()
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "hop")
    header = rows[header_at]
    hops = [dict(zip(header, r, strict=False)) for r in rows[header_at + 1 :] if r[0].isdigit()]
    cash = next(h for h in hops if h["txid"] == "0xcash")
    assert cash["to"] == EXCHANGE
    assert (
        "exchange: Example Exchange deposit (source: test feed, confidence: 0.95)"
        in (cash["to_tags"])
    )
    assert any(r[0] == "# first_exchange" and r[2] == EXCHANGE for r in rows)
    bad = await client.get(f"{TRACES}/{trace['id']}/export", params={"format": "xml"}, headers=sec)
    assert bad.status_code == 422


async def test_admin_tag_crud_with_audit_and_conflicts(client, maker, clock):
    admin = await _staff(client, maker, clock, AgentRole.admin, "admin@x.io")
    body = {
        "network": "eth",
        "address": "0xABCDEF",
        "category": "bridge",
        "label": "Some bridge",
        "source": "analyst",
        "confidence": 0.7,
    }
    created = await client.post(TAGS, json=body, headers={**admin, "Idempotency-Key": "t1"})
    assert created.status_code == 201, created.text
    tag = created.json()
    assert (tag["network"], tag["address"]) == ("ETH", "0xabcdef")
    assert (await client.post(TAGS, json=body, headers=admin)).status_code == 409
    bad = {**body, "confidence": 2}
    assert (await client.post(TAGS, json=bad, headers=admin)).status_code == 422
    bad = {**body, "category": "bank"}
    assert (await client.post(TAGS, json=bad, headers=admin)).status_code == 422
    patched = await client.patch(
        f"{TAGS}/{tag['id']}", json={"category": "exchange", "confidence": 0.9}, headers=admin
    )
    assert patched.status_code == 200
    assert (patched.json()["category"], patched.json()["confidence"]) == ("exchange", 0.9)
    found = await client.get(TAGS, params={"address": "0xAbCdEf", "network": "eth"}, headers=admin)
    assert [t["id"] for t in found.json()["items"]] == [tag["id"]]
    assert (
        await client.patch(f"{TAGS}/999", json={"label": "x"}, headers=admin)
    ).status_code == 404
    assert (await client.delete(f"{TAGS}/{tag['id']}", headers=admin)).status_code == 204
    assert (await client.delete(f"{TAGS}/{tag['id']}", headers=admin)).status_code == 404
    from sqlalchemy import select

    from trustdesk.models import AuditEvent

    async with maker() as session:
        actions = (
            (
                await session.execute(
                    select(AuditEvent.action)
                    .where(AuditEvent.entity == "address_tag")
                    .order_by(AuditEvent.id)
                )
            )
            .scalars()
            .all()
        )
    assert actions == ["created", "updated", "deleted"]


async def test_demo_chain_traces_to_the_demo_exchange(client, maker, clock):
    async with maker() as session:
        loaded = await load_demo_chain(session, clock.now)
        await session.commit()
    assert loaded.transfers == 9 and loaded.tags == 3
    sec = await _staff(client, maker, clock, AgentRole.security, "sec@x.io")
    body = _trace_body(starts=[{"network": "ETH", "kind": "txid", "value": "0xdemo-theft"}])
    trace = (await client.post(TRACES, json=body, headers=sec)).json()
    result = (await client.post(f"{TRACES}/{trace['id']}/run", headers=sec)).json()["result"]
    assert [x["label"] for x in result["exchanges"]] == ["Example Exchange (deposit wallet)"]
    assert float(result["exchanges"][0]["amount"]) == pytest.approx(8000)
    stops = {a["stop"] for a in result["addresses"]}
    assert {"exchange", "mixer", "bridge"} <= stops

"""Trust & safety rules: the official-channel register, channel checks, look-alike warnings on
inbound messages, address tags and fund traces.

Every function takes the session first and an explicit `now`, flushes and never commits.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.audit.service import diff, record
from trustdesk.db import after_commit
from trustdesk.errors import Conflict, InvalidInput, NotFound
from trustdesk.kit.cache import TTLCache
from trustdesk.models import Agent, Customer, Ticket
from trustdesk.models.trust import (
    AddressTagEntry,
    FundTrace,
    LookalikeContact,
    OfficialChannelEntry,
)
from trustdesk.risk.channels import ChannelKind, ChannelVerdict, Verdict
from trustdesk.risk.lookalike import check_channel, find_lookalikes_in_text
from trustdesk.risk.register import (
    DEMO_CHANNELS,
    InvalidChannel,
    LoadedRegister,
    RegisterCache,
    RegisterEntry,
    normalize_channel,
)
from trustdesk.risk.tracing import (
    ChainGraph,
    StartKind,
    TraceStart,
    collect_snapshot,
    normalize_address,
    trace_funds,
)
from trustdesk.trust import messages, repository
from trustdesk.trust.graph import DbChainGraph
from trustdesk.trust.schemas import (
    ChannelCheckResult,
    ChannelCreate,
    ChannelMatch,
    ChannelUpdate,
    ReasonRead,
    TagCreate,
    TagUpdate,
    TraceCreate,
    WarningRead,
)

# ---------------------------------------------------------------------------------------------
# Register (cached per process, invalidated by the version stamp in the database)
# ---------------------------------------------------------------------------------------------

REGISTER_CACHE = RegisterCache()
# Every inbound message is scanned against the register, so even its version stamp is cached
# for a moment: another process's change shows here within a second; this process's own
# changes at once (the stamp is forgotten when they commit).
_REGISTER_STAMPS: TTLCache[str] = TTLCache(ttl=1.0)


async def _register_changed(session: AsyncSession, now: datetime) -> None:
    await repository.bump_register_version(session, now)
    _REGISTER_STAMPS.clear()
    after_commit(session, _REGISTER_STAMPS.clear)


def _db_key(session: AsyncSession) -> str:
    bind = session.bind
    url = getattr(bind, "url", None)
    return url.render_as_string(hide_password=True) if url is not None else "default"


async def current_register(session: AsyncSession) -> LoadedRegister:
    """The active official channels as a checkable register (built once per change)."""
    db = _db_key(session)
    stamp = await _REGISTER_STAMPS.get(db, lambda: repository.register_stamp(session))
    cached = REGISTER_CACHE.lookup(db, stamp)
    if cached is not None:
        return cached
    rows = await repository.active_channels(session)
    entries = [RegisterEntry(r.id, ChannelKind(r.kind), r.value, r.platform, r.note) for r in rows]
    return REGISTER_CACHE.store(db, stamp, LoadedRegister.of(entries))


def _snapshot(ch: OfficialChannelEntry) -> dict[str, Any]:
    return {
        "kind": ch.kind,
        "value": ch.value,
        "platform": ch.platform,
        "note": ch.note,
        "active": ch.active,
    }


def _normalize(kind: ChannelKind | str, value: str, platform: str | None) -> Any:
    try:
        return normalize_channel(kind, value, platform)
    except InvalidChannel as exc:
        raise InvalidInput(str(exc)) from exc


async def _ensure_unique(
    session: AsyncSession, key: str, display: str, exclude_id: int | None = None
) -> None:
    existing = await repository.channel_by_key(session, key)
    if existing is not None and existing.id != exclude_id:
        raise Conflict(f"{display} is already in the register (channel {existing.id})")


async def create_channel(
    session: AsyncSession, data: ChannelCreate, *, actor: Agent | None, now: datetime
) -> OfficialChannelEntry:
    """Add an official channel. Invalid value → 422 with the reason; already there → 409."""
    norm = _normalize(data.kind, data.value, data.platform)
    display = norm.display + (f" on {norm.platform}" if norm.platform else "")
    await _ensure_unique(session, norm.key, display)
    channel = OfficialChannelEntry(
        kind=str(norm.kind),
        value=norm.value,
        platform=norm.platform,
        channel_key=norm.key,
        note=data.note,
        active=data.active,
        created_at=now,
        updated_at=now,
    )
    session.add(channel)
    await session.flush()
    await _register_changed(session, now)
    record(
        session,
        entity="official_channel",
        entity_id=channel.id,
        action="created",
        actor=actor,
        at=now,
        after=_snapshot(channel),
    )
    return channel


async def get_channel(session: AsyncSession, channel_id: int) -> OfficialChannelEntry:
    channel = await repository.get_channel(session, channel_id)
    if channel is None:
        raise NotFound(f"no official channel with id {channel_id}")
    return channel


async def update_channel(
    session: AsyncSession,
    channel_id: int,
    data: ChannelUpdate,
    *,
    actor: Agent | None,
    now: datetime,
) -> OfficialChannelEntry:
    """Change an official channel's value, platform, note or active flag (audited)."""
    channel = await get_channel(session, channel_id)
    changes = data.model_dump(exclude_unset=True)
    if "value" in changes or "platform" in changes:
        if "value" in changes and changes["value"] is None:
            raise InvalidInput("value cannot be null")
        norm = _normalize(
            channel.kind,
            changes.get("value", channel.value),
            changes.get("platform", channel.platform),
        )
        await _ensure_unique(session, norm.key, norm.display, exclude_id=channel.id)
        changes.update(value=norm.value, platform=norm.platform, channel_key=norm.key)
    if "active" in changes and changes["active"] is None:
        raise InvalidInput("active cannot be null")
    before, after = diff(channel, changes)
    if not after:
        return channel
    after.pop("channel_key", None)
    before.pop("channel_key", None)
    channel.updated_at = now
    await session.flush()
    await _register_changed(session, now)
    record(
        session,
        entity="official_channel",
        entity_id=channel.id,
        action="updated",
        actor=actor,
        at=now,
        before=before,
        after=after,
    )
    return channel


async def delete_channel(
    session: AsyncSession, channel_id: int, *, actor: Agent | None, now: datetime
) -> None:
    """Remove an official channel from the register (audited with its last state)."""
    channel = await get_channel(session, channel_id)
    snapshot = _snapshot(channel)
    await session.delete(channel)
    await session.flush()
    await _register_changed(session, now)
    record(
        session,
        entity="official_channel",
        entity_id=channel_id,
        action="deleted",
        actor=actor,
        at=now,
        before=snapshot,
    )


async def load_demo_channels(session: AsyncSession, now: datetime) -> int:
    """Seed the demo exchange's register ("TrustDesk Exchange"); a second call adds nothing.

    Returns how many channels were added.
    """
    added = 0
    for kind, value, platform, note in DEMO_CHANNELS:
        norm = normalize_channel(kind, value, platform)
        if await repository.channel_by_key(session, norm.key) is not None:
            continue
        channel = OfficialChannelEntry(
            kind=str(norm.kind),
            value=norm.value,
            platform=norm.platform,
            channel_key=norm.key,
            note=note,
            active=True,
            created_at=now,
            updated_at=now,
        )
        session.add(channel)
        await session.flush()
        record(
            session,
            entity="official_channel",
            entity_id=channel.id,
            action="created",
            actor=None,
            at=now,
            after=_snapshot(channel),
        )
        added += 1
    if added:
        await _register_changed(session, now)
    return added


# ---------------------------------------------------------------------------------------------
# Public check
# ---------------------------------------------------------------------------------------------


def _display(verdict: ChannelVerdict, raw: str) -> str:
    value = verdict.normalized or raw.strip()
    if verdict.kind is ChannelKind.HANDLE and not value.startswith("@") and ":" not in value:
        return "@" + value
    return value


def _summary(verdict: ChannelVerdict, value: str, language: str) -> str:
    if verdict.verdict is Verdict.OFFICIAL:
        return messages.text(language, "official", value=value)
    if verdict.verdict is Verdict.LOOKALIKE:
        if verdict.matched_official:
            return messages.text(
                language, "lookalike", value=value, official=verdict.matched_official
            )
        return messages.text(language, "lookalike_noref", value=value)
    if verdict.verdict is Verdict.INVALID:
        return messages.text(language, "invalid")
    return messages.text(language, "unknown", value=value)


def _reason_codes(verdict: ChannelVerdict) -> list[str]:
    codes = [str(r) for r in verdict.reasons]
    if verdict.verdict is Verdict.UNKNOWN and "not_official" not in codes:
        codes.append("not_official")
    return list(dict.fromkeys(codes))


async def check_value(
    session: AsyncSession, value: str, *, platform: str | None, language: str
) -> ChannelCheckResult:
    """Is `value` one of our official channels, or an impersonation? Reads only."""
    loaded = await current_register(session)
    verdict = check_channel(value, loaded.register, platform=platform)
    if verdict.verdict is Verdict.OFFICIAL and verdict.kind is ChannelKind.DOMAIN:
        # A host under several registered domains names the most specific one, every time.
        best = loaded.domain_for(verdict.normalized)
        if best is not None:
            verdict.matched_official = best.value
    shown = _display(verdict, value)
    entry = (
        loaded.find(verdict.matched_official, verdict.platform or platform)
        if verdict.verdict in (Verdict.OFFICIAL, Verdict.LOOKALIKE)
        else None
    )
    codes = [] if verdict.verdict is Verdict.OFFICIAL else _reason_codes(verdict)
    return ChannelCheckResult(
        value=value,
        normalized=verdict.normalized,
        kind=verdict.kind,
        verdict=verdict.verdict,
        official=verdict.verdict is Verdict.OFFICIAL,
        platform=verdict.platform or platform,
        matched_official=verdict.matched_official,
        channel=ChannelMatch(
            id=entry.id,
            kind=entry.kind,
            value=entry.value,
            platform=entry.platform,
            note=entry.note,
        )
        if entry
        else None,
        score=verdict.score,
        language=language,
        summary=_summary(verdict, shown, language),
        reasons=[ReasonRead(code=c, text=messages.text(language, c)) for c in codes],
        advice=messages.text(language, "advice"),
    )


# ---------------------------------------------------------------------------------------------
# Inbound messages
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LookalikeWarning:
    """A look-alike found in an inbound message, as recorded, with the text for each side.

    `customer_text` is in the customer's language and safe to show them; `agent_text` is for
    the desk (English) and names the reasons.
    """

    contact_id: int
    value: str
    kind: str
    matched_official: str | None
    reasons: list[str]
    score: float
    language: str
    customer_text: str
    agent_text: str


_REASON_LABELS = {
    "homoglyph": "look-alike characters",
    "punycode": "mixed alphabets (punycode)",
    "typo": "misspelling",
    "added_word": "added word",
    "other_tld": "other TLD",
    "subdomain_abuse": "brand as subdomain of a foreign domain",
    "free_hosting": "free hosting",
    "brand_in_path": "brand only in the link path",
    "userinfo": "destination hidden after '@'",
    "freemail": "free-mail address",
    "brand_in_local_part": "brand before '@' on a foreign domain",
    "not_official": "not in the register",
}


def _texts(
    value: str, kind: str, official: str | None, reasons: list[str], score: float, language: str
) -> tuple[str, str]:
    if official:
        head = messages.text(language, "lookalike", value=value, official=official)
    else:
        head = messages.text(language, "lookalike_noref", value=value)
    customer = f"{head} {messages.text(language, 'dont')}"
    why = ", ".join(_REASON_LABELS.get(r, r) for r in reasons) or "look-alike"
    agent = (
        f"Look-alike {kind} in the customer's message: {value}"
        + (f" imitates {official}" if official else "")
        + f" ({why}; score {score:.2f}). Never confirm it as ours; the customer was warned. "
        "Check the account for recent logins, security changes and withdrawals."
    )
    return customer, agent


async def _customer(session: AsyncSession, customer_id: int) -> Customer:
    customer = await session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(f"no customer with id {customer_id}")
    return customer


async def scan_inbound_message(
    session: AsyncSession,
    *,
    text: str,
    customer_id: int,
    ticket_id: int | None = None,
    conversation_id: int | None = None,
    now: datetime,
) -> list[LookalikeWarning]:
    """Find look-alikes of official channels in a customer's message, record each as a contact
    (`lookalike_contacts`, which withdrawal scoring reads as a signal) and return the warnings
    to show. Call it on every inbound customer message (ticket and chat). Returns [] when the
    text mentions none; flushes, never commits.
    """
    loaded = await current_register(session)
    verdicts = find_lookalikes_in_text(text, loaded.register)
    if not verdicts:
        return []
    customer = await _customer(session, customer_id)
    language = customer.language or "en"
    warnings: list[LookalikeWarning] = []
    for v in verdicts:
        shown = _display(v, v.normalized)[:512]
        reasons = [str(r) for r in v.reasons]
        contact = LookalikeContact(
            customer_id=customer_id,
            value=shown,
            kind=str(v.kind),
            brand=(v.brand or "")[:64] or None,
            matched_official=v.matched_official,
            reasons=reasons,
            score=float(v.score),
            ticket_id=ticket_id,
            conversation_id=conversation_id,
            at=now,
        )
        session.add(contact)
        await session.flush()
        customer_text, agent_text = _texts(
            shown, str(v.kind), v.matched_official, reasons, v.score, language
        )
        warnings.append(
            LookalikeWarning(
                contact_id=contact.id,
                value=shown,
                kind=str(v.kind),
                matched_official=v.matched_official,
                reasons=reasons,
                score=float(v.score),
                language=language,
                customer_text=customer_text,
                agent_text=agent_text,
            )
        )
    return warnings


async def list_warnings(
    session: AsyncSession, customer_id: int, *, after_id: int | None, limit: int
) -> list[WarningRead]:
    """A customer's recorded look-alike contacts, newest first, with both texts (agents)."""
    language = (await _customer(session, customer_id)).language or "en"
    rows = await repository.contacts_page(
        session, customer_id=customer_id, after_id=after_id, limit=limit
    )
    out = []
    for c in rows:
        customer_text, agent_text = _texts(
            c.value, c.kind, c.matched_official, list(c.reasons), c.score, language
        )
        out.append(
            WarningRead(
                id=c.id,
                customer_id=c.customer_id,
                value=c.value,
                kind=c.kind,
                matched_official=c.matched_official,
                reasons=list(c.reasons),
                score=c.score,
                ticket_id=c.ticket_id,
                conversation_id=c.conversation_id,
                at=c.at,
                agent_text=agent_text,
                customer_text=customer_text,
                language=language,
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# Address tags
# ---------------------------------------------------------------------------------------------


def _tag_snapshot(tag: AddressTagEntry) -> dict[str, Any]:
    return {
        "network": tag.network,
        "address": tag.address,
        "category": tag.category,
        "label": tag.label,
        "source": tag.source,
        "confidence": tag.confidence,
        "note": tag.note,
    }


async def create_tag(
    session: AsyncSession, data: TagCreate, *, actor: Agent | None, now: datetime
) -> AddressTagEntry:
    """Tag an address (exchange, bridge, mixer, ...) with its source and confidence."""
    address = normalize_address(data.address)
    if not address:
        raise InvalidInput("address is empty")
    existing = await repository.find_tag(
        session, data.network, address, str(data.category), data.source
    )
    if existing is not None:
        raise Conflict(
            f"{data.network} {address} already has a '{data.category}' tag from "
            f"'{data.source}' (tag {existing.id}); update it instead"
        )
    tag = AddressTagEntry(
        network=data.network,
        address=address,
        category=str(data.category),
        label=data.label,
        source=data.source,
        confidence=data.confidence,
        note=data.note,
        created_at=now,
        updated_at=now,
    )
    session.add(tag)
    await session.flush()
    record(
        session,
        entity="address_tag",
        entity_id=tag.id,
        action="created",
        actor=actor,
        at=now,
        after=_tag_snapshot(tag),
    )
    return tag


async def get_tag(session: AsyncSession, tag_id: int) -> AddressTagEntry:
    tag = await repository.get_tag(session, tag_id)
    if tag is None:
        raise NotFound(f"no address tag with id {tag_id}")
    return tag


async def update_tag(
    session: AsyncSession, tag_id: int, data: TagUpdate, *, actor: Agent | None, now: datetime
) -> AddressTagEntry:
    """Change a tag's category, label, confidence or note (audited)."""
    tag = await get_tag(session, tag_id)
    changes = data.model_dump(exclude_unset=True)
    if any(v is None for k, v in changes.items() if k != "note"):
        raise InvalidInput("only note can be set to null")
    if "category" in changes:
        changes["category"] = str(changes["category"])
        clash = await repository.find_tag(
            session, tag.network, tag.address, changes["category"], tag.source
        )
        if clash is not None and clash.id != tag.id:
            raise Conflict(f"tag {clash.id} already has that category from this source")
    before, after = diff(tag, changes)
    if after:
        tag.updated_at = now
        await session.flush()
        record(
            session,
            entity="address_tag",
            entity_id=tag.id,
            action="updated",
            actor=actor,
            at=now,
            before=before,
            after=after,
        )
    return tag


async def delete_tag(
    session: AsyncSession, tag_id: int, *, actor: Agent | None, now: datetime
) -> None:
    tag = await get_tag(session, tag_id)
    snapshot = _tag_snapshot(tag)
    await session.delete(tag)
    await session.flush()
    record(
        session,
        entity="address_tag",
        entity_id=tag_id,
        action="deleted",
        actor=actor,
        at=now,
        before=snapshot,
    )


# ---------------------------------------------------------------------------------------------
# Fund traces
# ---------------------------------------------------------------------------------------------


async def create_trace(
    session: AsyncSession, data: TraceCreate, *, actor: Agent | None, now: datetime
) -> FundTrace:
    """Record a case's stolen-fund starting points (addresses or txids) and the trace limits."""
    if data.customer_id is not None and await session.get(Customer, data.customer_id) is None:
        raise InvalidInput(f"no customer with id {data.customer_id}")
    if data.ticket_id is not None and await session.get(Ticket, data.ticket_id) is None:
        raise InvalidInput(f"no ticket with id {data.ticket_id}")
    starts = []
    for i, s in enumerate(data.starts):
        if s.kind is StartKind.ADDRESS and (s.amount is None or s.asset is None):
            raise InvalidInput(f"starts[{i}]: an address start needs the stolen amount and asset")
        starts.append(
            {
                "network": s.network,
                "kind": str(s.kind),
                "value": normalize_address(s.value) if s.kind is StartKind.ADDRESS else s.value,
                "asset": s.asset,
                "amount": None if s.amount is None else str(s.amount),
                "at": None if s.at is None else s.at.isoformat(),
            }
        )
    trace = FundTrace(
        case_reference=data.case_reference,
        title=data.title,
        customer_id=data.customer_id,
        ticket_id=data.ticket_id,
        starts=starts,
        max_hops=data.max_hops,
        min_amount=data.min_amount,
        status="new",
        created_by_id=actor.id if actor else None,
        created_at=now,
    )
    session.add(trace)
    await session.flush()
    record(
        session,
        entity="fund_trace",
        entity_id=trace.id,
        action="created",
        actor=actor,
        at=now,
        after={"case_reference": trace.case_reference, "starts": starts},
    )
    return trace


async def get_trace(session: AsyncSession, trace_id: int) -> FundTrace:
    trace = await repository.get_trace(session, trace_id)
    if trace is None:
        raise NotFound(f"no fund trace with id {trace_id}")
    return trace


def _starts(trace: FundTrace) -> list[TraceStart]:
    return [
        TraceStart(
            network=s["network"],
            kind=StartKind(s["kind"]),
            value=s["value"],
            asset=s.get("asset"),
            amount=None if s.get("amount") is None else Decimal(s["amount"]),
            at=None if s.get("at") is None else datetime.fromisoformat(s["at"]),
        )
        for s in trace.starts
    ]


async def run_trace(
    session: AsyncSession,
    trace_id: int,
    *,
    actor: Agent | None,
    now: datetime,
    graph: ChainGraph | None = None,
) -> FundTrace:
    """Follow the funds over the chain graph (our `chain_transfers` by default) and store the
    result on the trace. Running again replaces the result (new chain data, new tags)."""
    trace = await get_trace(session, trace_id)
    graph = graph or DbChainGraph(session)
    starts = _starts(trace)
    snapshot = await collect_snapshot(graph, starts, max_hops=trace.max_hops)
    result = trace_funds(
        snapshot, starts, max_hops=trace.max_hops, min_amount=trace.min_amount, now=now
    )
    data = result.to_dict()
    data["warnings"] = [
        f"txid {s.value} not found on {s.network}"
        for s in starts
        if s.kind is StartKind.TXID and not snapshot.by_txid.get((s.network, s.value.strip()))
    ]
    trace.result = data
    trace.status = "done"
    trace.ran_at = now
    await session.flush()
    record(
        session,
        entity="fund_trace",
        entity_id=trace.id,
        action="ran",
        actor=actor,
        at=now,
        after={
            "edges": len(result.edges),
            "exchanges": [x.address for x in result.exchanges],
            "truncated": result.truncated,
        },
    )
    return trace


# ---------------------------------------------------------------------------------------------
# Evidence export
# ---------------------------------------------------------------------------------------------


def _canonical(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def build_evidence(
    trace: FundTrace, *, now: datetime, exported_by: Agent | None = None
) -> dict[str, Any]:
    """The evidence package of a traced case (without its hash)."""
    if trace.result is None:
        raise Conflict(f"fund trace {trace.id} has not been run yet: run it first")
    result = trace.result
    tags_by_addr = {
        (a["network"], a["address"]): a["tags"] for a in result["addresses"] if a["tags"]
    }
    hops = [
        {
            "hop": e["hop"],
            "txid": e["txid"],
            "output_index": e["index"],
            "network": e["network"],
            "from": e["from"],
            "to": e["to"],
            "amount": e["amount"],
            "traced_amount": e["traced_amount"],
            "asset": e["asset"],
            "time": e["at"],
            "to_tags": tags_by_addr.get((e["network"], e["to"]), []),
        }
        for e in result["edges"]
    ]
    return {
        "format": "trustdesk.fund-trace-evidence/1",
        "case_reference": trace.case_reference,
        "trace_id": trace.id,
        "title": trace.title,
        "generated_at": now.isoformat(),
        "exported_by": {"id": exported_by.id, "name": exported_by.name} if exported_by else None,
        "traced_at": trace.ran_at.isoformat() if trace.ran_at else None,
        "attribution": result["attribution"],
        "max_hops": result["max_hops"],
        "min_amount": result["min_amount"],
        "truncated": result["truncated"],
        "starts": result["starts"],
        "total_started": result["total_started"],
        "first_exchanges": result["exchanges"],
        "hops": hops,
        "tagged_addresses": [
            {"network": n, "address": a, "tags": t} for (n, a), t in tags_by_addr.items()
        ],
    }


def export_json(evidence: dict[str, Any]) -> tuple[bytes, str]:
    """The evidence as JSON with `content_sha256`: the SHA-256 of the canonical JSON (sorted
    keys, no spaces, UTF-8) of the document without that field."""
    digest = hashlib.sha256(_canonical(evidence)).hexdigest()
    body = json.dumps({**evidence, "content_sha256": digest}, indent=2, ensure_ascii=False)
    return body.encode(), digest


def _tags_text(tags: list[dict[str, Any]]) -> str:
    return "; ".join(
        f"{t['category']}: {t['label']} (source: {t['source']}, confidence: {t['confidence']})"
        for t in tags
    )


def export_csv(evidence: dict[str, Any]) -> tuple[bytes, str]:
    """The evidence as CSV: `#` metadata rows, a header, one row per hop, then the exchanges
    found; the last row is `# sha256,<hex>`, the SHA-256 of every byte before that row."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    for key in (
        "format",
        "case_reference",
        "trace_id",
        "title",
        "generated_at",
        "traced_at",
        "attribution",
        "max_hops",
        "min_amount",
        "total_started",
        "truncated",
    ):
        w.writerow([f"# {key}", evidence[key]])
    by = evidence.get("exported_by")
    w.writerow(["# exported_by", f"{by['name']} (agent {by['id']})" if by else ""])
    for s in evidence["starts"]:
        w.writerow(
            ["# start", s["network"], s["kind"], s["value"], s["asset"] or "", s["amount"] or ""]
        )
    w.writerow(
        [
            "hop",
            "txid",
            "output_index",
            "network",
            "from",
            "to",
            "amount",
            "traced_amount",
            "asset",
            "time",
            "to_tags",
        ]
    )
    for h in evidence["hops"]:
        w.writerow(
            [
                h["hop"],
                h["txid"],
                h["output_index"],
                h["network"],
                h["from"],
                h["to"],
                h["amount"],
                h["traced_amount"],
                h["asset"],
                h["time"],
                _tags_text(h["to_tags"]),
            ]
        )
    for x in evidence["first_exchanges"]:
        w.writerow(
            [
                "# first_exchange",
                x["network"],
                x["address"],
                x["label"],
                f"source: {x['source']}",
                f"confidence: {x['confidence']}",
                f"amount: {x['amount']}",
                f"hop: {x['hop']}",
            ]
        )
    content = buf.getvalue().encode()
    digest = hashlib.sha256(content).hexdigest()
    return content + f"# sha256,{digest}\n".encode(), digest

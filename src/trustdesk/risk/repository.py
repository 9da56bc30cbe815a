"""Every query of withdrawal risk control, verifications and security cases.

History reads are bounded (a time window and a row limit) and served by the
(user_id, at|created_at) indexes, so scoring costs the same for a user with ten withdrawals
and one with ten thousand.

Look-alike contacts are recorded once, by the anti-phishing side (`trustdesk.trust`, table
`lookalike_contacts`, per customer); scoring reads them here by the exchange's user id.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

import asyncpg
from pydantic_core import to_json
from sqlalchemy import (
    JSON,
    Float,
    Integer,
    Numeric,
    String,
    bindparam,
    cast,
    event,
    exists,
    func,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine.interfaces import PoolProxiedConnection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.util import greenlet_spawn

from trustdesk.models import Customer, Ticket
from trustdesk.models.risk import (
    CaseStatus,
    RiskAssessment,
    RiskDecision,
    RiskEvent,
    RiskRuleSet,
    RiskTotpSecret,
    RiskVerification,
    SecurityCase,
    SecurityCaseNote,
    VerificationStatus,
)
from trustdesk.models.trust import LookalikeContact
from trustdesk.risk.batch import Batcher
from trustdesk.risk.signals import PastWithdrawal, SeenEvent, UserHistory

HISTORY_LIMIT = 200


# -- rule sets -------------------------------------------------------------------------------


async def latest_rule_set(session: AsyncSession) -> RiskRuleSet | None:
    stmt = select(RiskRuleSet).order_by(RiskRuleSet.version.desc()).limit(1)
    return (await session.execute(stmt)).scalar_one_or_none()


async def rule_sets(session: AsyncSession, *, limit: int = 100) -> Sequence[RiskRuleSet]:
    stmt = select(RiskRuleSet).order_by(RiskRuleSet.version.desc()).limit(limit)
    return (await session.execute(stmt)).scalars().all()


async def rule_set(session: AsyncSession, version: int) -> RiskRuleSet | None:
    stmt = select(RiskRuleSet).where(RiskRuleSet.version == version)
    return (await session.execute(stmt)).scalar_one_or_none()


# -- events and history ----------------------------------------------------------------------


async def event_by_event_id(session: AsyncSession, event_id: str) -> RiskEvent | None:
    stmt = select(RiskEvent).where(RiskEvent.event_id == event_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def events_by_event_ids(session: AsyncSession, event_ids: Sequence[str]) -> set[str]:
    if not event_ids:
        return set()
    stmt = select(RiskEvent.event_id).where(RiskEvent.event_id.in_(event_ids))
    return set((await session.execute(stmt)).scalars().all())


async def store_new_events(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Store streamed events (RiskEvent columns), skipping event ids already stored: the
    exchange resends them. On the hot path, in one autocommitted batched INSERT."""
    if not rows:
        return
    hot = hot_path(session)
    if hot is not None:
        await hot.events.submit(rows)
        return
    known = await events_by_event_ids(session, [r["event_id"] for r in rows])
    for row in rows:
        if row["event_id"] not in known:
            session.add(RiskEvent(**row))
            known.add(row["event_id"])
    await session.flush()


async def seen_events(
    session: AsyncSession, user_id: str, since: datetime, *, limit: int = HISTORY_LIMIT
) -> list[SeenEvent]:
    stmt = (
        select(
            RiskEvent.kind,
            RiskEvent.at,
            RiskEvent.device_id,
            RiskEvent.ip,
            RiskEvent.country,
            RiskEvent.asn,
        )
        .where(RiskEvent.user_id == user_id, RiskEvent.at >= since)
        .order_by(RiskEvent.at.desc())
        .limit(limit)
    )
    return [SeenEvent(*row) for row in (await session.execute(stmt)).all()]


async def past_withdrawals(
    session: AsyncSession, user_id: str, since: datetime, *, limit: int = HISTORY_LIMIT
) -> list[PastWithdrawal]:
    stmt = (
        select(
            RiskAssessment.created_at,
            RiskAssessment.asset,
            RiskAssessment.amount,
            RiskAssessment.to_address,
            RiskAssessment.balance_before,
            RiskAssessment.device_id,
            RiskAssessment.ip,
            RiskAssessment.country,
            RiskAssessment.asn,
            RiskAssessment.decision,
            RiskAssessment.action_state,
        )
        .where(RiskAssessment.user_id == user_id, RiskAssessment.created_at >= since)
        .order_by(RiskAssessment.created_at.desc())
        .limit(limit)
    )
    out = []
    for at, asset, amount, to, balance, device, ip, country, asn, decision, state in (
        await session.execute(stmt)
    ).all():
        completed = (
            decision in (RiskDecision.approve, RiskDecision.step_up) or state == "released"
        ) and state != "frozen"
        out.append(
            PastWithdrawal(
                at=at,
                asset=asset,
                amount=float(amount),
                to_address=to,
                balance_before=float(balance),
                device_id=device,
                ip=ip,
                country=country,
                asn=asn,
                decision=decision,
                completed=completed,
            )
        )
    return out


async def lookalike_contacts(
    session: AsyncSession, user_id: str, since: datetime
) -> list[datetime]:
    """When the user was in contact with a look-alike support channel, newest first."""
    stmt = (
        select(LookalikeContact.at)
        .join(Customer, Customer.id == LookalikeContact.customer_id)
        .where(Customer.external_id == user_id, LookalikeContact.at >= since)
        .order_by(LookalikeContact.at.desc())
        .limit(HISTORY_LIMIT)
    )
    return list((await session.execute(stmt)).scalars().all())


async def under_review(session: AsyncSession, user_id: str) -> bool:
    stmt = select(
        exists().where(SecurityCase.user_id == user_id, SecurityCase.status != CaseStatus.closed)
    )
    return bool((await session.execute(stmt)).scalar())


@dataclass(frozen=True)
class ScoringContext:
    history: UserHistory
    already_scored: bool


def _completed(decision: str | None, state: str | None) -> bool:
    return (
        decision in (RiskDecision.approve, RiskDecision.step_up) or state == "released"
    ) and state != "frozen"


@cache
def _scoring_statement() -> Any:
    """Built once: a prebuilt statement skips construction and cache-key work per call."""
    user_id: Any = bindparam("user_id")
    since: Any = bindparam("since")
    a = RiskAssessment
    withdrawals = (
        select(
            literal("w").label("src"),
            a.created_at.label("at"),
            a.decision.label("kind"),
            a.device_id,
            a.ip,
            a.country,
            a.asn,
            a.asset,
            a.amount,
            a.to_address,
            a.balance_before,
            a.action_state,
        )
        .where(a.user_id == user_id, a.created_at >= since)
        .order_by(a.created_at.desc())
        .limit(HISTORY_LIMIT)
        .subquery()
    )
    e = RiskEvent
    events = (
        select(
            literal("e").label("src"),
            e.at,
            e.kind,
            e.device_id,
            e.ip,
            e.country,
            e.asn,
            null().cast(String).label("asset"),
            null().cast(Numeric(38, 18)).label("amount"),
            null().cast(String).label("to_address"),
            null().cast(Numeric(38, 18)).label("balance_before"),
            null().cast(String).label("action_state"),
        )
        .where(e.user_id == user_id, e.at >= since)
        .order_by(e.at.desc())
        .limit(HISTORY_LIMIT)
        .subquery()
    )
    c = LookalikeContact
    contacts = (
        select(literal("c").label("src"), c.at)
        .join(Customer, Customer.id == c.customer_id)
        .where(Customer.external_id == user_id, c.at >= bindparam("contacts_since"))
        .order_by(c.at.desc())
        .limit(HISTORY_LIMIT)
        .subquery()
    )
    case = (
        select(literal("r").label("src"), SecurityCase.created_at.label("at"))
        .where(SecurityCase.user_id == user_id, SecurityCase.status != CaseStatus.closed)
        .limit(1)
        .subquery()
    )
    scored = (
        select(literal("x").label("src"), a.created_at.label("at"))
        .where(a.withdrawal_id == bindparam("withdrawal_id"))
        .subquery()
    )

    def short(sub: Any) -> Any:
        return select(
            sub.c.src,
            sub.c.at,
            null().cast(String),
            null().cast(String),
            null().cast(String),
            null().cast(String),
            null().cast(Integer),
            null().cast(String).label("asset"),
            null().cast(Numeric(38, 18)).label("amount"),
            null().cast(String).label("to_address"),
            null().cast(Numeric(38, 18)).label("balance_before"),
            null().cast(String).label("action_state"),
        )

    return union_all(
        select(withdrawals), select(events), short(contacts), short(case), short(scored)
    )


def _history(rows: Sequence[Sequence[Any]]) -> ScoringContext:
    """One user's rows of the history read (src, at, kind, device, ip, country, asn, asset,
    amount, to_address, balance_before, action_state) as the scorer's input."""
    seen: list[SeenEvent] = []
    past: list[PastWithdrawal] = []
    contact_times: list[datetime] = []
    review = already = False
    for src, at, kind, device, ip, country, asn, asset, amount, to, balance, state in rows:
        if isinstance(at, str):  # SQLite hands back text for a UNION column
            at = datetime.fromisoformat(at).replace(tzinfo=UTC)
        elif at is not None and at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
        if src == "w":
            past.append(
                # Positional (in field order): one per past withdrawal, on every decision.
                PastWithdrawal(
                    at,
                    asset,
                    float(amount),
                    to,
                    float(balance),
                    device,
                    ip,
                    country,
                    asn,
                    kind,
                    _completed(kind, state),
                )
            )
        elif src == "e":
            seen.append(SeenEvent(kind, at, device, ip, country, asn))
        elif src == "c":
            contact_times.append(at)
        elif src == "r":
            review = True
        else:
            already = True
    return ScoringContext(UserHistory(seen, past, contact_times, review), already)


async def scoring_context(
    session: AsyncSession,
    user_id: str,
    withdrawal_id: str,
    *,
    since: datetime,
    contacts_since: datetime,
) -> ScoringContext:
    """Everything one decision reads, in ONE round trip (a UNION ALL of bounded, indexed
    slices): past withdrawals, events, look-alike contacts, an open case, and whether this
    withdrawal was already scored. Round trips, not rows, dominate the latency.

    On PostgreSQL outside a transaction the read joins the other decisions' reads waiting at
    that moment (`hot_path`); in a transaction it runs on the session's connection, so it
    sees what the transaction wrote."""
    hot = hot_path(session)
    if hot is not None:
        return await hot.reads.submit((user_id, withdrawal_id, since, contacts_since))
    params = {
        "user_id": user_id,
        "since": since,
        "contacts_since": contacts_since,
        "withdrawal_id": withdrawal_id,
    }
    # On the session's connection (Core): no ORM execution machinery, rows are plain tuples.
    conn = await session.connection()
    return _history((await conn.execute(_scoring_statement(), params)).all())


# -- assessments -----------------------------------------------------------------------------


@cache
def _insert_assessment_statement() -> Any:
    """Built once on the table (not the ORM entity): executing it with a plain parameter dict
    skips the ORM bulk-insert path and the per-call cache key over twenty-odd values."""
    table: Any = RiskAssessment.__table__
    return table.insert().returning(table.c.id)


async def insert_assessment(session: AsyncSession, values: dict[str, Any]) -> int | None:
    """Store one scored withdrawal (every value) in one INSERT; its id, or None when the
    withdrawal id is already stored (the exchange retried while the first call ran).

    On PostgreSQL outside a transaction the row joins the others waiting at that moment in
    one autocommitted multi-row INSERT (`hot_path`): committed, hence durable, when this
    returns. In a transaction it is part of it, and a duplicate raises IntegrityError."""
    hot = hot_path(session)
    if hot is not None:
        return await hot.inserts.submit(values)
    conn = await session.connection()
    return int((await conn.execute(_insert_assessment_statement(), values)).scalar_one())


# -- the decision hot path on PostgreSQL -----------------------------------------------------
#
# The statements above, compiled once for asyncpg and run on the driver's connection with
# `fetchmany`: every decision of a batch gets its own execution of the same prepared
# statement, all sent in one round trip, on one connection checkout. asyncpg sends them as
# one implicit transaction: the batch's rows commit together, with one WAL flush.


@dataclass(frozen=True)
class _DriverStatement:
    sql: str
    names: tuple[str, ...]  # the parameter of each $n
    fixed: dict[str, Any]  # values the statement carries itself (literals, limits)
    json: frozenset[str]  # parameters sent as JSON text

    def args(self, params: dict[str, Any]) -> tuple[Any, ...]:
        """Positional arguments; a parameter neither given nor fixed is NULL. JSON goes as
        text (what SQLAlchemy's asyncpg codec takes), written by pydantic-core: a third of
        `json.dumps`'s time for the ~2 KB of signals."""
        fixed, json_params = self.fixed, self.json
        return tuple(
            to_json(params[n]).decode() if n in json_params else params.get(n, fixed.get(n))
            for n in self.names
        )


def _for_driver(stmt: Any, json_params: frozenset[str] = frozenset()) -> _DriverStatement:
    compiled = stmt.compile(dialect=asyncpg_dialect())  # type: ignore[no-untyped-call]
    names = tuple(compiled.positiontup or ())
    fixed = {
        name: compiled.binds[name].effective_value
        for name in names
        if not compiled.binds[name].required
    }
    return _DriverStatement(compiled.string, names, fixed, json_params)


@cache
def _hot_read() -> _DriverStatement:
    """The history read, each row tagged with its request's place in the batch. Amounts come
    back as floats, which is what the scorer uses (no Decimal built per row)."""
    rows = _scoring_statement().subquery()
    as_float = {"amount", "balance_before"}
    return _for_driver(
        select(
            bindparam("i", type_=Integer),
            *(cast(c, Float) if c.name in as_float else c for c in rows.c),
        )
    )


@cache
def _hot_event_insert() -> _DriverStatement:
    """The INSERT of one streamed event; an event id already stored is skipped."""
    table: Any = RiskEvent.__table__
    columns = [c for c in table.columns if not c.primary_key]
    stmt = (
        pg_insert(table)
        .values({c.name: bindparam(c.name, type_=c.type) for c in columns})
        .on_conflict_do_nothing(index_elements=[table.c.event_id])
    )
    return _for_driver(stmt)


@cache
def _hot_insert() -> _DriverStatement:
    """The assessment INSERT (every column but the id); a stored withdrawal id is skipped."""
    table: Any = RiskAssessment.__table__
    columns = [c for c in table.columns if not c.primary_key]
    stmt = (
        pg_insert(table)
        .values({c.name: bindparam(c.name, type_=c.type) for c in columns})
        .on_conflict_do_nothing(index_elements=[table.c.withdrawal_id])
        .returning(table.c.withdrawal_id, table.c.id)
    )
    json_columns = frozenset(c.name for c in columns if c.type._type_affinity is JSON)
    return _for_driver(stmt, json_columns)


class HotPath:
    """The batched history read and assessment INSERT of one PostgreSQL engine.

    Between batches it keeps the (at most four) connections it uses checked out, "parked":
    a checkout and hand-back through the pool cost ~0.05 ms, paid twice per decision
    otherwise. A connection parked for longer than `PARK_S` goes back to the pool before
    its next use (so the pool's recycling applies); all are closed when the engine is
    disposed (the app's shutdown)."""

    PARK_S = 10.0

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        # Its batches' tasks and its parked connections belong to this event loop.
        self.loop = asyncio.get_running_loop()
        self.reads: Batcher[tuple[str, str, datetime, datetime], ScoringContext] = Batcher(
            self._read, in_flight=2
        )
        # Two in flight: a decision arriving while a batch waits for its WAL flush need not
        # wait for that flush and then its own.
        self.inserts: Batcher[dict[str, Any], int | None] = Batcher(self._insert, in_flight=2)
        self.events: Batcher[Sequence[dict[str, Any]], None] = Batcher(self._insert_events)
        self._parked: list[tuple[PoolProxiedConnection, float]] = []
        self._disposed = False
        event.listen(engine.sync_engine, "engine_disposed", self._close_parked)

    def _close_parked(self, _engine: Any) -> None:
        self._disposed = True
        parked, self._parked = self._parked, []
        for raw, _ in parked:
            # Closed, not handed back: the engine is shutting down. Nothing to do if it fails.
            with contextlib.suppress(Exception):
                raw.invalidate()

    async def _checkout(self) -> tuple[PoolProxiedConnection, bool]:
        """A connection, and whether it was parked (it may have been dropped meanwhile)."""
        now = time.monotonic()
        while self._parked:
            raw, since = self._parked.pop()
            if now - since < self.PARK_S:
                return raw, True
            await greenlet_spawn(raw.close)
        return await self.engine.raw_connection(), False

    async def _fetchmany(self, statement: _DriverStatement, args: list[tuple[Any, ...]]) -> Any:
        # A pool connection used through the driver only: SQLAlchemy begins no transaction
        # on it, and the driver's statements here need none.
        while True:
            raw, parked = await self._checkout()
            driver = raw.driver_connection
            assert driver is not None
            try:
                if len(args) == 1:  # the same, minus executemany's machinery: ~15 µs less
                    rows = await driver.fetch(statement.sql, *args[0])
                else:
                    rows = await driver.fetchmany(statement.sql, args)
            except BaseException as exc:
                lost = not isinstance(exc, asyncpg.PostgresError) or driver.is_closed()
                if lost:
                    # Dropped, or cancelled halfway through the protocol: never reuse it.
                    raw.invalidate(exc if isinstance(exc, Exception) else None)
                # In a greenlet: handing back an overflow connection closes it, which awaits.
                await greenlet_spawn(raw.close)
                if lost and parked and isinstance(exc, Exception):
                    # The server dropped it while it was parked (a restart, an idle timeout):
                    # once more on a fresh one. Safe for these statements: an INSERT that did
                    # commit is skipped by its ON CONFLICT the second time.
                    continue
                raise
            if self._disposed:
                await greenlet_spawn(raw.close)
            else:
                self._parked.append((raw, time.monotonic()))
            return rows

    async def _read(
        self, batch: Sequence[tuple[str, str, datetime, datetime]]
    ) -> list[ScoringContext]:
        statement = _hot_read()
        args = [
            statement.args(
                {
                    "i": i,
                    "user_id": user_id,
                    "withdrawal_id": withdrawal_id,
                    "since": since,
                    "contacts_since": contacts_since,
                }
            )
            for i, (user_id, withdrawal_id, since, contacts_since) in enumerate(batch)
        ]
        per_request: list[list[Any]] = [[] for _ in batch]
        for row in await self._fetchmany(statement, args):
            per_request[row[0]].append(row[1:])
        return [_history(rows) for rows in per_request]

    async def _insert_events(self, batch: Sequence[Sequence[dict[str, Any]]]) -> list[None]:
        statement = _hot_event_insert()
        await self._fetchmany(statement, [statement.args(row) for rows in batch for row in rows])
        return [None] * len(batch)

    async def _insert(self, batch: Sequence[dict[str, Any]]) -> list[int | None]:
        statement = _hot_insert()
        # A withdrawal id twice in one batch: the second is a retry of the first.
        first: dict[str, int] = {}
        args = [
            statement.args(values)
            for i, values in enumerate(batch)
            if first.setdefault(values["withdrawal_id"], i) == i
        ]
        stored = dict(await self._fetchmany(statement, args))
        return [
            stored.get(values["withdrawal_id"]) if first[values["withdrawal_id"]] == i else None
            for i, values in enumerate(batch)
        ]


_hot_paths: weakref.WeakKeyDictionary[Any, HotPath] = weakref.WeakKeyDictionary()


def hot_path(session: AsyncSession) -> HotPath | None:
    """The engine's batched path, where it applies: PostgreSQL, and no transaction open on
    this session (its reads must see its own writes, and its writes commit together)."""
    bind = session.bind
    if (
        not isinstance(bind, AsyncEngine)
        or bind.dialect.name != "postgresql"
        or session.in_transaction()
    ):
        return None
    key = bind.sync_engine
    hot = _hot_paths.get(key)
    if hot is None or hot.loop is not asyncio.get_running_loop() or hot.engine is not bind:
        hot = _hot_paths[key] = HotPath(bind)
    return hot


async def assessment_by_withdrawal(
    session: AsyncSession, withdrawal_id: str, *, for_update: bool = False
) -> RiskAssessment | None:
    stmt = select(RiskAssessment).where(RiskAssessment.withdrawal_id == withdrawal_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def assessments_of_user(
    session: AsyncSession, user_id: str, *, limit: int = HISTORY_LIMIT
) -> Sequence[RiskAssessment]:
    stmt = (
        select(RiskAssessment)
        .where(RiskAssessment.user_id == user_id)
        .order_by(RiskAssessment.created_at.desc())
        .limit(limit)
    )
    return (await session.execute(stmt)).scalars().all()


async def events_of_user(
    session: AsyncSession, user_id: str, *, limit: int = HISTORY_LIMIT
) -> Sequence[RiskEvent]:
    stmt = (
        select(RiskEvent)
        .where(RiskEvent.user_id == user_id)
        .order_by(RiskEvent.at.desc())
        .limit(limit)
    )
    return (await session.execute(stmt)).scalars().all()


async def assessment(session: AsyncSession, assessment_id: int) -> RiskAssessment | None:
    return await session.get(RiskAssessment, assessment_id)


async def assessments_in_state(
    session: AsyncSession, state: str, *, before: datetime, limit: int
) -> list[int]:
    """Ids of assessments left in `state` since before `before`, oldest first (served by a
    partial index for the one state the worker looks for, "acting")."""
    stmt = (
        select(RiskAssessment.id)
        .where(RiskAssessment.action_state == state, RiskAssessment.created_at < before)
        .order_by(RiskAssessment.created_at)
        .limit(limit)
    )
    return list((await session.execute(stmt)).scalars().all())


async def assessment_for_update(session: AsyncSession, assessment_id: int) -> RiskAssessment | None:
    stmt = select(RiskAssessment).where(RiskAssessment.id == assessment_id).with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


# -- customers -------------------------------------------------------------------------------


async def customer_by_external_id(session: AsyncSession, external_id: str) -> Customer | None:
    stmt = select(Customer).where(Customer.external_id == external_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def get_or_create_customer(session: AsyncSession, external_id: str) -> tuple[Customer, bool]:
    """The customer with this exchange user id, and whether it was created just now."""
    customer = await customer_by_external_id(session, external_id)
    if customer is not None:
        return customer, False
    # INSERT ... ON CONFLICT DO NOTHING RETURNING, in one round trip: a customer created at
    # the same moment elsewhere (the other worker, a chat) makes it return nothing instead
    # of failing the transaction (no savepoint needed).
    assert session.bind is not None
    insert = pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    stmt = (
        insert(Customer)
        .values(external_id=external_id)
        .on_conflict_do_nothing(index_elements=[Customer.external_id])
        .returning(Customer)
    )
    created = (await session.execute(stmt)).scalar_one_or_none()
    if created is not None:
        return created, True
    found = await customer_by_external_id(session, external_id)
    assert found is not None, f"customer {external_id} neither stored nor found"
    return found, False


async def customer_tickets(
    session: AsyncSession, customer_id: int, *, limit: int = 100
) -> Sequence[Ticket]:
    stmt = (
        select(Ticket)
        .where(Ticket.customer_id == customer_id)
        .order_by(Ticket.id.desc())
        .limit(limit)
    )
    return (await session.execute(stmt)).scalars().all()


# -- verification ----------------------------------------------------------------------------


async def totp_secret(session: AsyncSession, customer_id: int) -> RiskTotpSecret | None:
    stmt = select(RiskTotpSecret).where(RiskTotpSecret.customer_id == customer_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def pending_verifications(
    session: AsyncSession, customer_id: int
) -> Sequence[RiskVerification]:
    stmt = (
        select(RiskVerification)
        .where(
            RiskVerification.customer_id == customer_id,
            RiskVerification.status == VerificationStatus.pending,
        )
        .order_by(RiskVerification.id.desc())
    )
    return (await session.execute(stmt)).scalars().all()


async def customer_verification(
    session: AsyncSession, customer_id: int, verification_id: int, *, for_update: bool = False
) -> RiskVerification | None:
    """Only ever one of this customer's verifications."""
    stmt = select(RiskVerification).where(
        RiskVerification.id == verification_id, RiskVerification.customer_id == customer_id
    )
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def verifications_of_customer(
    session: AsyncSession, customer_id: int
) -> Sequence[RiskVerification]:
    stmt = (
        select(RiskVerification)
        .where(RiskVerification.customer_id == customer_id)
        .order_by(RiskVerification.id.desc())
        .limit(HISTORY_LIMIT)
    )
    return (await session.execute(stmt)).scalars().all()


# -- security cases --------------------------------------------------------------------------


async def case(
    session: AsyncSession, case_id: int, *, for_update: bool = False
) -> SecurityCase | None:
    stmt = select(SecurityCase).where(SecurityCase.id == case_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def cases_page(
    session: AsyncSession,
    *,
    status: Sequence[CaseStatus],
    customer_id: int | None,
    assignee_id: int | None,
    after_id: int | None,
    limit: int,
) -> Sequence[SecurityCase]:
    stmt = select(SecurityCase)
    if status:
        stmt = stmt.where(SecurityCase.status.in_(list(status)))
    if customer_id is not None:
        stmt = stmt.where(SecurityCase.customer_id == customer_id)
    if after_id is not None:
        stmt = stmt.where(SecurityCase.id < after_id)
    stmt = stmt.order_by(SecurityCase.id.desc())
    if assignee_id is not None:
        # JSON containment differs between databases: filter the (bounded) page in Python.
        rows = (await session.execute(stmt.limit(limit * 10))).scalars().all()
        return [c for c in rows if assignee_id in (c.assignee_ids or [])][:limit]
    return (await session.execute(stmt.limit(limit))).scalars().all()


async def case_notes(session: AsyncSession, case_id: int) -> Sequence[SecurityCaseNote]:
    stmt = (
        select(SecurityCaseNote)
        .where(SecurityCaseNote.case_id == case_id)
        .order_by(SecurityCaseNote.id)
    )
    return (await session.execute(stmt)).scalars().all()


async def open_case_for_user(session: AsyncSession, user_id: str) -> SecurityCase | None:
    stmt = (
        select(SecurityCase)
        .where(SecurityCase.user_id == user_id, SecurityCase.status != CaseStatus.closed)
        .order_by(SecurityCase.id.desc())
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def count_agents(session: AsyncSession, agent_ids: Sequence[int]) -> int:
    from trustdesk.models import Agent

    stmt = select(func.count()).select_from(Agent).where(Agent.id.in_(list(agent_ids)))
    return int((await session.execute(stmt)).scalar_one())

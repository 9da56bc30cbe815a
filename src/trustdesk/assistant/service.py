"""The assistant's conversations: understand a message, run a flow, answer, hand off.

One turn: redact secrets, detect language / intent / mood, pick a flow from flows.yaml (or the
action a button named), run it against the customer's real account through the exchange
connector, render the catalog texts in the customer's language, and store the reply with its
sources, model and template version. Once a human agent has replied on the handoff ticket the
assistant stops answering: messages go to the ticket.
"""

from __future__ import annotations

import asyncio
import logging
import math
import re
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.assistant import repository, stepup
from trustdesk.assistant.flows import (
    FlowBook,
    Outcome,
    default_flowbook,
    extract_amount,
    extract_assets,
    extract_channels,
    extract_txid,
    extract_withdrawal_id,
    is_no,
    is_yes,
    run_steps,
)
from trustdesk.assistant.llm import (
    KB_ANSWER_PROMPT_VERSION,
    LLMError,
    LLMProvider,
    kb_answer_prompt,
)
from trustdesk.assistant.replies import catalog_version, render
from trustdesk.assistant.schemas import (
    ActionTaken,
    AssistantReply,
    Button,
    ButtonAction,
    Citation,
    ConversationRead,
    ConversationStart,
    Handoff,
    HistoryMessage,
    VerificationPrompt,
)
from trustdesk.errors import AppError, Conflict, InvalidInput, NotFound
from trustdesk.exchange import service as exchange
from trustdesk.exchange.chains import ChainRegistry, RegistryError
from trustdesk.exchange.connector import ExchangeConnector
from trustdesk.exchange.errors import ConnectorError
from trustdesk.exchange.types import SecurityEventKind, WithdrawalStatus
from trustdesk.knowledge.service import search_articles
from trustdesk.models import Customer, Ticket
from trustdesk.models.assistant import (
    Conversation,
    ConversationMessage,
    ConversationStatus,
    HandoffState,
    MessageRole,
)
from trustdesk.models.recovery import RecoveryCase, RecoveryStatus
from trustdesk.models.ticket import Channel, Priority, TicketStatus
from trustdesk.recovery import service as recovery
from trustdesk.risk import (
    DEFAULT_BRANDS,
    Brand,
    ChannelKind,
    ChannelRegister,
    OfficialChannel,
    Verdict,
    check_channel,
)
from trustdesk.risk import service as risk_service
from trustdesk.risk.schemas import VerificationResult
from trustdesk.tickets import repository as ticket_repository
from trustdesk.tickets import service as tickets
from trustdesk.tickets.schemas import TicketCreate
from trustdesk.triage.language import detect_language, normalize_language_tag
from trustdesk.triage.redaction import redact_secrets
from trustdesk.triage.sentiment import assess_sentiment
from trustdesk.trust.service import current_register, scan_inbound_message

log = logging.getLogger(__name__)

_REDACTION_MASK = re.compile(r"\[redacted: [^\]]*\]")

RULES_MODEL = "rules"
SECURITY_LOOKBACK = timedelta(days=7)
CREDENTIAL_CHANGES = {
    SecurityEventKind.PASSWORD_CHANGE,
    SecurityEventKind.TWO_FA_CHANGE,
    SecurityEventKind.EMAIL_CHANGE,
    SecurityEventKind.PHONE_CHANGE,
}
# Flows whose case goes to the security queue at P1 when handed off.
SECURITY_INTENTS = {"account_compromised", "phishing_check"}
FALLBACK_FLOWS = {"fallback", "sensitive_fallback"}
DEPOSIT_INTENTS = {"deposit_not_credited", "wrong_network", "missing_memo"}
# Deposit verdicts the "start recovery" button is offered for.
RECOVERABLE = frozenset({"wrong_network", "missing_memo", "wrong_memo", "unsupported_token"})
PLAIN_INTENTS = {None, "greeting", "thanks_goodbye", "talk_to_human", "other"}
# Intents a message with a txid keeps; any other (even "thanks") traces the deposit.
TXID_ELSEWHERE = frozenset(
    {"withdrawal_pending", "phishing_check", "account_compromised", "talk_to_human", "p2p_dispute"}
)
# A short question right after an answer ("how long will it take?") continues that topic unless
# it clearly names another: these intents are the model's guesses for such generic questions.
GENERIC_INTENTS = frozenset({"trading_question", "other", "card_or_fiat_payment", "api_trouble"})
CONTINUED_INTENTS = frozenset(
    {"deposit_not_credited", "wrong_network", "missing_memo", "withdrawal_pending", "kyc_status"}
)
# Below this a different concrete intent for a short follow-up is a guess, not a new topic.
NEW_TOPIC_MIN = 0.75
FOLLOW_UP_MAX_CHARS = 60


class ConversationNotFound(NotFound):
    """No such conversation among the customer's."""


class ConversationClosed(Conflict):
    """The conversation is closed; start a new one."""


# -- the intent model: loaded once per process, lazily -----------------------------------------

_classifier_lock = threading.Lock()
_classifier: Any = None


def get_classifier() -> Any:
    """The shipped crypto intent model (trained or loaded on first use, then shared)."""
    global _classifier
    if _classifier is None:
        with _classifier_lock:
            if _classifier is None:
                from trustdesk.assistant.intents import default_classifier

                _classifier = default_classifier()
    return _classifier


def set_classifier(model: Any) -> None:
    """Install a classifier (tests share one model across the session)."""
    global _classifier
    _classifier = model


# -- collaborators of a turn -------------------------------------------------------------------


@dataclass
class Context:
    """What a turn may use beyond the database: the exchange, the registry, the LLM."""

    connector: ExchangeConnector
    registry: ChainRegistry
    llm: LLMProvider | None = None
    flows: FlowBook | None = None

    @property
    def book(self) -> FlowBook:
        return self.flows or default_flowbook()


def channel_register(book: FlowBook) -> ChannelRegister:
    """The demo exchange's official channels and brand (until the admin register ships)."""
    channels = [
        OfficialChannel(ChannelKind(c["kind"]), str(c["value"]), c.get("platform"))
        for c in book.official_channels
    ]
    brand = book.brand
    brands = DEFAULT_BRANDS
    if brand:
        brands = (
            Brand(
                name=str(brand["name"]),
                domains=tuple(brand.get("domains", ())),
                tokens=tuple(brand.get("tokens", ())),
            ),
            *DEFAULT_BRANDS,
        )
    return ChannelRegister.of(channels, brands)


async def _official_register(session: AsyncSession, book: FlowBook) -> ChannelRegister:
    """The admin-managed register when it has entries; the flow book's own list otherwise."""
    loaded = await current_register(session)
    return loaded.register if loaded.entries else _register(book)


_registers: dict[int, ChannelRegister] = {}


def _register(book: FlowBook) -> ChannelRegister:
    if id(book) not in _registers:
        _registers[id(book)] = channel_register(book)
    return _registers[id(book)]


def _high_value(book: FlowBook, asset: str | None, amount: Any) -> bool:
    if asset is None or amount is None:
        return False
    limit = book.high_value.get(str(asset).upper(), book.high_value.get("default"))
    if limit is None:
        return False
    try:
        return Decimal(str(amount)) >= Decimal(str(limit))
    except ArithmeticError:
        return False


class _Effects:
    """The look-ups and side effects flows.yaml can name, for one customer's turn."""

    def __init__(
        self,
        session: AsyncSession,
        ctx: Context,
        customer: Customer,
        conversation: Conversation,
        now: datetime,
    ) -> None:
        self.session = session
        self.ctx = ctx
        self.customer = customer
        self.conversation = conversation
        self.now = now
        self.actions: list[ActionTaken] = []
        self.citations: list[Citation] = []
        self.sources: dict[str, Any] = {"lookups": [], "articles": []}
        self.handoff_priority: Priority | None = None
        self.handoff_intent: str | None = None
        # The ticket of a manual recovery case this turn linked the conversation to.
        self.recovery_ticket: Ticket | None = None
        # A pending step-up verification offered in this reply (answered in a form).
        self.verification: VerificationPrompt | None = None

    def _record(self, name: str, result: dict[str, Any]) -> dict[str, Any]:
        detail = {"name": name}
        if "verdict" in result:
            detail["verdict"] = result["verdict"]
        self.actions.append(ActionTaken(type="lookup", detail=detail))
        self.sources["lookups"].append(detail)
        return result

    async def lookup(self, name: str, ctx: dict[str, Any]) -> dict[str, Any]:
        handler = getattr(self, f"_lookup_{name}", None)
        if handler is None:
            raise InvalidInput(f"flows.yaml names an unknown look-up {name!r}")
        result: dict[str, Any] = await handler(ctx)
        return self._record(name, result)

    async def act(self, name: str, ctx: dict[str, Any], outcome: Outcome) -> dict[str, Any]:
        if name == "handoff":
            outcome.handoff = True
            return {}
        if name == "freeze_account":
            return await self._freeze(ctx)
        if name == "recover_deposit":
            return await self._recover(ctx, outcome)
        raise InvalidInput(f"flows.yaml names an unknown action {name!r}")

    # -- look-ups --------------------------------------------------------------------------

    async def _lookup_deposit(self, ctx: dict[str, Any]) -> dict[str, Any]:
        slots = ctx["slots"]
        registry = self.ctx.registry
        try:
            try:
                query = exchange.check_deposit_query(
                    registry, txid=slots.get("txid"), asset=slots.get("asset"), network=None
                )
            except AppError:
                query = exchange.check_deposit_query(
                    registry, txid=None, asset=slots.get("asset"), network=None
                )
            diagnosis = await exchange.diagnose_customer_deposit(
                self.ctx.connector, registry, self.customer.external_id, query, now=self.now
            )
        except AppError as exc:
            log.info("deposit look-up failed: %s", exc)
            return {"verdict": "lookup_failed", "facts": {}}
        facts = dict(diagnosis.facts)
        facts["verdict"] = diagnosis.verdict.value
        if diagnosis.verdict.value in ("wrong_network", "missing_memo", "wrong_memo"):
            facts.setdefault("sent_network", facts.get("network"))
        asset, amount = facts.get("asset"), facts.get("amount")
        if amount is None and diagnosis.deposit_id:
            # Held deposits hide their amount from the reply; it still decides the stakes.
            asset, amount = await self._deposit_amount(diagnosis.deposit_id)
        if _high_value(self.ctx.book, asset, amount):
            ctx["high_stakes"] = True
        return {
            "verdict": diagnosis.verdict.value,
            "next_step": diagnosis.next_step.value,
            "deposit_id": diagnosis.deposit_id,
            "facts": facts,
        }

    async def _deposit_amount(self, deposit_id: str) -> tuple[str | None, Decimal | None]:
        try:
            deposits = await self.ctx.connector.list_deposits(
                self.customer.external_id, since=self.now - exchange.DEPOSIT_LOOKBACK
            )
        except Exception:
            return None, None
        found = next((d for d in deposits if d.id == deposit_id), None)
        return (found.asset, found.amount) if found else (None, None)

    async def _lookup_withdrawal(self, ctx: dict[str, Any]) -> dict[str, Any]:
        result = await self._withdrawal_diagnosis(ctx)
        # Held by our risk control and waiting for the customer: offer the verification itself
        # (the one for this withdrawal when there are several), whatever the exchange says.
        prompts = await stepup.pending(self.session, self.customer, now=self.now)
        if prompts:
            wanted = result.get("withdrawal_id")
            prompt = next((p for p in prompts if p.withdrawal.id == wanted), prompts[0])
            self.verification = prompt
            result.update(stepup.prompt_facts(prompt, ctx.get("language")))
        return result

    async def offer_verification(self) -> list[str]:
        """The pending verification's message keys, when there is one (opening the chat)."""
        prompts = await stepup.pending(self.session, self.customer, now=self.now)
        if not prompts:
            return []
        self.verification = prompts[0]
        return ["verify_intro", f"verify_{prompts[0].method}"]

    async def _withdrawal_diagnosis(self, ctx: dict[str, Any]) -> dict[str, Any]:
        user = self.customer.external_id
        try:
            registry = await exchange.effective_registry(self.ctx.connector, self.ctx.registry)
            listed = list(await self.ctx.connector.list_withdrawals(user))
        except Exception as exc:  # connector failures of any kind: tell, offer a person
            log.info("withdrawal look-up failed: %s", exc)
            return {"verdict": "lookup_failed", "facts": {}}
        wanted = ctx["slots"].get("withdrawal_id")
        chosen = next((w for w in listed if w.id.lower() == (wanted or "")), None)
        if chosen is None:
            waiting = [
                w
                for w in listed
                if w.status not in (WithdrawalStatus.COMPLETED, WithdrawalStatus.REJECTED)
            ]
            recent = [w for w in listed if self.now - w.created_at <= timedelta(days=7)]
            chosen = next(iter(waiting or recent), None)
        if chosen is None:
            return {"verdict": "none", "facts": {}}
        from trustdesk.exchange.diagnosis import diagnose_withdrawal

        diagnosis = diagnose_withdrawal(registry, chosen, self.now)
        facts = dict(diagnosis.facts)
        facts["verdict"] = diagnosis.verdict.value
        if _high_value(self.ctx.book, facts.get("asset"), facts.get("amount")):
            ctx["high_stakes"] = True
        return {
            "verdict": diagnosis.verdict.value,
            "next_step": diagnosis.next_step.value,
            "withdrawal_id": diagnosis.withdrawal_id,
            "identity": "verify_identity" in facts.get("required_actions", []),
            "facts": facts,
        }

    async def _lookup_account(self, ctx: dict[str, Any]) -> dict[str, Any]:
        user = self.customer.external_id
        try:
            profile = await self.ctx.connector.get_profile(user)
            events = (
                list(
                    await self.ctx.connector.list_security_events(
                        user, self.now - SECURITY_LOOKBACK
                    )
                )
                if profile
                else []
            )
        except Exception as exc:
            log.info("account look-up failed: %s", exc)
            return {"verdict": "lookup_failed", "facts": {}}
        if profile is None:
            return {"verdict": "lookup_failed", "facts": {}}
        # Events come oldest first: the first login's device is the customer's usual one.
        usual = next((e.device_id for e in events if e.kind is SecurityEventKind.LOGIN), None)
        changes = [e for e in events if e.kind in CREDENTIAL_CHANGES]
        # A credential change from another device is worth a freeze offer. Only the fact is told
        # to the customer ("recent changes from a new device"), never how it was judged.
        suspicious = any(e.device_id and e.device_id != usual for e in changes)
        failed_2fa = any(e.kind is SecurityEventKind.TWO_FA_FAILED for e in events)
        facts = {
            "account_state": profile.account_state.value,
            "kyc_status": profile.kyc_status.value,
            "kyc_level": profile.kyc_level,
            "recent_security_changes": len(changes),
        }
        return {
            "verdict": profile.account_state.value,
            "suspicious": suspicious,
            "failed_2fa": failed_2fa,
            "facts": facts,
        }

    async def _lookup_channels(self, ctx: dict[str, Any]) -> dict[str, Any]:
        register = await _official_register(self.session, self.ctx.book)
        items = []
        for value in ctx["slots"].get("channels", [])[:5]:
            verdict = check_channel(value, register)
            label = verdict.verdict.value
            if verdict.verdict is Verdict.INVALID:
                label = Verdict.UNKNOWN.value
            items.append({"value": value, "verdict": label})
        lookalike = any(i["verdict"] == Verdict.LOOKALIKE.value for i in items)
        worst = (
            "lookalike"
            if lookalike
            else ("unknown" if any(i["verdict"] == "unknown" for i in items) else "official")
        )
        return {
            "verdict": worst if items else "none",
            "count": len(items),
            "items": items,
            "lookalike": lookalike,
            "facts": {"channels": items},
        }

    async def _lookup_fees(self, ctx: dict[str, Any]) -> dict[str, Any]:
        registry = self.ctx.registry
        assets = ctx["slots"].get("assets") or ["USDT"]
        networks = ctx["slots"].get("networks") or []
        items = []
        for asset in assets[:3]:
            try:
                entries = registry.asset_networks_for(asset)
            except RegistryError:
                continue
            for entry in entries:
                if networks and entry.network not in networks:
                    continue
                items.append(
                    {
                        "asset": entry.asset,
                        "network": entry.network,
                        "network_name": registry.network(entry.network).name,
                        "withdrawal_fee": str(entry.withdrawal_fee),
                        "min_withdrawal": str(entry.min_withdrawal),
                        "min_deposit": str(entry.min_deposit),
                    }
                )
        items = items[:8]
        return {"verdict": "listed", "count": len(items), "items": items, "facts": {"fees": items}}

    async def _lookup_kb(self, ctx: dict[str, Any]) -> dict[str, Any]:
        try:
            hits = await search_articles(self.session, ctx["text"], ctx["language"], limit=3)
        except Exception as exc:  # the knowledge base must never break a conversation
            log.warning("knowledge search failed: %s", exc)
            return {"verdict": "unavailable", "count": 0, "items": []}
        for hit in hits:
            self.citations.append(
                Citation(
                    article_id=getattr(hit, "article_id", ""),
                    slug=getattr(hit, "slug", None),
                    title=str(getattr(hit, "title", "")),
                    url=getattr(hit, "url", None),
                    snippet=getattr(hit, "snippet", None),
                    language=getattr(hit, "language", None),
                    category=getattr(hit, "category", None),
                )
            )
            self.sources["articles"].append(getattr(hit, "article_id", None))
        return {"verdict": "found" if hits else "none", "count": len(hits), "items": []}

    # -- side effects ----------------------------------------------------------------------

    async def _freeze(self, ctx: dict[str, Any]) -> dict[str, Any]:
        self.handoff_priority = Priority.P1
        self.handoff_intent = "account_compromised"
        try:
            await self.ctx.connector.freeze_account(
                self.customer.external_id, "customer request via assistant (suspected compromise)"
            )
        except Exception as exc:
            log.warning("freeze failed: %s", exc)
            return {"freeze": {"ok": False}}
        self.actions.append(ActionTaken(type="account_frozen", detail={"by": "customer_request"}))
        self.sources["lookups"].append({"name": "freeze_account", "verdict": "frozen"})
        return {"freeze": {"ok": True}}

    async def _recover(self, ctx: dict[str, Any], outcome: Outcome) -> dict[str, Any]:
        """The "start recovery" button: recover the deposit the flow diagnosed, by the txid it
        looked up (never asked again). Credited at once where the automatic rules allow,
        otherwise a manual case the conversation is handed to; every failure is an answer,
        never a 500."""
        txid = ctx.get("recovery_txid")
        if not txid:
            # Nothing to name the deposit by: a person takes it, with the conversation.
            outcome.handoff = True
            return self._recovered("handoff")
        try:
            # A savepoint: a credit refused half-way leaves no case, ticket or credit behind.
            async with self.session.begin_nested():
                attempt = await recovery.recover_deposit(
                    self.session,
                    self.ctx.connector,
                    self.ctx.registry,
                    self.customer,
                    txid=txid,
                    asset=None,
                    network=None,
                    manual=False,
                    now=self.now,
                    channel=Channel.chat,
                )
        except recovery.RecoveryInProgress:
            return self._recovered("in_progress")
        except (exchange.ExchangeUnavailable, exchange.ExchangeRefused, ConnectorError) as exc:
            log.warning("recovery failed, the exchange did not answer: %s", exc)
            return self._recovered("unavailable")
        except AppError as exc:  # no exchange account, a txid the exchange refuses...
            log.info("recovery not possible: %s", exc)
            return self._recovered("not_possible")
        case = attempt.case
        if attempt.outcome == "credited" and case is not None:
            name = "already_credited" if attempt.earlier else "credited"
            facts = _case_facts(case)
            self.actions.append(
                ActionTaken(
                    type="deposit_recovered",
                    detail={**facts, "reference": case.reference, "earlier": attempt.earlier},
                )
            )
            return self._recovered(name, facts, fee_charged=Decimal(case.fee or 0) > 0)
        if attempt.outcome == "manual_case" and case is not None:
            return await self._manual_case(case, earlier=attempt.earlier)
        if case is not None and case.status == RecoveryStatus.reversed:
            return self._recovered("reversed", _case_facts(case))
        if attempt.diagnosis.verdict.value == "credited":
            return self._recovered("not_needed", {"asset": attempt.diagnosis.facts.get("asset")})
        return self._recovered("not_possible")

    async def _manual_case(self, case: RecoveryCase, *, earlier: bool) -> dict[str, Any]:
        facts = _case_facts(case)
        ticket = await repository.ticket(self.session, case.ticket_id) if case.ticket_id else None
        detail: dict[str, Any] = {**facts, "status": str(case.status), "earlier": earlier}
        has_eta = False
        if ticket is not None:
            estimate = await tickets.estimate(self.session, ticket, now=self.now)
            queue = await ticket_repository.queue(self.session, ticket.queue_id)
            detail.update(
                queue=queue.key if queue else None,
                queue_position=estimate.queue_position,
                priority=ticket.priority,
            )
            if estimate.resolution_at is not None:
                hours = (estimate.resolution_at - self.now).total_seconds() / 3600
                facts["resolution_hours"] = max(1, math.ceil(hours))
                has_eta = True
            if self.conversation.ticket_id is None:
                # The case's ticket becomes the conversation's: the specialists see the chat,
                # and what the customer writes next reaches them.
                await _link_ticket(
                    self.session,
                    self.conversation,
                    self.customer,
                    self.ctx,
                    ticket,
                    reason=f"recovery case {case.id} opened from the chat",
                    now=self.now,
                )
                self.recovery_ticket = ticket
        self.actions.append(ActionTaken(type="recovery_case_opened", detail=detail))
        if self.recovery_ticket is not None:
            linked = self.recovery_ticket.id
            self.actions.append(ActionTaken(type="handoff", detail={"ticket_id": linked}))
        return self._recovered(
            "case_exists" if earlier else "case_opened",
            facts,
            has_fee=Decimal(case.fee or 0) > 0,
            has_eta=has_eta,
        )

    def _recovered(
        self, name: str, facts: dict[str, Any] | None = None, **flags: bool
    ) -> dict[str, Any]:
        self.sources["lookups"].append({"name": "recover_deposit", "verdict": name})
        return {"recovery": {"outcome": name, "facts": facts or {}, **flags}}


# -- turns -------------------------------------------------------------------------------------


def _slots(text: str, registry: ChainRegistry) -> dict[str, Any]:
    assets = set(registry.assets())
    networks: list[str] = []
    for word in text.replace(",", " ").split():
        try:
            networks.append(registry.network_code(word.strip(".!?()")))
        except RegistryError:
            continue
    amount = extract_amount(text, assets)
    found_assets = extract_assets(text, assets)
    slots: dict[str, Any] = {
        "txid": extract_txid(text),
        "withdrawal_id": extract_withdrawal_id(text),
        "channels": extract_channels(text),
        "assets": found_assets,
        "asset": found_assets[0] if len(found_assets) == 1 else None,
        "networks": list(dict.fromkeys(networks)),
    }
    if amount:
        slots["amount_value"], slots["amount_asset"] = str(amount[0]), amount[1]
    return {k: v for k, v in slots.items() if v not in (None, [], "")}


# How likely the runner-up intent of a "talk to a person" message must be to name the need.
STATED_NEED_MIN = 0.1
# How likely "talk to a person" must be, ranked after a concrete need, to count as asked for:
# a request for a person is never ignored because the message also says what is wrong.
ASKS_FOR_PERSON_MIN = 0.25
# A clause on its own must say "a person, please" this surely.
CLAUSE_PERSON_MIN = 0.8
# A security intent next to a withdrawal id wins from this probability on.
CLEAR_SECURITY_MIN = 0.8
_CLAUSE = re.compile(r"[,.;:!?\n，。；：！？、]+")


def _asks_for_person(ranking: list[tuple[str, float]]) -> bool:
    return any(name == "talk_to_human" and p >= ASKS_FOR_PERSON_MIN for name, p in ranking)


def _about_the_withdrawal(predicted: str, confidence: float, sure: bool) -> bool:
    """A message naming a withdrawal id is about it, unless it clearly asks something else
    (a person, or a security case: those keep their own flow)."""
    if predicted in ("withdrawal_pending", "talk_to_human"):
        return False
    return not (sure and predicted in SECURITY_INTENTS and confidence >= CLEAR_SECURITY_MIN)


def _follow_up(
    previous: str | None,
    predicted: str,
    confidence: float,
    sure: bool,
    slots: dict[str, Any],
    text: str,
) -> bool:
    """Whether a short message continues the conversation's topic rather than opening one."""
    if previous not in CONTINUED_INTENTS or predicted == previous:
        return False
    if len(text) > FOLLOW_UP_MAX_CHARS or {"txid", "withdrawal_id", "channels"} & set(slots):
        return False
    if not sure or predicted in GENERIC_INTENTS:
        return True
    return predicted in CONTINUED_INTENTS and confidence < NEW_TOPIC_MIN


def _clauses(text: str) -> list[str]:
    """The parts of a message of several clauses (none for a message of one)."""
    parts = [p.strip() for p in _CLAUSE.split(_REDACTION_MASK.sub(" ", text))]
    parts = [p for p in parts if len(p) >= 4]
    return parts[:4] if len(parts) > 1 else []


def _says_talk_to_human(prediction: Any) -> bool:
    return bool(prediction.intent == "talk_to_human" and prediction.confidence >= CLAUSE_PERSON_MIN)


def _stated_need(ranking: list[tuple[str, float]]) -> str | None:
    """The concrete problem a request for a person also states, from the intent ranking."""
    return next(
        (name for name, p in ranking[1:] if name not in PLAIN_INTENTS and p >= STATED_NEED_MIN),
        None,
    )


async def _handoff_view(
    session: AsyncSession, conversation: Conversation, *, now: datetime
) -> Handoff:
    if conversation.ticket_id is None:
        return Handoff(state=conversation.handoff_state)
    ticket = await repository.ticket(session, conversation.ticket_id)
    if ticket is None:
        return Handoff(state=HandoffState.none)
    if conversation.handoff_state is HandoffState.agent_joined or (
        ticket.first_response_at is not None
    ):
        replies = await repository.public_agent_replies(session, ticket.id)
        name = replies[0][1] if replies else None
        return Handoff(
            state=HandoffState.agent_joined,
            ticket_id=ticket.id,
            agent_name=name.split()[0] if name else None,
        )
    estimate = await tickets.estimate(session, ticket, now=now)
    wait = None
    if estimate.first_response_at is not None:
        wait = max(0, int((estimate.first_response_at - now).total_seconds()))
    return Handoff(
        state=HandoffState.queued,
        ticket_id=ticket.id,
        queue_position=estimate.queue_position,
        estimated_wait_seconds=wait,
    )


async def _sync_ticket(session: AsyncSession, conversation: Conversation) -> Ticket | None:
    """The open handoff ticket; a closed one ends the handoff (the assistant is back)."""
    if conversation.ticket_id is None:
        return None
    ticket = await repository.ticket(session, conversation.ticket_id)
    if ticket is None or ticket.status == TicketStatus.closed:
        conversation.ticket_id = None
        conversation.handoff_state = HandoffState.none
        conversation.status = ConversationStatus.open
        return None
    if ticket.first_response_at is not None and await repository.public_agent_replies(
        session, ticket.id
    ):
        conversation.handoff_state = HandoffState.agent_joined
    return ticket


def _transcript(messages: list[ConversationMessage]) -> str:
    lines = []
    for m in messages:
        who = "Customer" if m.role == MessageRole.customer else "Assistant"
        stamp = m.created_at.strftime("%H:%M")
        lines.append(f"[{stamp}] {who}: {m.body}")
    return "\n".join(lines)


async def _account_snapshot(ctx: Context, customer: Customer, now: datetime) -> str:
    try:
        panel = await exchange.customer_panel(
            ctx.connector, ctx.registry, customer.external_id, now=now
        )
    except Exception as exc:
        return f"(exchange account not available: {exc})"
    p = panel.profile
    lines = [
        f"user {p.user_id}: state {p.account_state.value}, KYC {p.kyc_status.value} "
        f"(level {p.kyc_level}), VIP {p.vip_level}",
        "balances: " + ", ".join(f"{b.asset} {b.available}/{b.locked}" for b in panel.balances),
    ]
    for dep, diag in panel.deposits[:5]:
        lines.append(f"deposit {dep.id}: {dep.amount} {dep.asset} {dep.network} → {diag.verdict}")
    for wd, wdiag in panel.withdrawals[:5]:
        lines.append(f"withdrawal {wd.id}: {wd.amount} {wd.asset} {wd.network} → {wdiag.verdict}")
    for event in panel.security_events[:5]:
        lines.append(
            f"security {event.kind.value} at {event.at:%Y-%m-%d %H:%M} "
            f"from {event.device_id or '?'} ({event.country or '?'})"
        )
    return "\n".join(lines)


def _amount(value: Any) -> str:
    number = Decimal(str(value or 0))
    return format(number.normalize(), "f") if number else "0"


def _case_facts(case: RecoveryCase) -> dict[str, Any]:
    """What the customer is told about a recovery case (never the rule that decided it)."""
    amount, fee = Decimal(case.amount), Decimal(case.fee or 0)
    credited = case.credited_amount if case.credited_amount is not None else amount - fee
    return {
        "case_id": case.id,
        "ticket_id": case.ticket_id,
        "asset": case.asset,
        "network": case.network,
        "amount": _amount(amount),
        "fee": _amount(fee),
        "credited_amount": _amount(credited),
    }


async def _handoff_note(
    session: AsyncSession,
    conversation: Conversation,
    customer: Customer,
    ctx: Context,
    *,
    reason: str,
    intent: str | None,
    now: datetime,
    history: list[ConversationMessage] | None = None,
) -> str:
    """The internal note a handoff leaves on the ticket: why, the diagnosis, the account and
    the transcript, so the person who picks it up never asks again."""
    if history is None:
        history = list(await repository.messages(session, conversation.id))
    diagnosis = conversation.state.get("diagnosis") or {}
    return "\n\n".join(
        [
            f"Handoff from the assistant (conversation {conversation.id}): {reason}",
            f"Intent: {intent} (confidence {conversation.state.get('confidence', '?')}); "
            f"language: {conversation.language}; flow: {conversation.flow}",
            "Diagnosis: "
            + (", ".join(f"{k}={v}" for k, v in diagnosis.items()) if diagnosis else "none"),
            "Account snapshot:\n" + await _account_snapshot(ctx, customer, now),
            "Transcript:\n" + _transcript(history),
        ]
    )


async def _link_ticket(
    session: AsyncSession,
    conversation: Conversation,
    customer: Customer,
    ctx: Context,
    ticket: Ticket,
    *,
    reason: str,
    now: datetime,
) -> None:
    """Hand the conversation to an existing ticket (a recovery case's) with the whole context."""
    note = await _handoff_note(
        session, conversation, customer, ctx, reason=reason, intent=ticket.intent, now=now
    )
    repository.add_bot_note(session, ticket.id, note, now=now)
    conversation.ticket_id = ticket.id
    conversation.handoff_state = HandoffState.queued
    conversation.status = ConversationStatus.handed_off
    await session.flush()


async def _open_handoff(
    session: AsyncSession,
    conversation: Conversation,
    customer: Customer,
    ctx: Context,
    effects: _Effects,
    *,
    reason: str,
    now: datetime,
) -> None:
    """Create the chat ticket with transcript, intent, diagnosis and account snapshot."""
    if conversation.ticket_id is not None:
        return  # already with the team: never a second ticket
    history = list(await repository.messages(session, conversation.id))
    said = [m.body for m in history if m.role == MessageRole.customer] or [reason]
    intent = effects.handoff_intent or conversation.intent
    priority = effects.handoff_priority
    if priority is None and intent in SECURITY_INTENTS:
        priority = Priority.P1
    ticket = await tickets.create_ticket(
        session,
        customer,
        TicketCreate(
            subject=f"Assistant handoff: {intent or 'conversation'}"[:300],
            body="\n".join(said)[-19_000:],
            channel=Channel.chat,
            language=conversation.language,
            intent=intent,
            tags=["assistant", f"conversation-{conversation.id}"],
        ),
        now=now,
        actor=customer,
        priority=priority,
    )
    note = await _handoff_note(
        session, conversation, customer, ctx, reason=reason, intent=intent, now=now,
        history=history,
    )  # fmt: skip
    repository.add_bot_note(session, ticket.id, note, now=now)
    conversation.ticket_id = ticket.id
    conversation.handoff_state = HandoffState.queued
    conversation.status = ConversationStatus.handed_off
    await session.flush()
    queue = await ticket_repository.queue(session, ticket.queue_id)
    effects.actions.append(
        ActionTaken(
            type="case_opened",
            detail={
                "ticket_id": ticket.id,
                "priority": ticket.priority,
                "queue": queue.key if queue else None,
                "intent": intent,
            },
        )
    )
    effects.actions.append(ActionTaken(type="handoff", detail={"ticket_id": ticket.id}))


def _recovery_txid(state: dict[str, Any]) -> str | None:
    """The transaction of the last recoverable deposit diagnosed in this conversation. It stays
    after the recovery, so a repeat press answers with the same case."""
    txid = state.get("recovery_txid")
    if txid is None and state.get("recovery"):
        txid = (state.get("diagnosis") or {}).get("txid")  # stored before recovery_txid existed
    return str(txid) if txid else None


def _buttons(actions: list[str], language: str) -> list[Button]:
    return [Button(action=ButtonAction(a), label=render(f"btn_{a}", language)) for a in actions]


async def _store_reply(
    session: AsyncSession,
    conversation: Conversation,
    *,
    texts: list[str],
    language: str,
    intent: str | None,
    confidence: float | None,
    flow: str | None,
    effects: _Effects,
    outcome: Outcome | None,
    buttons: list[str],
    handoff: Handoff,
    redactions: list[str],
    now: datetime,
    model: str = RULES_MODEL,
    prompt_version: str | None = None,
) -> AssistantReply:
    version = prompt_version or f"{effects.ctx.book.version}/{catalog_version()}"
    text = "\n\n".join(t for t in texts if t)
    reply_fields = {
        "flow": flow,
        "actions_taken": [a.model_dump() for a in effects.actions],
        "citations": [c.model_dump() for c in effects.citations],
        "facts": outcome.facts if outcome else {},
        "buttons": [b.model_dump() for b in _buttons(buttons, language)],
        "handoff": handoff.model_dump(),
        "asks": outcome.awaiting if outcome else None,
        "verification": (
            effects.verification.model_dump(mode="json") if effects.verification else None
        ),
    }
    message = ConversationMessage(
        conversation_id=conversation.id,
        role=MessageRole.assistant,
        body=text,
        language=language,
        intent=intent,
        confidence=confidence,
        reply=reply_fields,
        sources=effects.sources,
        model=model,
        prompt_version=version,
        created_at=now,
    )
    session.add(message)
    conversation.updated_at = now
    await session.flush()
    return AssistantReply(
        conversation_id=conversation.id,
        message_id=message.id,
        text=text,
        language=language,
        intent=intent,
        confidence=confidence,
        flow=flow,
        actions_taken=effects.actions,
        citations=effects.citations,
        facts=reply_fields["facts"],
        buttons=_buttons(buttons, language),
        handoff=handoff,
        redactions=redactions,
        asks=reply_fields["asks"],
        model=model,
        prompt_version=version,
        created_at=now,
        verification=effects.verification,
    )


def _verification_texts(keys: list[str], effects: _Effects, language: str) -> list[str]:
    if effects.verification is None:
        return []
    facts = stepup.prompt_facts(effects.verification, language)
    return [render(key, language, facts) for key in keys]


def _handoff_text(handoff: Handoff, language: str) -> str:
    if handoff.state is HandoffState.agent_joined:
        return render("agent_handling", language, {"agent_name": handoff.agent_name})
    wait = handoff.estimated_wait_seconds
    minutes = max(1, round((wait or 0) / 60)) if wait is not None else 10
    if handoff.queue_position:
        return render(
            "handoff_queued",
            language,
            {"queue_position": handoff.queue_position, "wait_minutes": minutes},
        )
    return render("handoff_assigned", language, {"wait_minutes": minutes})


async def _turn(
    session: AsyncSession,
    conversation: Conversation,
    customer: Customer,
    ctx: Context,
    *,
    now: datetime,
    text: str | None = None,
    action: ButtonAction | None = None,
    force_handoff: bool = False,
    opening: bool = False,
) -> AssistantReply:
    book = ctx.book
    effects = _Effects(session, ctx, customer, conversation, now)
    language = conversation.language
    redactions: list[str] = []
    warnings: list[str] = []
    lookalikes: list[str] = []
    intent: str | None = conversation.intent
    confidence: float | None = None
    clean = ""
    if text is not None:
        redacted = redact_secrets(text)
        clean = redacted.text
        redactions = [str(k) for k in redacted.redactions]
        # Our masks ("[redacted: password]") are English: they must not make a message English.
        guess = detect_language(
            _REDACTION_MASK.sub(" ", clean), hint=conversation.language or customer.language
        )
        if guess.code and not guess.from_hint:
            language = conversation.language = guess.code
        masked = False
        if await stepup.pending_count(session, customer, now=now):
            # A security check waits for a code in its form (offered in the chat or on the
            # page): a code typed here instead must never reach the transcript, the ticket or an
            # agent, so it is masked before anything is stored.
            clean, masked = stepup.mask_bare_codes(clean)
            if masked:
                redactions.append("otp_code")
                warnings.append(render("verify_code_redacted", language))
        session.add(
            ConversationMessage(
                conversation_id=conversation.id,
                role=MessageRole.customer,
                body=clean,
                redactions=redactions,
                language=language,
                created_at=now,
            )
        )
        await session.flush()
        if [r for r in redactions if not (masked and r == "otp_code")]:
            warnings.append(render("secret_warning", language))
        # Recorded as contacts too: a customer who met a look-alike is riskier to pay out.
        found_lookalikes = await scan_inbound_message(
            session,
            text=clean,
            customer_id=customer.id,
            conversation_id=conversation.id,
            now=now,
        )
        for warning in found_lookalikes[:3]:
            lookalikes.append(render("phishing_lookalike", language, {"value": warning.value}))

    ticket = await _sync_ticket(session, conversation)
    # A person is on it: the assistant stays quiet, except that a freeze is never delayed.
    freezing = action is ButtonAction.freeze_account
    if (
        ticket is not None
        and conversation.handoff_state is HandoffState.agent_joined
        and not freezing
    ):
        if text is not None:
            await tickets.add_customer_message(session, ticket, customer, clean, now=now)
        joined = await _handoff_view(session, conversation, now=now)
        texts = [*warnings, *lookalikes]
        texts.append(render("agent_handling", language, {"agent_name": joined.agent_name}))
        return await _store_reply(
            session, conversation, texts=texts, language=language, intent=intent,
            confidence=None, flow=conversation.flow, effects=effects, outcome=None, buttons=[],
            handoff=joined, redactions=redactions, now=now,
        )  # fmt: skip
    if ticket is not None and text is not None:
        # Queued: the team sees everything the customer adds while they wait.
        await tickets.add_customer_message(session, ticket, customer, clean, now=now)

    slots = _slots(clean, ctx.registry) if text is not None else {}
    sentiment = assess_sentiment(clean, language) if text is not None else None
    state = dict(conversation.state or {})
    steps: list[dict[str, Any]]
    flow = conversation.flow
    wants_person = False
    sure = True
    if force_handoff or action is not None:
        name = "talk_to_human" if force_handoff else str(action)
        if name == "start_recovery" and not _recovery_txid(state):
            raise Conflict("no recovery case to open in this conversation")
        steps = book.actions[name]
        if name == "talk_to_human":
            effects.handoff_intent = conversation.intent
    else:
        # The masks ("[redacted: password]") are ours, not the customer's words.
        classifier = (
            _classifier if _classifier is not None else await asyncio.to_thread(get_classifier)
        )
        prediction = classifier.predict(_REDACTION_MASK.sub(" ", clean).strip() or clean)
        ranking = list(getattr(prediction, "ranking", None) or [])
        confidence = round(float(prediction.confidence), 4)
        predicted = prediction.intent
        sure = prediction.is_sure()
        awaiting = state.get("awaiting")
        confirming = awaiting == "confirm" and is_yes(
            clean, book.yes_words, book.no_words, book.confirm_words
        )
        declining = awaiting == "confirm" and not confirming and is_no(clean, book.no_words)
        if awaiting == "txid" and "txid" in slots:
            flow, intent = "deposit_not_credited", conversation.intent or "deposit_not_credited"
        elif awaiting == "channel" and slots.get("channels"):
            flow, intent = "phishing_check", "phishing_check"
        elif confirming:
            intent = conversation.intent
        elif declining:
            flow, intent = "freeze_declined", conversation.intent
        elif ticket is not None and (not sure or confidence < NEW_TOPIC_MIN):
            # Waiting for a person ("still waiting..."): say where they are in the queue rather
            # than guess at a new topic; the message is on the ticket already.
            flow, intent = "talk_to_human", conversation.intent
        elif awaiting == "txid" and (not sure or predicted in DEPOSIT_INTENTS | {"other"}):
            flow, intent = "txid_missing", "deposit_not_credited"
        elif "txid" in slots and (not sure or predicted not in TXID_ELSEWHERE):
            # A transaction id is a deposit to trace, unless the message is clearly about
            # something else that takes one (a withdrawal, a scam, a person).
            flow = "deposit_not_credited"
            intent = predicted if sure and predicted in DEPOSIT_INTENTS else "deposit_not_credited"
        elif "withdrawal_id" in slots and _about_the_withdrawal(predicted, confidence, sure):
            # "what about WD-1003-1?": the id says what it is about.
            flow, intent = "withdrawal_pending", "withdrawal_pending"
        elif awaiting == "channel" and not sure:
            flow, intent = "phishing_check", "phishing_check"
        elif _follow_up(conversation.intent, predicted, confidence, sure, slots, clean):
            # "how long will it take?" after a deposit answer: the same look-up answers it.
            intent = conversation.intent
            flow = book.flow_for(str(intent))
        else:
            intent = predicted if sure else "other"
            flow = book.flow_for(intent)
        flow = flow or "fallback"
        steps = book.actions[book.confirm_action] if confirming else book.flows[flow]
        if flow != conversation.flow or intent != conversation.intent:
            effects.actions.append(ActionTaken(type="flow_started", detail={"flow": flow}))
        if intent == "talk_to_human" and conversation.intent not in PLAIN_INTENTS:
            # The ticket is about what the customer needed, not about wanting a person.
            effects.handoff_intent = conversation.intent
        elif intent == "talk_to_human":
            # "My deposit hasn't arrived, get me a human" in one message: the need is the
            # runner-up of the ranking, and it is what the ticket is triaged and routed by.
            effects.handoff_intent = _stated_need(ranking)
        elif intent not in PLAIN_INTENTS and not confirming and not force_handoff:
            # The need ranked first ("my deposit is missing, I want an agent"): answer it, and
            # hand off as asked. A request for a person is never lost in a longer message.
            wants_person = _asks_for_person(ranking) or any(
                _says_talk_to_human(classifier.predict(part)) for part in _clauses(clean)
            )
        conversation.intent = intent
        conversation.flow = flow
        state["confidence"] = confidence

    high_stakes = False
    amount_asset = slots.get("amount_asset")
    if amount_asset and _high_value(book, amount_asset, slots.get("amount_value")):
        high_stakes = True
    flow_ctx: dict[str, Any] = {
        "intent": intent,
        "confidence": confidence,
        "sure": sure,
        "text": clean,
        "language": language,
        "slots": slots,
        "data": {},
        "high_stakes": high_stakes,
        # The deposit the flow diagnosed, for "start recovery" (never asked again).
        "recovery_txid": _recovery_txid(state),
        "sentiment": {
            "anxious": bool(sentiment and sentiment.anxious),
            "angry": bool(sentiment and sentiment.angry),
        },
    }
    outcome = await run_steps(steps, flow_ctx, effects)
    if wants_person and ticket is None:
        outcome.handoff = True

    if flow != "phishing_check":
        # The phishing flow checks the same links itself; elsewhere warn about look-alikes.
        warnings.extend(lookalikes)
    texts = list(warnings)
    texts.extend(render(s.key, language, s.params) for s in outcome.said)
    opening_texts: list[str] = []
    if opening and effects.verification is None:
        # Opening the chat while a held withdrawal waits for the customer: say so at once.
        keys = await effects.offer_verification()
        opening_texts = _verification_texts(keys, effects, language)
        texts.extend(opening_texts)
    upset = flow_ctx["sentiment"]["anxious"] or flow_ctx["sentiment"]["angry"]
    stakes_said = any(s.key == "high_stakes" for s in outcome.said)
    if (upset or flow_ctx["high_stakes"]) and not outcome.handoff and ticket is None:
        # After the answer (reassurance first), make the way to a person obvious.
        outcome.offer_human = True
        if not stakes_said:
            texts.append(render("high_stakes", language))
            stakes_said = True

    # Remember what the next message may answer, and the diagnosis for a later handoff.
    state["awaiting"] = outcome.awaiting
    for name in ("deposit", "withdrawal", "account"):
        result = flow_ctx["data"].get(name)
        if isinstance(result, dict) and result.get("verdict"):
            state["diagnosis"] = {"lookup": name, **result.get("facts", {})}
            verdict = result.get("verdict")
            state["recovery"] = verdict in RECOVERABLE
            if state["recovery"]:
                facts = result.get("facts") or {}
                state["recovery_txid"] = facts.get("txid") or slots.get("txid")
                effects.handoff_intent = (
                    verdict
                    if verdict in ("wrong_network", "missing_memo")
                    else "deposit_not_credited"
                )
    if action is not None and str(action) == "start_recovery":
        diagnosis = state.get("diagnosis") or {}
        verdict = diagnosis.get("verdict")
        effects.handoff_intent = (
            verdict if verdict in ("wrong_network", "missing_memo") else "deposit_not_credited"
        )
    conversation.state = state

    handoff: Handoff
    buttons = list(outcome.buttons)
    if outcome.handoff:
        reason = str(action) if action is not None else "customer asked for a person"
        await _open_handoff(session, conversation, customer, ctx, effects, reason=reason, now=now)
        state["awaiting"] = None
        conversation.state = dict(state)
        handoff = await _handoff_view(session, conversation, now=now)
        texts.append(_handoff_text(handoff, language))
        buttons = [b for b in buttons if b != "talk_to_human"]
    elif effects.recovery_ticket is not None:
        # A manual recovery case: its specialists now have the conversation.
        state["awaiting"] = None
        conversation.state = dict(state)
        handoff = await _handoff_view(session, conversation, now=now)
        texts.append(_handoff_text(handoff, language))
        buttons = [b for b in buttons if b != "talk_to_human"]
    else:
        handoff = await _handoff_view(session, conversation, now=now)
        if handoff.state in (HandoffState.none, HandoffState.offered):
            # "offered" describes this reply: the offer is renewed or withdrawn each turn.
            offered = outcome.offer_human
            conversation.handoff_state = HandoffState.offered if offered else HandoffState.none
            handoff = Handoff(state=conversation.handoff_state)
            if offered and not stakes_said:
                texts.append(render("offer_human", language))
        if handoff.state in (HandoffState.none, HandoffState.offered) and outcome.offer_human:
            buttons.append("talk_to_human")

    model, prompt_version = RULES_MODEL, None
    if flow in FALLBACK_FLOWS and effects.citations and ctx.llm is not None and text:
        articles = [{"title": c.title, "snippet": c.snippet or ""} for c in effects.citations]
        try:
            completion = await ctx.llm.complete(
                kb_answer_prompt(clean, language, articles, "\n".join(texts))
            )
            texts = [*warnings, completion.text, *opening_texts]
            model, prompt_version = completion.model, KB_ANSWER_PROMPT_VERSION
        except LLMError as exc:
            log.warning("LLM answer failed, keeping the rule-based one: %s", exc)

    return await _store_reply(
        session, conversation, texts=texts, language=language, intent=intent,
        confidence=confidence, flow=flow, effects=effects, outcome=outcome,
        buttons=list(dict.fromkeys(buttons)), handoff=handoff, redactions=redactions, now=now,
        model=model, prompt_version=prompt_version,
    )  # fmt: skip


# -- public service functions ------------------------------------------------------------------


async def get_conversation_for(
    session: AsyncSession, customer: Customer, conversation_id: int, *, for_update: bool = False
) -> Conversation:
    # Someone else's conversation is "not found", never "forbidden": ids reveal nothing.
    conversation = await repository.get_for_customer(
        session, customer.id, conversation_id, for_update=for_update
    )
    if conversation is None:
        raise ConversationNotFound(f"conversation {conversation_id} not found")
    return conversation


async def start_conversation(
    session: AsyncSession,
    customer: Customer,
    data: ConversationStart,
    ctx: Context,
    *,
    now: datetime,
) -> ConversationRead:
    """Open a conversation; answers the first message at once when one is given."""
    language = customer.language or "en"
    if data.language:
        normalized = normalize_language_tag(data.language)
        if normalized is None:
            raise InvalidInput(f"unsupported language '{data.language}'")
        language = normalized
    conversation = Conversation(
        customer_id=customer.id,
        language=language,
        status=ConversationStatus.open,
        state={},
        handoff_state=HandoffState.none,
        created_at=now,
        updated_at=now,
    )
    session.add(conversation)
    await session.flush()
    if data.text:
        reply = await _turn(
            session, conversation, customer, ctx, now=now, text=data.text, opening=True
        )
    else:
        effects = _Effects(session, ctx, customer, conversation, now)
        texts = [render("greeting", language)]
        texts += _verification_texts(await effects.offer_verification(), effects, language)
        reply = await _store_reply(
            session, conversation, texts=texts, language=language,
            intent=None, confidence=None, flow=None, effects=effects, outcome=None, buttons=[],
            handoff=Handoff(), redactions=[], now=now,
        )  # fmt: skip
    read = await read_conversation(session, conversation, now=now)
    return read.model_copy(update={"reply": reply})


async def send_message(
    session: AsyncSession,
    customer: Customer,
    conversation_id: int,
    text: str,
    ctx: Context,
    *,
    now: datetime,
) -> AssistantReply:
    """The customer writes; the assistant answers (or passes it to the agent on the case)."""
    conversation = await get_conversation_for(session, customer, conversation_id, for_update=True)
    if conversation.status is ConversationStatus.closed:
        raise ConversationClosed(f"conversation {conversation_id} is closed; start a new one")
    return await _turn(session, conversation, customer, ctx, now=now, text=text)


async def run_action(
    session: AsyncSession,
    customer: Customer,
    conversation_id: int,
    action: ButtonAction,
    ctx: Context,
    *,
    now: datetime,
) -> AssistantReply:
    """A button: freeze the account, open a recovery case, or talk to a person."""
    conversation = await get_conversation_for(session, customer, conversation_id, for_update=True)
    if conversation.status is ConversationStatus.closed:
        raise ConversationClosed(f"conversation {conversation_id} is closed; start a new one")
    return await _turn(session, conversation, customer, ctx, now=now, action=action)


async def request_handoff(
    session: AsyncSession,
    customer: Customer,
    conversation_id: int,
    ctx: Context,
    *,
    now: datetime,
) -> AssistantReply:
    """Hand the conversation to a person now (idempotent: one ticket per conversation)."""
    return await run_action(
        session, customer, conversation_id, ButtonAction.talk_to_human, ctx, now=now
    )


class VerificationNotFound(NotFound):
    """No such verification among the customer's."""


# The outcome of a security check, as the chat tells it (message key per status).
_VERIFY_OUTCOME = {
    "verified": "verify_released",
    "pending": "verify_wrong_code",
    "failed": "verify_locked",
    "denied": "verify_denied",
    "expired": "verify_expired",
}


async def _chat_for_outcome(
    session: AsyncSession,
    customer: Customer,
    conversation_id: int | None,
    language: str | None,
    now: datetime,
) -> Conversation:
    """The open conversation the form was in, or a new one (the prompt may have been shown
    before any conversation started)."""
    if conversation_id is not None:
        found = await repository.get_for_customer(
            session, customer.id, conversation_id, for_update=True
        )
        if found is not None and found.status is not ConversationStatus.closed:
            return found
    conversation = Conversation(
        customer_id=customer.id,
        language=normalize_language_tag(language or "") or customer.language or "en",
        status=ConversationStatus.open,
        state={},
        handoff_state=HandoffState.none,
        created_at=now,
        updated_at=now,
    )
    session.add(conversation)
    await session.flush()
    return conversation


async def answer_verification(
    session: AsyncSession,
    customer: Customer,
    conversation_id: int | None,
    verification_id: int,
    ctx: Context,
    *,
    code: str | None,
    secret_key: str,
    now: datetime,
    language: str | None = None,
) -> tuple[int, VerificationResult | None]:
    """The chat's security-check form: a code (or, with `code=None`, "this wasn't me") goes to
    risk control, exactly as the customer API sends it, and the conversation is told only the
    outcome. The code itself is never written to the conversation, its sources or a ticket.

    Returns the conversation the outcome was written to, and the result (None when the check
    was already closed)."""
    before = await stepup.summary(session, customer, verification_id)
    if before is None:
        raise VerificationNotFound(f"no verification {verification_id}")
    result: VerificationResult | None
    try:
        if code is None:
            result = await risk_service.deny(
                session, customer, verification_id, now=now, connector=ctx.connector
            )
        else:
            result = await risk_service.submit_code(
                session, customer, verification_id, code,
                now=now, connector=ctx.connector, secret_key=secret_key,
            )  # fmt: skip
    except risk_service.VerificationClosed:
        result = None
    after = await stepup.summary(session, customer, verification_id) or before
    if result is not None:
        status = str(result.status)
        key = _VERIFY_OUTCOME.get(status, "verify_closed")
    else:  # answered before, or expired: say so rather than fail
        status = after["status"]
        key = "verify_expired" if status == "expired" else "verify_closed"
    conversation = await _chat_for_outcome(session, customer, conversation_id, language, now)
    effects = _Effects(session, ctx, customer, conversation, now)
    if status == "pending":
        # A wrong code: the form is offered again with the attempts left.
        prompts = await stepup.pending(session, customer, now=now)
        effects.verification = next((p for p in prompts if p.id == verification_id), None)
    effects.actions.append(
        ActionTaken(
            type="verification",
            detail={
                "verification_id": verification_id,
                "status": status,
                "attempts_left": after["attempts_left"],
            },
        )  # fmt: skip
    )
    effects.sources["lookups"].append({"name": "verification", "verdict": status})
    language = conversation.language
    text = render(key, language, {**after, "attempts_left": after["attempts_left"]})
    await _store_reply(
        session, conversation, texts=[text], language=language, intent=conversation.intent,
        confidence=None, flow=conversation.flow, effects=effects, outcome=None, buttons=[],
        handoff=await _handoff_view(session, conversation, now=now), redactions=[], now=now,
    )  # fmt: skip
    return conversation.id, result


async def read_conversation(
    session: AsyncSession, conversation: Conversation, *, now: datetime
) -> ConversationRead:
    """The history: customer and assistant messages plus the agents' public replies."""
    await _sync_ticket(session, conversation)
    history = [
        HistoryMessage(
            id=f"m{m.id}",
            role=m.role,
            text=m.body,
            created_at=m.created_at,
            reply=(
                {"language": m.language, "intent": m.intent, "confidence": m.confidence, **m.reply}
                if m.reply is not None
                else None
            ),
        )
        for m in await repository.messages(session, conversation.id)
    ]
    if conversation.ticket_id is not None:
        for message, name in await repository.public_agent_replies(session, conversation.ticket_id):
            history.append(
                HistoryMessage(
                    id=f"t{message.id}",
                    role="agent",
                    text=message.body,
                    author_name=name.split()[0] if name else None,
                    created_at=message.created_at,
                )
            )
    history.sort(key=lambda h: (h.created_at, h.id[0] == "t"))
    return ConversationRead(
        id=conversation.id,
        status=conversation.status,
        language=conversation.language,
        intent=conversation.intent,
        flow=conversation.flow,
        handoff=await _handoff_view(session, conversation, now=now),
        created_at=conversation.created_at,
        updated_at=conversation.updated_at,
        messages=history,
    )


async def get_conversation(
    session: AsyncSession, customer: Customer, conversation_id: int, *, now: datetime
) -> ConversationRead:
    conversation = await get_conversation_for(session, customer, conversation_id)
    return await read_conversation(session, conversation, now=now)

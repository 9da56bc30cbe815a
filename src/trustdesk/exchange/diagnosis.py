"""Deposit and withdrawal diagnosis: pure functions over connector data, no I/O.

The assistant and the agent console call these after fetching the customer's deposits, deposit
addresses and (when a txid is known) where that transaction actually is. The result is a verdict,
JSON-serialisable facts for the reply templates, and the next step. Two rules shape it:

* never ask for what can be looked up: without a txid, the customer's recent deposits are
  examined first, and a txid is requested only when nothing else can explain the problem;
* never reveal risk or compliance rules: held deposits and withdrawals expose only a generic
  status, a generic ETA and what the customer can do.

Wrong-network detection uses where the transaction *is* (the chain indexer's answer), never the
address format: one EVM address is valid on four networks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from trustdesk.exchange.addresses import address_key, validate_memo
from trustdesk.exchange.chains import AssetNetwork, ChainRegistry, Network
from trustdesk.exchange.types import (
    ChainTransaction,
    Deposit,
    DepositAddress,
    DepositStatus,
    Withdrawal,
    WithdrawalStatus,
)

__all__ = [
    "COMPLIANCE_REVIEW_ETA_HOURS",
    "DepositDiagnosis",
    "DepositVerdict",
    "NextStep",
    "WithdrawalDiagnosis",
    "WithdrawalVerdict",
    "diagnose_deposit",
    "diagnose_withdrawal",
    "txid_key",
]

# Generic promise for anything under review; the real timing depends on rules we never show.
COMPLIANCE_REVIEW_ETA_HOURS = 24
# A confirmed deposit that is still not credited after this long needs a human.
CREDITING_GRACE = timedelta(minutes=30)
# Without a txid, a credited deposit older than this is unlikely to be the one asked about.
RECENT_DEPOSIT_WINDOW = timedelta(days=7)
# Withdrawals normally leave within this; beyond it the case goes to an agent.
WITHDRAWAL_PROCESSING_SLA = timedelta(minutes=60)


class DepositVerdict(StrEnum):
    CREDITED = "credited"
    PENDING_CONFIRMATIONS = "pending_confirmations"
    # Confirmed on chain and attributed, crediting in progress (or stuck: see next_step).
    PROCESSING = "processing"
    BELOW_MINIMUM = "below_minimum"
    MISSING_MEMO = "missing_memo"
    WRONG_MEMO = "wrong_memo"
    WRONG_NETWORK = "wrong_network"
    UNSUPPORTED_TOKEN = "unsupported_token"
    NETWORK_MAINTENANCE = "network_maintenance"
    COMPLIANCE_REVIEW = "compliance_review"
    NOT_FOUND = "not_found"
    NOT_BROADCAST = "not_broadcast"
    NEEDS_TXID = "needs_txid"


class WithdrawalVerdict(StrEnum):
    PROCESSING = "processing"
    AWAITING_CONFIRMATIONS = "awaiting_confirmations"
    HELD_BY_RISK_CONTROL = "held_by_risk_control"
    REJECTED = "rejected"
    COMPLETED = "completed"


class NextStep(StrEnum):
    NONE = "none"
    WAIT = "wait"
    PROVIDE_TXID = "provide_txid"
    # Credited deposit found; only if the customer means another one do they need a txid.
    PROVIDE_TXID_IF_OTHER = "provide_txid_if_other"
    CHECK_WITH_SENDER = "check_with_sender"
    TOP_UP_TO_MINIMUM = "top_up_to_minimum"
    # Run `recovery_rules.auto_recovery_decision`; it falls back to a manual case.
    AUTO_RECOVERY = "auto_recovery"
    REQUEST_RECOVERY = "request_recovery"
    COMPLETE_VERIFICATION = "complete_verification"
    CORRECT_AND_RETRY = "correct_and_retry"
    RETRY_LATER = "retry_later"
    CONTACT_SUPPORT = "contact_support"


@dataclass(frozen=True)
class DepositDiagnosis:
    """Why a deposit is (not) credited. `facts` is JSON-serialisable (amounts as strings).

    `auto_recoverable` means the case is of a kind the automatic recovery rules may resolve
    (missing memo on our shared address, below-minimum total reached); the rules decide.
    """

    verdict: DepositVerdict
    next_step: NextStep
    facts: dict[str, Any] = field(default_factory=dict)
    deposit_id: str | None = None
    auto_recoverable: bool = False


@dataclass(frozen=True)
class WithdrawalDiagnosis:
    """Where a withdrawal stands, in customer terms (no internal hold or reject codes)."""

    verdict: WithdrawalVerdict
    next_step: NextStep
    facts: dict[str, Any] = field(default_factory=dict)
    withdrawal_id: str | None = None


def txid_key(txid: str) -> str:
    """Comparison key for txids: case-insensitive, 0x-insensitive."""
    value = txid.strip().lower()
    return value[2:] if value.startswith("0x") else value


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _code(registry: ChainRegistry, network: str) -> str:
    net = registry.find_network(network)
    return net.code if net else network


def _network_facts(registry: ChainRegistry, network: str) -> dict[str, Any]:
    net = registry.find_network(network)
    return {
        "network": net.code if net else network,
        "network_name": net.name if net else network,
    }


def _tx_facts(registry: ChainRegistry, network: str, txid: str | None) -> dict[str, Any]:
    net = registry.find_network(network)
    return {
        "txid": txid,
        "explorer_url": net.explorer_url(txid) if (net and txid) else None,
    }


def _unavailable(net: Network | None, entry: AssetNetwork | None) -> bool:
    return bool((net and net.maintenance) or (entry and not entry.deposits_enabled))


# -- deposits ----------------------------------------------------------------------------------


def _credited(registry: ChainRegistry, dep: Deposit, **extra: Any) -> DepositDiagnosis:
    facts = {
        "asset": dep.asset,
        **_network_facts(registry, dep.network),
        "amount": str(dep.amount),
        "credited_at": _iso(dep.credited_at),
        **_tx_facts(registry, dep.network, dep.txid),
        **extra,
    }
    step = NextStep.PROVIDE_TXID_IF_OTHER if extra.get("matched_by") else NextStep.NONE
    return DepositDiagnosis(DepositVerdict.CREDITED, step, facts, deposit_id=dep.id)


def _compliance(deposit_id: str | None) -> DepositDiagnosis:
    # Deliberately nothing else: amounts, reasons or rule names would reveal the rule.
    facts = {"status": "under routine review", "eta_hours": COMPLIANCE_REVIEW_ETA_HOURS}
    return DepositDiagnosis(DepositVerdict.COMPLIANCE_REVIEW, NextStep.WAIT, facts, deposit_id)


def _maintenance(
    registry: ChainRegistry, asset: str, network: str, amount: Decimal, deposit_id: str | None
) -> DepositDiagnosis:
    facts = {
        "asset": asset,
        **_network_facts(registry, network),
        "amount": str(amount),
        "funds_safe": True,
        "credited_after_maintenance": True,
    }
    return DepositDiagnosis(DepositVerdict.NETWORK_MAINTENANCE, NextStep.WAIT, facts, deposit_id)


def _below_minimum(
    registry: ChainRegistry,
    entry: AssetNetwork,
    *,
    amount: Decimal,
    to_address: str,
    deposits: Sequence[Deposit],
    this_deposit: Deposit | None,
    txid: str | None,
) -> DepositDiagnosis:
    net = registry.network(entry.network)
    key = address_key(net.family, to_address)
    pending = [
        d
        for d in deposits
        if d.status is DepositStatus.BELOW_MINIMUM
        and d.asset.upper() == entry.asset
        and registry.find_network(d.network) is net
        and address_key(net.family, d.to_address) == key
    ]
    total = sum((d.amount for d in pending), Decimal(0))
    if this_deposit is None or all(d.id != this_deposit.id for d in pending):
        total += amount  # not recorded yet (seen on chain only), or recorded with another status
    reached = total >= entry.min_deposit
    facts = {
        "asset": entry.asset,
        **_network_facts(registry, entry.network),
        "amount": str(amount),
        "min_deposit": str(entry.min_deposit),
        "address_total": str(total),
        "shortfall": str(max(Decimal(0), entry.min_deposit - total)),
        "will_credit_when_total_reaches_minimum": entry.accumulates_below_minimum,
        "total_reaches_minimum": reached,
        **_tx_facts(registry, entry.network, txid),
    }
    if entry.accumulates_below_minimum and reached:
        step, auto = NextStep.AUTO_RECOVERY, True
    elif entry.accumulates_below_minimum:
        step, auto = NextStep.TOP_UP_TO_MINIMUM, False
    else:
        step, auto = NextStep.REQUEST_RECOVERY, False
    return DepositDiagnosis(
        DepositVerdict.BELOW_MINIMUM,
        step,
        facts,
        this_deposit.id if this_deposit else None,
        auto,
    )


def _confirmations(
    registry: ChainRegistry,
    entry: AssetNetwork,
    *,
    amount: Decimal,
    confirmations: int,
    txid: str | None,
    deposit_id: str | None,
    seen_since: datetime | None,
    now: datetime,
) -> DepositDiagnosis:
    net = registry.network(entry.network)
    base = {
        "asset": entry.asset,
        **_network_facts(registry, entry.network),
        "amount": str(amount),
        "confirmations": confirmations,
        "confirmations_required": entry.confirmations_to_credit,
        "confirmations_to_unlock": entry.confirmations_to_unlock,
        **_tx_facts(registry, entry.network, txid),
    }
    remaining = entry.confirmations_to_credit - confirmations
    if remaining > 0:
        facts = {**base, "remaining": remaining, "eta_minutes": net.eta_minutes(remaining)}
        return DepositDiagnosis(
            DepositVerdict.PENDING_CONFIRMATIONS, NextStep.WAIT, facts, deposit_id
        )
    # Enough confirmations but no credit yet: normal for a short while, then a human looks.
    stuck = seen_since is not None and now - seen_since > CREDITING_GRACE
    facts = {**base, "remaining": 0, "eta_minutes": 0 if stuck else 5, "delayed": stuck}
    step = NextStep.CONTACT_SUPPORT if stuck else NextStep.WAIT
    return DepositDiagnosis(DepositVerdict.PROCESSING, step, facts, deposit_id)


def _from_deposit(
    registry: ChainRegistry, dep: Deposit, deposits: Sequence[Deposit], now: datetime
) -> DepositDiagnosis:
    """Diagnose a deposit the exchange has recorded for the customer."""
    if dep.status is DepositStatus.CREDITED:
        return _credited(registry, dep)
    if dep.compliance_hold:
        return _compliance(dep.id)
    net = registry.find_network(dep.network)
    entry = registry.find_asset_network(dep.asset, dep.network)
    if _unavailable(net, entry):
        return _maintenance(registry, dep.asset, dep.network, dep.amount, dep.id)
    if entry is None:
        # Recorded for an asset/network we no longer list: only a person can sort it out.
        facts = {"asset": dep.asset, **_network_facts(registry, dep.network)}
        return DepositDiagnosis(DepositVerdict.PROCESSING, NextStep.CONTACT_SUPPORT, facts, dep.id)
    if dep.status is DepositStatus.BELOW_MINIMUM or dep.amount < entry.min_deposit:
        return _below_minimum(
            registry,
            entry,
            amount=dep.amount,
            to_address=dep.to_address,
            deposits=deposits,
            this_deposit=dep,
            txid=dep.txid,
        )
    return _confirmations(
        registry,
        entry,
        amount=dep.amount,
        confirmations=dep.confirmations,
        txid=dep.txid,
        deposit_id=dep.id,
        seen_since=dep.detected_at,
        now=now,
    )


def _matching_addresses(
    registry: ChainRegistry, tx: ChainTransaction, addresses: Iterable[DepositAddress]
) -> list[DepositAddress]:
    tx_net = registry.find_network(tx.network)
    found = []
    for addr in addresses:
        addr_net = registry.find_network(addr.network)
        family = addr_net.family if addr_net else (tx_net.family if tx_net else None)
        if address_key(family, addr.address) == address_key(family, tx.to_address):
            found.append(addr)
    return found


def _from_chain(
    registry: ChainRegistry,
    tx: ChainTransaction,
    deposits: Sequence[Deposit],
    addresses: Sequence[DepositAddress],
    now: datetime,
) -> DepositDiagnosis:
    """Diagnose a transaction the exchange has not attributed to the customer."""
    tx_net = registry.find_network(tx.network)
    sent = {
        **_network_facts(registry, tx.network),
        "amount": str(tx.amount),
        **_tx_facts(registry, tx.network, tx.txid),
    }
    matches = _matching_addresses(registry, tx, addresses)
    if not matches:
        facts = {**sent, "to_address": tx.to_address, "ours": False}
        return DepositDiagnosis(DepositVerdict.NOT_FOUND, NextStep.CHECK_WITH_SENDER, facts)

    same_network = [a for a in matches if tx_net and registry.find_network(a.network) is tx_net]
    if not same_network:
        expected = sorted({_code(registry, a.network) for a in matches})
        token = registry.token_by_contract(tx.network, tx.token_contract) if tx_net else None
        facts = {
            **sent,
            "asset": token.asset if token else tx.asset,
            "sent_network": tx_net.code if tx_net else tx.network,
            "expected_networks": expected,
            "network_supported": tx_net is not None,
        }
        return DepositDiagnosis(DepositVerdict.WRONG_NETWORK, NextStep.REQUEST_RECOVERY, facts)
    assert tx_net is not None

    entry = registry.token_by_contract(tx_net.code, tx.token_contract)
    if entry is None:
        facts = {**sent, "token_contract": tx.token_contract, "token_symbol": tx.asset}
        return DepositDiagnosis(DepositVerdict.UNSUPPORTED_TOKEN, NextStep.REQUEST_RECOVERY, facts)
    sent["asset"] = entry.asset

    # A memo network where the customer has a dedicated (memo-less) address needs no memo.
    if tx_net.memo is not None and all(a.memo for a in same_network):
        memo = validate_memo(tx_net, tx.memo)
        ours = {validate_memo(tx_net, a.memo).normalized for a in same_network}
        label = {"memo_label": tx_net.memo.label}
        if not (tx.memo or "").strip():
            return DepositDiagnosis(
                DepositVerdict.MISSING_MEMO,
                NextStep.AUTO_RECOVERY,
                {**sent, **label, "shared_address": True},
                auto_recoverable=True,
            )
        if not memo.valid or memo.normalized not in ours:
            # Do not echo whose memo it might be; the memo they sent is theirs to see.
            facts = {**sent, **label, "memo_sent": tx.memo}
            return DepositDiagnosis(DepositVerdict.WRONG_MEMO, NextStep.REQUEST_RECOVERY, facts)

    if _unavailable(tx_net, entry):
        return _maintenance(registry, entry.asset, tx_net.code, tx.amount, None)
    if tx.amount < entry.min_deposit:
        return _below_minimum(
            registry,
            entry,
            amount=tx.amount,
            to_address=tx.to_address,
            deposits=deposits,
            this_deposit=None,
            txid=tx.txid,
        )
    return _confirmations(
        registry,
        entry,
        amount=tx.amount,
        confirmations=tx.confirmations,
        txid=tx.txid,
        deposit_id=None,
        seen_since=tx.block_time,
        now=now,
    )


def diagnose_deposit(
    registry: ChainRegistry,
    *,
    deposits: Sequence[Deposit],
    deposit_addresses: Sequence[DepositAddress],
    chain_tx: ChainTransaction | None,
    txid: str | None,
    asset: str | None,
    now: datetime,
) -> DepositDiagnosis:
    """Explain why a deposit is or is not credited.

    `deposits` are the customer's recent deposits, `deposit_addresses` every address issued to
    them, `chain_tx` the connector's `find_chain_transaction(txid)` (None when no txid or not
    found). Without a txid the customer's own recent deposits are examined first; `needs_txid`
    comes back only when they explain nothing.
    """
    if txid and txid.strip():
        key = txid_key(txid)
        recorded = next((d for d in deposits if d.txid and txid_key(d.txid) == key), None)
        if recorded is not None:
            return _from_deposit(registry, recorded, deposits, now)
        if chain_tx is None or not chain_tx.broadcast:
            facts = {"txid": txid.strip(), "seen_on_chain": chain_tx is not None}
            return DepositDiagnosis(DepositVerdict.NOT_BROADCAST, NextStep.CHECK_WITH_SENDER, facts)
        return _from_chain(registry, chain_tx, deposits, deposit_addresses, now)

    wanted = asset.strip().upper() if asset else None
    candidates = sorted(
        (d for d in deposits if wanted is None or d.asset.upper() == wanted),
        key=lambda d: d.detected_at,
        reverse=True,
    )
    open_ones = [d for d in candidates if d.status is not DepositStatus.CREDITED]
    if open_ones:
        result = _from_deposit(registry, open_ones[0], deposits, now)
        if len(open_ones) > 1 and result.verdict is not DepositVerdict.COMPLIANCE_REVIEW:
            result.facts["other_open_deposits"] = len(open_ones) - 1
        return result
    if candidates and now - candidates[0].detected_at <= RECENT_DEPOSIT_WINDOW:
        return _credited(registry, candidates[0], matched_by="most_recent_deposit")
    facts = {"asset": wanted, "recent_deposits": len(candidates)}
    return DepositDiagnosis(DepositVerdict.NEEDS_TXID, NextStep.PROVIDE_TXID, facts)


# -- withdrawals -------------------------------------------------------------------------------

# Internal reject codes -> the reason the customer is told. Anything unlisted that smells of
# risk or compliance is reported as the generic "compliance"; the rest as "other".
_REJECT_REASONS: dict[str, str] = {
    "invalid_address": "invalid_address",
    "address_invalid": "invalid_address",
    "invalid_memo": "invalid_address",
    "insufficient_balance": "insufficient_balance",
    "insufficient_funds": "insufficient_balance",
    "network_suspended": "network_suspended",
    "network_maintenance": "network_suspended",
    "withdrawals_disabled": "network_suspended",
    "below_minimum": "below_minimum",
    "amount_below_minimum": "below_minimum",
}
_COMPLIANCE_MARKERS = ("compliance", "aml", "sanction", "risk", "kyt", "travel_rule", "fraud")
_REJECT_NEXT_STEP: dict[str, NextStep] = {
    "invalid_address": NextStep.CORRECT_AND_RETRY,
    "insufficient_balance": NextStep.CORRECT_AND_RETRY,
    "below_minimum": NextStep.CORRECT_AND_RETRY,
    "network_suspended": NextStep.RETRY_LATER,
    "compliance": NextStep.CONTACT_SUPPORT,
    "other": NextStep.CONTACT_SUPPORT,
}
# Holds whose release needs documents rather than a 2FA confirmation.
_IDENTITY_HOLD_MARKERS = ("kyc", "identity", "document", "selfie", "liveness")


def _reject_reason(code: str | None) -> str:
    value = (code or "").strip().lower()
    if value in _REJECT_REASONS:
        return _REJECT_REASONS[value]
    if any(marker in value for marker in _COMPLIANCE_MARKERS):
        return "compliance"
    return "other"


def diagnose_withdrawal(
    registry: ChainRegistry, withdrawal: Withdrawal, now: datetime
) -> WithdrawalDiagnosis:
    """Explain a withdrawal's state in customer terms, with what (if anything) they must do.

    Hold reasons and reject codes are internal: held withdrawals report only the verification the
    customer must complete; rejections report a generic user-level reason.
    """
    w = withdrawal
    net = registry.find_network(w.network)
    entry = registry.find_asset_network(w.asset, w.network)
    base = {
        "asset": w.asset,
        **_network_facts(registry, w.network),
        "amount": str(w.amount),
        "fee": str(w.fee),
        "to_address": w.to_address,
    }
    match w.status:
        case WithdrawalStatus.REQUESTED | WithdrawalStatus.PROCESSING:
            age = now - w.created_at
            suspended = bool((net and net.maintenance) or (entry and not entry.withdrawals_enabled))
            late = age > WITHDRAWAL_PROCESSING_SLA and not suspended
            facts = {
                **base,
                "minutes_since_request": max(0, int(age.total_seconds() // 60)),
                "network_maintenance": suspended,
                "delayed": late,
            }
            step = NextStep.CONTACT_SUPPORT if late else NextStep.WAIT
            return WithdrawalDiagnosis(WithdrawalVerdict.PROCESSING, step, facts, w.id)
        case WithdrawalStatus.BROADCAST:
            required = entry.confirmations_to_credit if entry else None
            remaining = max(0, (required or 0) - w.confirmations)
            facts = {
                **base,
                **_tx_facts(registry, w.network, w.txid),
                "confirmations": w.confirmations,
                "confirmations_typical": required,
                "eta_minutes": net.eta_minutes(remaining) if net else None,
            }
            return WithdrawalDiagnosis(
                WithdrawalVerdict.AWAITING_CONFIRMATIONS, NextStep.WAIT, facts, w.id
            )
        case WithdrawalStatus.HELD:
            code = (w.hold_reason_code or "").lower()
            identity = any(marker in code for marker in _IDENTITY_HOLD_MARKERS)
            actions = ["verify_identity"] if identity else ["confirm_2fa", "confirm_email"]
            # The hold reason itself stays internal: only the status and the customer's part.
            facts = {**base, "status": "security verification", "required_actions": actions}
            return WithdrawalDiagnosis(
                WithdrawalVerdict.HELD_BY_RISK_CONTROL, NextStep.COMPLETE_VERIFICATION, facts, w.id
            )
        case WithdrawalStatus.REJECTED:
            reason = _reject_reason(w.reject_code)
            facts = {**base, "reason": reason, "funds_returned_to_balance": True}
            if reason == "below_minimum" and entry is not None:
                facts["min_withdrawal"] = str(entry.min_withdrawal)
            return WithdrawalDiagnosis(
                WithdrawalVerdict.REJECTED, _REJECT_NEXT_STEP[reason], facts, w.id
            )
        case WithdrawalStatus.COMPLETED:
            facts = {**base, **_tx_facts(registry, w.network, w.txid)}
            return WithdrawalDiagnosis(WithdrawalVerdict.COMPLETED, NextStep.NONE, facts, w.id)
    raise AssertionError(w.status)  # pragma: no cover - exhaustive match

"""Deposit recovery rules: when the platform may credit a misdirected deposit by itself, what a
manual recovery costs, and what a manual case still has to ask the customer.

Automatic recovery is deliberately narrow. It covers the two cases where the evidence on our side
is enough: a deposit to our own shared address without the memo, from a source the customer has
used before, for an amount in line with their history; and below-minimum deposits whose total at
the address has reached the minimum. Everything else goes to a person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from trustdesk.exchange.addresses import address_key
from trustdesk.exchange.chains import ChainRegistry, RegistryError
from trustdesk.exchange.diagnosis import DepositDiagnosis, DepositVerdict, txid_key
from trustdesk.exchange.types import (
    AccountState,
    ChainTransaction,
    CustomerProfile,
    Deposit,
    DepositAddress,
    DepositStatus,
    Withdrawal,
    WithdrawalStatus,
)

__all__ = [
    "AMOUNT_HISTORY_FACTOR",
    "AUTO_RECOVERY_WINDOW",
    "VIP_FEE_WAIVER_LEVEL",
    "CustomerHistory",
    "IntakeQuestion",
    "RecoveryDecision",
    "RecoveryRule",
    "auto_recovery_decision",
    "manual_intake_questions",
    "manual_recovery_fee",
]

# VIP levels at or above this pay no manual recovery fee.
VIP_FEE_WAIVER_LEVEL = 3
# Older transactions go to a person: history may have changed hands since.
AUTO_RECOVERY_WINDOW = timedelta(days=90)
# An automatic credit may not exceed this multiple of the customer's largest credited deposit of
# the asset: a sudden, much larger "forgotten memo" deposit is what a fraudster would claim.
AMOUNT_HISTORY_FACTOR = Decimal(3)


class RecoveryRule(StrEnum):
    AUTO_MISSING_MEMO = "auto_missing_memo"
    AUTO_BELOW_MINIMUM_TOTAL = "auto_below_minimum_total"
    MANUAL = "manual_recovery"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True, slots=True)
class CustomerHistory:
    """What the exchange knows about the customer, as the rules need it."""

    profile: CustomerProfile | None = None
    deposits: Sequence[Deposit] = ()
    deposit_addresses: Sequence[DepositAddress] = ()
    withdrawals: Sequence[Withdrawal] = ()


@dataclass(frozen=True, slots=True)
class RecoveryDecision:
    """`eligible`: credit automatically now. Otherwise `rule` says whether a manual case applies
    (`manual_recovery`, with its `fee`) or there is nothing to recover (`not_applicable`)."""

    eligible: bool
    rule: str
    reason: str
    fee: Decimal


@dataclass(frozen=True, slots=True)
class IntakeQuestion:
    code: str
    prompt: str


_MANUAL_VERDICTS = frozenset(
    {
        DepositVerdict.MISSING_MEMO,
        DepositVerdict.WRONG_MEMO,
        DepositVerdict.WRONG_NETWORK,
        DepositVerdict.UNSUPPORTED_TOKEN,
        DepositVerdict.BELOW_MINIMUM,
    }
)


def manual_recovery_fee(
    registry: ChainRegistry,
    asset: str | None,
    network: str | None,
    amount: Decimal,
    vip_level: int = 0,
) -> Decimal:
    """Flat per-(asset, network) fee from the registry, never more than the amount recovered,
    waived from VIP level `VIP_FEE_WAIVER_LEVEL`.

    Funds that landed on a network we do not list for the asset are charged the asset's highest
    listed fee (the recovery is harder, not easier); an unlisted asset costs nothing here and is
    priced by the agent.
    """
    if vip_level >= VIP_FEE_WAIVER_LEVEL or amount <= 0 or asset is None:
        return Decimal(0)
    entry = registry.find_asset_network(asset, network)
    if entry is not None:
        fee = entry.recovery_fee
    else:
        try:
            fee = max(e.recovery_fee for e in registry.asset_networks_for(asset))
        except RegistryError:
            return Decimal(0)
    return min(fee, amount)


def _manual(
    registry: ChainRegistry,
    diagnosis: DepositDiagnosis,
    tx: Deposit | ChainTransaction | None,
    history: CustomerHistory,
    reason: str,
) -> RecoveryDecision:
    facts = diagnosis.facts
    asset = (tx.asset if tx is not None else None) or facts.get("asset")
    network = tx.network if tx is not None else facts.get("network")
    amount = tx.amount if tx is not None else Decimal(str(facts.get("amount", "0")))
    vip = history.profile.vip_level if history.profile else 0
    fee = manual_recovery_fee(registry, asset, network, amount, vip)
    return RecoveryDecision(False, RecoveryRule.MANUAL, reason, fee)


def _missing_memo_check(
    registry: ChainRegistry, tx: ChainTransaction, history: CustomerHistory, now: datetime
) -> str | None:
    """None when every automatic condition holds, else the first one that fails."""
    net = registry.find_network(tx.network)
    if net is None:
        return "network not listed"
    family = net.family

    def same(a: str | None, b: str | None) -> bool:
        return a is not None and b is not None and address_key(family, a) == address_key(family, b)

    def on_network(code: str) -> bool:
        return registry.find_network(code) is net

    if history.profile and history.profile.account_state is not AccountState.ACTIVE:
        return "account is not active"
    if any(d.txid and txid_key(d.txid) == txid_key(tx.txid) for d in history.deposits):
        return "transaction already recorded for this account"
    if not any(
        on_network(a.network) and a.memo and same(a.address, tx.to_address)
        for a in history.deposit_addresses
    ):
        return "not sent to a shared address issued to this customer"
    if tx.block_time is None or not timedelta(0) <= now - tx.block_time <= AUTO_RECOVERY_WINDOW:
        return "transaction time outside the automatic recovery window"
    known_source = any(
        d.status is DepositStatus.CREDITED
        and on_network(d.network)
        and same(d.from_address, tx.from_address)
        for d in history.deposits
    ) or any(
        w.status is WithdrawalStatus.COMPLETED
        and on_network(w.network)
        and same(w.to_address, tx.from_address)
        for w in history.withdrawals
    )
    if not known_source:
        return "source address not seen in the customer's history"
    entry = registry.token_by_contract(net.code, tx.token_contract)
    if entry is None:
        return "token not listed"
    if tx.amount > entry.auto_recovery_cap:
        return "amount above the automatic recovery cap"
    past = [
        d.amount
        for d in history.deposits
        if d.status is DepositStatus.CREDITED and d.asset.upper() == entry.asset
    ]
    if not past or tx.amount > max(past) * AMOUNT_HISTORY_FACTOR:
        return "amount out of line with the customer's deposit history"
    return None


def auto_recovery_decision(
    registry: ChainRegistry,
    diagnosis: DepositDiagnosis,
    tx: Deposit | ChainTransaction | None,
    history: CustomerHistory,
    now: datetime,
) -> RecoveryDecision:
    """Decide whether a diagnosed deposit is credited automatically, needs a manual case (and at
    what fee), or needs no recovery at all.

    `tx` is what the chain shows (ChainTransaction) or the recorded Deposit, when known.
    """
    verdict = diagnosis.verdict
    if verdict is DepositVerdict.BELOW_MINIMUM:
        if diagnosis.facts.get("will_credit_when_total_reaches_minimum"):
            if diagnosis.facts.get("total_reaches_minimum"):
                return RecoveryDecision(
                    True,
                    RecoveryRule.AUTO_BELOW_MINIMUM_TOTAL,
                    "deposits to this address now total at least the minimum",
                    Decimal(0),
                )
            return RecoveryDecision(
                False,
                RecoveryRule.NOT_APPLICABLE,
                "credited automatically once the address total reaches the minimum",
                Decimal(0),
            )
        return _manual(registry, diagnosis, tx, history, "below minimum, not accumulated")
    if verdict is DepositVerdict.MISSING_MEMO:
        if not isinstance(tx, ChainTransaction):
            return _manual(registry, diagnosis, tx, history, "on-chain transaction not available")
        failed = _missing_memo_check(registry, tx, history, now)
        if failed is None:
            return RecoveryDecision(
                True,
                RecoveryRule.AUTO_MISSING_MEMO,
                "memo missing on our shared address; source, amount and time match the "
                "customer's history",
                Decimal(0),
            )
        return _manual(registry, diagnosis, tx, history, failed)
    if verdict in _MANUAL_VERDICTS:
        return _manual(registry, diagnosis, tx, history, f"{verdict.value} needs manual recovery")
    return RecoveryDecision(
        False, RecoveryRule.NOT_APPLICABLE, f"nothing to recover: {verdict.value}", Decimal(0)
    )


_OWNERSHIP = IntakeQuestion(
    "source_wallet_ownership",
    "Proof that you control the sending wallet: a screenshot of the withdrawal record on the "
    "sending platform, or a message signed with the sending address.",
)
_SOURCE_PLATFORM = IntakeQuestion(
    "source_platform",
    "Was it sent from another exchange (which one) or from your own wallet?",
)
_TXID = IntakeQuestion("txid", "The transaction ID (TxID / hash) of the transfer.")


def manual_intake_questions(diagnosis: DepositDiagnosis) -> tuple[IntakeQuestion, ...]:
    """Only what the system cannot look up for a manual recovery case.

    Network, asset, amount, memo and destination come from the diagnosis and are never asked;
    the txid is asked only when the diagnosis does not already carry it. Secrets (passwords,
    seed phrases, keys, 2FA codes) are never asked.
    """
    verdict = diagnosis.verdict
    if verdict is DepositVerdict.NEEDS_TXID:
        return (_TXID,)
    if verdict not in _MANUAL_VERDICTS:
        return ()
    if verdict is DepositVerdict.BELOW_MINIMUM and diagnosis.facts.get(
        "will_credit_when_total_reaches_minimum"
    ):
        return ()
    questions = [_OWNERSHIP, _SOURCE_PLATFORM]
    if not diagnosis.facts.get("txid"):
        questions.append(_TXID)
    return tuple(questions)

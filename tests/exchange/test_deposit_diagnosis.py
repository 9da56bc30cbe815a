import json
from datetime import timedelta

from trustdesk.exchange.chains import default_registry
from trustdesk.exchange.diagnosis import DepositVerdict, NextStep, diagnose_deposit
from trustdesk.exchange.types import DepositAddress, DepositStatus

from ._factories import (
    ELSEWHERE_EVM,
    EVM_ADDR,
    NOW,
    SOURCE_XRP,
    TON_SHARED_NON_BOUNCEABLE,
    TRON_ADDR,
    USDT_BEP20,
    addresses,
    chain_tx,
    deposit,
    txid,
)

REG = default_registry()


def diagnose(*, deposits=(), chain=None, txid_=None, asset=None, registry=REG, addrs=None):
    result = diagnose_deposit(
        registry,
        deposits=list(deposits),
        deposit_addresses=addresses() if addrs is None else addrs,
        chain_tx=chain,
        txid=txid_,
        asset=asset,
        now=NOW,
    )
    json.dumps(result.facts)  # facts must always be JSON-serialisable
    return result


def test_credited_by_txid():
    dep = deposit(status=DepositStatus.CREDITED, confirmations=30, txid_=txid(1))
    result = diagnose(deposits=[dep], txid_=txid(1).upper())
    assert result.verdict is DepositVerdict.CREDITED
    assert result.next_step is NextStep.NONE
    assert result.deposit_id == "d1"
    assert result.facts["amount"] == "100"
    assert result.facts["explorer_url"].endswith(txid(1))


def test_pending_confirmations_with_eta_from_block_time():
    dep = deposit(asset="BTC", network="BTC", amount="0.5", confirmations=0, txid_=txid(2))
    result = diagnose(deposits=[dep], txid_=txid(2))
    assert result.verdict is DepositVerdict.PENDING_CONFIRMATIONS
    assert result.next_step is NextStep.WAIT
    assert result.facts["confirmations"] == 0
    assert result.facts["confirmations_required"] == 1
    assert result.facts["eta_minutes"] == 10


def test_without_txid_recent_open_deposit_is_found_instead_of_asking():
    deps = [
        deposit("old", status=DepositStatus.CREDITED, detected_ago=timedelta(days=3)),
        deposit("new", confirmations=5),
    ]
    result = diagnose(deposits=deps, asset="usdt")
    assert result.verdict is DepositVerdict.PENDING_CONFIRMATIONS
    assert result.deposit_id == "new"
    assert result.facts["remaining"] == 14


def test_without_txid_recent_credited_deposit_is_reported():
    dep = deposit(status=DepositStatus.CREDITED, detected_ago=timedelta(hours=2))
    result = diagnose(deposits=[dep])
    assert result.verdict is DepositVerdict.CREDITED
    assert result.next_step is NextStep.PROVIDE_TXID_IF_OTHER


def test_needs_txid_when_nothing_can_be_looked_up():
    old = deposit(status=DepositStatus.CREDITED, detected_ago=timedelta(days=40))
    result = diagnose(deposits=[old], asset="USDT")
    assert result.verdict is DepositVerdict.NEEDS_TXID
    assert result.next_step is NextStep.PROVIDE_TXID


def test_below_minimum_waits_for_address_total():
    dep = deposit(amount="0.4", status=DepositStatus.BELOW_MINIMUM, txid_=txid(3))
    result = diagnose(deposits=[dep], txid_=txid(3))
    assert result.verdict is DepositVerdict.BELOW_MINIMUM
    assert result.next_step is NextStep.TOP_UP_TO_MINIMUM
    assert result.facts["min_deposit"] == "1"
    assert result.facts["shortfall"] == "0.6"
    assert result.facts["will_credit_when_total_reaches_minimum"] is True
    assert not result.auto_recoverable


def test_below_minimum_total_reached_is_auto_recoverable():
    deps = [
        deposit("a", amount="0.6", status=DepositStatus.BELOW_MINIMUM, txid_=txid(4)),
        deposit("b", amount="0.5", status=DepositStatus.BELOW_MINIMUM, txid_=txid(5)),
    ]
    result = diagnose(deposits=deps, txid_=txid(5))
    assert result.verdict is DepositVerdict.BELOW_MINIMUM
    assert result.facts["address_total"] == "1.1"
    assert result.facts["total_reaches_minimum"] is True
    assert result.auto_recoverable
    assert result.next_step is NextStep.AUTO_RECOVERY


def test_below_minimum_seen_on_chain_only():
    tx = chain_tx(network="TRX", to_address=TRON_ADDR, amount="0.5", token_contract=None)
    result = diagnose(chain=tx, txid_=tx.txid)
    # Native TRX to the customer's TRC20 address: TRX min deposit is 1.
    assert result.verdict is DepositVerdict.BELOW_MINIMUM
    assert result.facts["asset"] == "TRX"


def test_missing_memo_on_shared_address():
    tx = chain_tx(
        network="XRP",
        to_address=addresses()[2].address,
        token_contract=None,
        asset="XRP",
        memo=None,
        from_address=SOURCE_XRP,
        txid_=txid(6).upper(),
    )
    result = diagnose(chain=tx, txid_=tx.txid)
    assert result.verdict is DepositVerdict.MISSING_MEMO
    assert result.auto_recoverable
    assert result.next_step is NextStep.AUTO_RECOVERY
    assert result.facts["memo_label"] == "Destination tag"


def test_wrong_memo_on_shared_address():
    tx = chain_tx(
        network="TON",
        to_address=TON_SHARED_NON_BOUNCEABLE,  # same account, other spelling
        token_contract=None,
        asset="TON",
        amount="5",
        memo="111111",
    )
    result = diagnose(chain=tx, txid_=tx.txid)
    assert result.verdict is DepositVerdict.WRONG_MEMO
    assert result.next_step is NextStep.REQUEST_RECOVERY
    assert "998877" not in json.dumps(result.facts)


def test_right_memo_with_leading_zero_is_accepted():
    tx = chain_tx(
        network="XRP",
        to_address=addresses()[2].address,
        token_contract=None,
        asset="XRP",
        memo="0123456",
        confirmations=0,
    )
    result = diagnose(chain=tx, txid_=tx.txid)
    assert result.verdict is DepositVerdict.PENDING_CONFIRMATIONS


def test_wrong_network_detected_from_where_the_transaction_is():
    # USDT sent on BSC to the customer's ERC20 address: the address format is valid on both.
    tx = chain_tx(network="BSC", token_contract=USDT_BEP20)
    result = diagnose(chain=tx, txid_=tx.txid)
    assert result.verdict is DepositVerdict.WRONG_NETWORK
    assert result.facts["sent_network"] == "BSC"
    assert result.facts["expected_networks"] == ["ETH"]
    assert result.facts["asset"] == "USDT"
    assert result.next_step is NextStep.REQUEST_RECOVERY


def test_same_evm_address_on_a_network_the_customer_has_is_not_wrong_network():
    addrs = [*addresses(), DepositAddress("USDT", "BSC", EVM_ADDR.lower())]
    tx = chain_tx(network="BSC", token_contract=USDT_BEP20, confirmations=1)
    result = diagnose(chain=tx, txid_=tx.txid, addrs=addrs)
    assert result.verdict is DepositVerdict.PENDING_CONFIRMATIONS
    assert result.facts["confirmations_required"] == 15


def test_unsupported_token():
    tx = chain_tx(token_contract="0x0000000000000000000000000000000000001234", asset="SCAM")
    result = diagnose(chain=tx, txid_=tx.txid)
    assert result.verdict is DepositVerdict.UNSUPPORTED_TOKEN
    assert result.facts["token_contract"].endswith("1234")


def test_network_maintenance():
    dep = deposit(confirmations=20, txid_=txid(7))
    result = diagnose(
        deposits=[dep], txid_=txid(7), registry=REG.with_network("TRX", maintenance=True)
    )
    assert result.verdict is DepositVerdict.NETWORK_MAINTENANCE
    assert result.facts["funds_safe"] is True
    assert result.next_step is NextStep.WAIT


def test_deposits_disabled_counts_as_maintenance():
    tx = chain_tx()
    reg = REG.with_asset_network("USDT", "ETH", deposits_enabled=False)
    assert diagnose(chain=tx, txid_=tx.txid, registry=reg).verdict is (
        DepositVerdict.NETWORK_MAINTENANCE
    )


def test_compliance_review_reveals_no_rule():
    dep = deposit(confirmations=30, compliance_hold=True, txid_=txid(8))
    result = diagnose(deposits=[dep], txid_=txid(8))
    assert result.verdict is DepositVerdict.COMPLIANCE_REVIEW
    assert result.facts == {"status": "under routine review", "eta_hours": 24}
    assert result.next_step is NextStep.WAIT


def test_not_found_when_sent_to_an_address_that_is_not_ours():
    tx = chain_tx(to_address=ELSEWHERE_EVM)
    result = diagnose(chain=tx, txid_=tx.txid)
    assert result.verdict is DepositVerdict.NOT_FOUND
    assert result.next_step is NextStep.CHECK_WITH_SENDER


def test_not_broadcast_when_chain_has_no_such_transaction():
    result = diagnose(txid_="0x" + txid(9))
    assert result.verdict is DepositVerdict.NOT_BROADCAST
    assert result.facts["seen_on_chain"] is False


def test_not_broadcast_flag_from_indexer():
    tx = chain_tx(broadcast=False, confirmations=0, block_ago=None)
    assert diagnose(chain=tx, txid_=tx.txid).verdict is DepositVerdict.NOT_BROADCAST


def test_confirmed_but_uncredited_for_long_goes_to_a_person():
    tx = chain_tx(block_ago=timedelta(hours=2))
    result = diagnose(chain=tx, txid_=tx.txid)
    assert result.verdict is DepositVerdict.PROCESSING
    assert result.next_step is NextStep.CONTACT_SUPPORT

import pytest

from trustdesk.exchange.addresses import (
    address_key,
    check_bech32_string,
    guess_families,
    validate_address,
    validate_memo,
    validate_txid,
)
from trustdesk.exchange.types import AddressFamily

from ._factories import BTC_ADDR, EVM_ADDR, TON_SHARED, TON_SHARED_NON_BOUNCEABLE, TRON_ADDR

# base58 of bytes 0..63: a 64-byte signature.
SOL_SIG = "1GMkH3brNXiNNs1tiFZHu4yZSRrzJwxi5wB9bHFtMinfCXNnR1adh8Vo8NTheK4evneedH4qmvjeqcBBNAefgS"

VALID = [
    ("bitcoin", BTC_ADDR, "p2wpkh"),
    ("bitcoin", "bc1pjf3jkwy8p3yy8j3m0dpcc4ukjg7axsk2s0tpradkym5xld4uf6xscgee6l", "p2tr"),
    ("bitcoin", "16Y61yirMGA8JKJber5XWHhC5SXjbVuuPB", "p2pkh"),
    ("bitcoin", "3JgBaiHjiXwjyEUCJyTYg1RhzK2HnXQcJ7", "p2sh"),
    ("evm", EVM_ADDR, "eip55_checksummed"),
    ("evm", EVM_ADDR.lower(), "unchecksummed"),
    ("tron", TRON_ADDR, "base58"),
    ("tron", "4165cfbd57fa4f20687b2c33f84c4f9017e5895d49", "hex"),
    ("solana", "Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB", "pubkey_base58"),
    ("solana", "11111111111111111111111111111111", "pubkey_base58"),
    ("xrp", "raYary5iMGw3JKJbeinXWH6UnSXjbVuuPB", "classic"),
    ("xlm", "GCSYOQRRL3WQPKPDJTKXTXZ6MBLQ76FS73M6YQTFNEF3PTWI4V3XAZ2B", "account"),
    ("ton", TON_SHARED, "bounceable"),
    ("ton", TON_SHARED_NON_BOUNCEABLE, "non_bounceable"),
    ("ton", "0:" + "ab" * 32, "raw"),
    ("cosmos", "cosmos18jumv26lfzeuaqa6pc6stvprfqe686ckne2k4c", "account"),
]

INVALID = [
    ("bitcoin", BTC_ADDR[:-1] + "5"),  # checksum
    ("bitcoin", "tb1q8jumv26lfzeuaqa6pc6stvprfqe686ck9r5a34"),  # testnet hrp on mainnet
    ("evm", EVM_ADDR[:-1] + "E"),  # EIP-55 case flip
    ("evm", "0X" + EVM_ADDR[2:].lower()),
    ("evm", EVM_ADDR[:-2]),
    ("tron", TRON_ADDR[:-1] + "7"),
    ("solana", "0x9ec7d40d627ec59981446a6e5acb33d51afcaf8a"),
    ("xrp", "raYary5iMGw3JKJbeinXWH6UnSXjbVuuPb"),
    ("xlm", "GCSYOQRRL3WQPKPDJTKXTXZ6MBLQ76FS73M6YQTFNEF3PTWI4V3XAZ2C"),
    ("ton", TON_SHARED[:-1] + "q"),
    ("cosmos", "cosmos18jumv26lfzeuaqa6pc6stvprfqe686ckne2k4d"),
    ("evm", ""),
]


@pytest.mark.parametrize(("family", "address", "kind"), VALID)
def test_valid_address_samples_per_family(family, address, kind):
    check = validate_address(family, address)
    assert check.valid, check.reason
    assert check.kind == kind


@pytest.mark.parametrize(("family", "address"), INVALID)
def test_invalid_address_samples_per_family(family, address):
    check = validate_address(family, address)
    assert not check.valid
    assert check.reason


def test_evm_address_normalizes_to_eip55():
    assert validate_address("ERC20", EVM_ADDR.lower()).normalized == EVM_ADDR


def test_tron_hex_form_normalizes_to_base58():
    check = validate_address("TRC20", "4165cfbd57fa4f20687b2c33f84c4f9017e5895d49")
    assert check.normalized == "TKFY7SErikT5cfs762ivMwwYBM1eGxFV6B"


def test_bitcoin_network_kinds():
    addr = "tb1q8jumv26lfzeuaqa6pc6stvprfqe686ck090w2x"
    for kind in ("testnet", "testnet4", "signet"):
        assert validate_address("bitcoin", addr, network_kind=kind).valid
    assert not validate_address("bitcoin", addr, network_kind="mainnet").valid
    assert not validate_address("bitcoin", addr, network_kind="regtest").valid
    assert validate_address("bitcoin", addr, network_kind="any").valid


def test_tron_address_on_erc20_network_is_rejected_and_recognised():
    assert not validate_address("ERC20", TRON_ADDR).valid
    guesses = guess_families(TRON_ADDR)
    assert [g.family for g in guesses] == [AddressFamily.TRON]
    assert guesses[0].networks == {"TRX"}


def test_guess_families_for_evm_address_lists_every_evm_network():
    (guess,) = guess_families(EVM_ADDR)
    assert guess.family is AddressFamily.EVM
    assert guess.networks == {"ETH", "BSC", "MATIC", "ARBITRUM"}


def test_guess_families_for_garbage_is_empty():
    assert guess_families("hello world") == ()


def test_bech32_encoding_level_strings():
    assert check_bech32_string("A12UEL5L", "bech32").valid
    assert not check_bech32_string("A12UEL5L", "bech32m").valid
    assert check_bech32_string("a1lqfn3a", "bech32m").valid
    assert not check_bech32_string("A1G7SGD8", "bech32").valid


def test_address_key_equates_spellings_of_one_account():
    assert address_key("ton", TON_SHARED) == address_key("ton", TON_SHARED_NON_BOUNCEABLE)
    assert address_key("evm", EVM_ADDR) == address_key("BSC", EVM_ADDR.lower())


@pytest.mark.parametrize(
    ("family", "txid", "normalized"),
    [
        ("bitcoin", "AB" * 32, "ab" * 32),
        ("ERC20", "ab" * 32, "0x" + "ab" * 32),
        ("TRC20", "0x" + "ab" * 32, "ab" * 32),
        ("XRP", "ab" * 32, "AB" * 32),
        ("solana", SOL_SIG, SOL_SIG),
    ],
)
def test_txid_formats(family, txid, normalized):
    check = validate_txid(family, txid)
    assert check.valid, check.reason
    assert check.normalized == normalized


def test_invalid_txids():
    assert not validate_txid("bitcoin", "0x" + "ab" * 32).valid
    assert not validate_txid("evm", "ab" * 31).valid
    assert not validate_txid("solana", "0" * 88).valid
    assert not validate_txid("ton", "").valid


def test_xrp_destination_tag_is_uint32():
    assert validate_memo("XRP", "007").normalized == "7"
    assert validate_memo("XRP", 4294967295).valid
    assert not validate_memo("XRP", "4294967296").valid
    assert not validate_memo("XRP", "-1").valid
    assert not validate_memo("XRP", None).valid


def test_xlm_memo_text_max_28_bytes():
    assert validate_memo("XLM", "x" * 28).valid
    assert not validate_memo("XLM", "é" * 15).valid  # 30 bytes


def test_atom_memo_pattern_and_memo_free_network():
    assert validate_memo("ATOM", "123456").valid
    assert not validate_memo("ATOM", "hello").valid
    assert validate_memo("ETH", None).valid

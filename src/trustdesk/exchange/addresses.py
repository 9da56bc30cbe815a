"""Address, txid and memo format checks per address family.

Decoding is done by maintained libraries: bip-utils (Base58Check, Bech32/Bech32m and SegWit
rules, TRON, XRP, Stellar, Cosmos) and eth-utils (EIP-55 checksums). Two families get a
documented structural check instead, because bip-utils only encodes them:

* Solana: an address is any base58 string that decodes to exactly 32 bytes. No on-curve check:
  program IDs and program-derived addresses are deliberately off the ed25519 curve.
* TON: the user-friendly form is 36 bytes in base64/base64url (flags, workchain, 32-byte
  account id, CRC16-XMODEM), the raw form is `<workchain>:<64 hex>`.

These checks say whether a string *can* be an address of a family; whether the customer sent on
the right network is decided from where the transaction actually is (see diagnosis.py).
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from enum import StrEnum

from bip_utils import (
    AtomAddrDecoder,
    Base58ChecksumError,
    Base58Decoder,
    Base58Encoder,
    Bech32ChecksumError,
    SegwitBech32Decoder,
    TrxAddrDecoder,
    XlmAddrDecoder,
    XrpAddrDecoder,
)
from bip_utils.bech32.bech32 import Bech32Encodings, Bech32Utils
from bip_utils.bech32.bech32_base import Bech32BaseConst
from eth_utils.address import is_checksum_address, to_checksum_address

from trustdesk.exchange.chains import ChainRegistry, MemoKind, MemoSpec, Network, default_registry
from trustdesk.exchange.types import AddressFamily

__all__ = [
    "AddressCheck",
    "FamilyGuess",
    "MemoCheck",
    "NetworkKind",
    "TxidCheck",
    "address_key",
    "check_bech32_string",
    "guess_families",
    "resolve_family",
    "validate_address",
    "validate_memo",
    "validate_txid",
]

# Longer input is never an address of any supported family; refusing it early also bounds the
# quadratic base58 decoding.
_MAX_INPUT_LEN = 128
_BECH32_MAX_LEN = 90  # BIP-173 overall length limit
_HEX40 = re.compile(r"[0-9a-fA-F]{40}")
_HEX64 = re.compile(r"[0-9a-fA-F]{64}")
_BASE58_CHARS = frozenset("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz")
# bip-utils signals bad input with ValueError, and bad checksums with these non-ValueErrors.
_DECODE_ERRORS = (ValueError, TypeError, Base58ChecksumError, Bech32ChecksumError)


class NetworkKind(StrEnum):
    MAINNET = "mainnet"
    TESTNET = "testnet"
    TESTNET4 = "testnet4"
    SIGNET = "signet"
    REGTEST = "regtest"
    ANY = "any"


@dataclass(frozen=True, slots=True)
class AddressCheck:
    """Result of an address check. `normalized` is the canonical spelling when valid."""

    valid: bool
    normalized: str | None = None
    reason: str | None = None
    kind: str | None = None


@dataclass(frozen=True, slots=True)
class TxidCheck:
    valid: bool
    normalized: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class MemoCheck:
    valid: bool
    normalized: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class FamilyGuess:
    """One family an address string decodes under, and the networks that family covers."""

    family: AddressFamily
    kind: str
    network_kind: str
    networks: frozenset[str]


def _bad(reason: str) -> AddressCheck:
    return AddressCheck(valid=False, reason=reason)


_FAMILY_ALIASES: dict[str, AddressFamily] = {
    "btc": AddressFamily.BITCOIN,
    "ethereum": AddressFamily.EVM,
    "eth": AddressFamily.EVM,
    "trx": AddressFamily.TRON,
    "sol": AddressFamily.SOLANA,
    "ripple": AddressFamily.XRP,
    "stellar": AddressFamily.XLM,
    "atom": AddressFamily.COSMOS,
}


def resolve_family(
    family_or_network: AddressFamily | str, registry: ChainRegistry | None = None
) -> AddressFamily:
    """Family for a family name ("evm", "ethereum") or a network code/alias ("ERC20", "TRX").

    Network codes win over family aliases, so "ETH" and "TRX" mean those networks.
    """
    if isinstance(family_or_network, AddressFamily):
        return family_or_network
    net = (registry or default_registry()).find_network(family_or_network)
    if net is not None:
        return net.family
    key = family_or_network.strip().lower()
    if key in _FAMILY_ALIASES:
        return _FAMILY_ALIASES[key]
    return AddressFamily(key)  # ValueError names the unknown family


# -- bitcoin ---------------------------------------------------------------------------------

# (p2pkh version, p2sh version, bech32 hrp) per network kind. testnet3, testnet4 and signet
# share prefixes, so one address is valid on all three.
_BTC_PARAMS: dict[str, tuple[int, int, str]] = {
    NetworkKind.MAINNET: (0x00, 0x05, "bc"),
    NetworkKind.TESTNET: (0x6F, 0xC4, "tb"),
    NetworkKind.TESTNET4: (0x6F, 0xC4, "tb"),
    NetworkKind.SIGNET: (0x6F, 0xC4, "tb"),
    NetworkKind.REGTEST: (0x6F, 0xC4, "bcrt"),
}


def _btc_segwit(address: str, hrp: str) -> AddressCheck:
    if len(address) > _BECH32_MAX_LEN:
        return _bad("bech32 address longer than 90 characters")
    try:
        version, program = SegwitBech32Decoder.Decode(hrp, address)
    except Bech32ChecksumError:
        return _bad("bad bech32/bech32m checksum (or wrong encoding for the witness version)")
    except ValueError as exc:
        return _bad(f"invalid segwit address: {exc}")
    if version == 0:
        kind = "p2wpkh" if len(program) == 20 else "p2wsh"
    elif version == 1 and len(program) == 32:
        kind = "p2tr"
    else:
        kind = f"segwit_v{version}"
    return AddressCheck(valid=True, normalized=address.lower(), kind=kind)


def _btc_base58(address: str, p2pkh: int, p2sh: int, hrp: str) -> AddressCheck:
    if not _BASE58_CHARS.issuperset(address):
        return _bad(f"neither base58 nor a bech32 address starting with {hrp}1")
    try:
        payload = Base58Decoder.CheckDecode(address)
    except _DECODE_ERRORS as exc:
        return _bad(f"invalid base58check: {exc}")
    if len(payload) != 21:
        return _bad(f"base58check payload is {len(payload)} bytes, expected 21")
    if payload[0] == p2pkh:
        return AddressCheck(valid=True, normalized=address, kind="p2pkh")
    if payload[0] == p2sh:
        return AddressCheck(valid=True, normalized=address, kind="p2sh")
    return _bad(f"version byte 0x{payload[0]:02x} is not a P2PKH/P2SH version for this network")


def _btc_one(address: str, network_kind: str) -> AddressCheck:
    p2pkh, p2sh, hrp = _BTC_PARAMS[network_kind]
    if address.lower().startswith(hrp + "1"):
        return _btc_segwit(address, hrp)
    return _btc_base58(address, p2pkh, p2sh, hrp)


def _bitcoin(address: str, network_kind: str) -> AddressCheck:
    if network_kind != NetworkKind.ANY:
        return _btc_one(address, network_kind)
    first: AddressCheck | None = None
    for kind in (NetworkKind.MAINNET, NetworkKind.TESTNET, NetworkKind.REGTEST):
        check = _btc_one(address, kind)
        if check.valid:
            return check
        first = first or check
    assert first is not None
    return first


# -- account-model chains ----------------------------------------------------------------------


def _evm(address: str) -> AddressCheck:
    # A "0X" prefix is rejected: wallets and explorers never emit it.
    if not address.startswith("0x") or not _HEX40.fullmatch(address[2:]):
        return _bad("an EVM address is 0x followed by 40 hex characters")
    body = address[2:]
    if body in (body.lower(), body.upper()):
        kind = "unchecksummed"
    elif is_checksum_address(address):
        kind = "eip55_checksummed"
    else:
        return _bad("mixed-case address fails the EIP-55 checksum (likely a typo)")
    return AddressCheck(valid=True, normalized=to_checksum_address(address), kind=kind)


def _tron(address: str) -> AddressCheck:
    if len(address) == 42 and address[:2] == "41" and _HEX40.fullmatch(address[2:]):
        # The 21-byte hex form used by TRON APIs; show customers the base58 form.
        normalized = Base58Encoder.CheckEncode(bytes.fromhex(address))
        return AddressCheck(valid=True, normalized=normalized, kind="hex")
    try:
        TrxAddrDecoder.DecodeAddr(address)
    except _DECODE_ERRORS as exc:
        return _bad(f"invalid TRON address: {exc}")
    return AddressCheck(valid=True, normalized=address, kind="base58")


def _solana(address: str) -> AddressCheck:
    if not 32 <= len(address) <= 44:
        return _bad("a Solana address is 32-44 base58 characters")
    try:
        raw = Base58Decoder.Decode(address)
    except ValueError:
        return _bad("not base58")
    if len(raw) != 32:
        return _bad(f"decodes to {len(raw)} bytes, a Solana public key is 32")
    return AddressCheck(valid=True, normalized=address, kind="pubkey_base58")


def _xrp(address: str) -> AddressCheck:
    if address.startswith(("X", "T")) and len(address) >= 46:
        return _bad("X-addresses are not accepted; use the classic r-address and a tag")
    try:
        XrpAddrDecoder.DecodeAddr(address)
    except _DECODE_ERRORS as exc:
        return _bad(f"invalid XRP address: {exc}")
    return AddressCheck(valid=True, normalized=address, kind="classic")


def _xlm(address: str) -> AddressCheck:
    if address.startswith("M"):
        return _bad("muxed (M...) Stellar addresses are not accepted; use the G-address and a memo")
    try:
        XlmAddrDecoder.DecodeAddr(address)
    except _DECODE_ERRORS as exc:
        return _bad(f"invalid Stellar address: {exc}")
    return AddressCheck(valid=True, normalized=address, kind="account")


def _cosmos(address: str) -> AddressCheck:
    if len(address) > _BECH32_MAX_LEN:
        return _bad("bech32 address longer than 90 characters")
    try:
        AtomAddrDecoder.DecodeAddr(address, hrp="cosmos")
    except _DECODE_ERRORS as exc:
        return _bad(f"invalid Cosmos Hub address: {exc}")
    return AddressCheck(valid=True, normalized=address.lower(), kind="account")


_TON_RAW = re.compile(r"(0|-1):([0-9a-fA-F]{64})")
_TON_BOUNCEABLE, _TON_NON_BOUNCEABLE, _TON_TESTNET_FLAG = 0x11, 0x51, 0x80


def _ton(address: str, network_kind: str) -> AddressCheck:
    if _TON_RAW.fullmatch(address):
        return AddressCheck(valid=True, normalized=address.lower(), kind="raw")
    if len(address) != 48:
        return _bad("a TON address is 48 base64 characters or <workchain>:<64 hex>")
    try:
        raw = base64.b64decode(address.replace("-", "+").replace("_", "/"), validate=True)
    except (ValueError, binascii.Error):
        return _bad("not base64")
    if len(raw) != 36:
        return _bad("a TON address decodes to 36 bytes")
    if binascii.crc_hqx(raw[:34], 0) != int.from_bytes(raw[34:], "big"):
        return _bad("bad TON address checksum")
    flags, workchain = raw[0], raw[1]
    testnet = bool(flags & _TON_TESTNET_FLAG)
    tag = flags & ~_TON_TESTNET_FLAG
    if tag not in (_TON_BOUNCEABLE, _TON_NON_BOUNCEABLE) or workchain not in (0x00, 0xFF):
        return _bad("unknown TON address flags or workchain")
    if network_kind == NetworkKind.MAINNET and testnet:
        return _bad("this is a TON testnet address")
    if network_kind not in (NetworkKind.MAINNET, NetworkKind.ANY) and not testnet:
        return _bad("this is a TON mainnet address")
    kind = "bounceable" if tag == _TON_BOUNCEABLE else "non_bounceable"
    return AddressCheck(valid=True, normalized=address, kind=kind)


def validate_address(
    family_or_network: AddressFamily | str,
    address: str,
    *,
    network_kind: str = "mainnet",
    registry: ChainRegistry | None = None,
) -> AddressCheck:
    """Whether `address` is a well-formed address of the family (or network) given.

    `family_or_network` is an `AddressFamily`, a family name ("evm", "bitcoin") or a network
    code/alias from the registry ("ERC20", "TRX"). `network_kind` selects Bitcoin's prefixes
    (mainnet, testnet, testnet4, signet, regtest, or any) and TON's testnet flag; the other
    families use one format everywhere.
    """
    family = resolve_family(family_or_network, registry)
    kind = NetworkKind(network_kind)
    if not isinstance(address, str) or not address:
        return _bad("empty address")
    if len(address) > _MAX_INPUT_LEN:
        return _bad("too long to be an address")
    if not address.isascii() or not address.isprintable():
        return _bad("contains characters that never appear in addresses")
    match family:
        case AddressFamily.BITCOIN:
            return _bitcoin(address, kind)
        case AddressFamily.EVM:
            return _evm(address)
        case AddressFamily.TRON:
            return _tron(address)
        case AddressFamily.SOLANA:
            return _solana(address)
        case AddressFamily.XRP:
            return _xrp(address)
        case AddressFamily.XLM:
            return _xlm(address)
        case AddressFamily.TON:
            return _ton(address, kind)
        case AddressFamily.COSMOS:
            return _cosmos(address)
    raise AssertionError(family)  # pragma: no cover - exhaustive match


def check_bech32_string(value: str, encoding: str = "bech32") -> AddressCheck:
    """Encoding-level Bech32 / Bech32m check (BIP-173 / BIP-350), any HRP, no SegWit rules.

    The checksum itself is verified by bip-utils; the parsing rules (length, case, separator,
    HRP range, charset) are the BIP's and are applied here because bip-utils only exposes them
    together with an expected HRP.
    """
    enc = {"bech32": Bech32Encodings.BECH32, "bech32m": Bech32Encodings.BECH32M}[encoding]
    if len(value) > _BECH32_MAX_LEN:
        return _bad("longer than 90 characters")
    if any(not 33 <= ord(ch) <= 126 for ch in value):
        return _bad("character out of range")
    if value.lower() != value and value.upper() != value:
        return _bad("mixed case")
    lowered = value.lower()
    sep = lowered.rfind("1")
    if sep < 1:
        return _bad("empty human-readable part" if sep == 0 else "no separator")
    hrp, data = lowered[:sep], lowered[sep + 1 :]
    if len(data) < 6:
        return _bad("checksum too short")
    charset = Bech32BaseConst.CHARSET
    if any(ch not in charset for ch in data):
        return _bad("invalid data character")
    if not Bech32Utils.VerifyChecksum(hrp, [charset.index(ch) for ch in data], enc):
        return _bad(f"invalid {encoding} checksum")
    return AddressCheck(valid=True, normalized=lowered, kind=f"{encoding}_string")


def guess_families(
    address: str, *, registry: ChainRegistry | None = None
) -> tuple[FamilyGuess, ...]:
    """Every family (and its networks) under which `address` decodes, e.g. to say
    "this is a TRON address, but you chose ERC20". Several can match (rarely: a 32-byte
    base58 string is a valid Solana key whatever else it is)."""
    reg = registry or default_registry()
    guesses: list[FamilyGuess] = []
    for family in AddressFamily:
        for kind in _KINDS_TO_TRY[family]:
            check = validate_address(family, address, network_kind=kind, registry=reg)
            if check.valid:
                guesses.append(
                    FamilyGuess(
                        family=family,
                        kind=check.kind or "",
                        network_kind=kind,
                        networks=reg.networks_for_family(family),
                    )
                )
                break
    return tuple(guesses)


_KINDS_TO_TRY: dict[AddressFamily, tuple[str, ...]] = {
    family: (NetworkKind.MAINNET,) for family in AddressFamily
} | {
    AddressFamily.BITCOIN: (NetworkKind.MAINNET, NetworkKind.TESTNET, NetworkKind.REGTEST),
    AddressFamily.TON: (NetworkKind.MAINNET, NetworkKind.TESTNET),
}


# -- txids -------------------------------------------------------------------------------------


def validate_txid(family_or_network: AddressFamily | str, txid: str) -> TxidCheck:
    """Whether `txid` has the shape of a transaction id on that family, and its canonical form
    (lowercase hex for Bitcoin/EVM/TRON/Stellar, uppercase for XRP/Cosmos, 0x for EVM)."""
    family = resolve_family(family_or_network)
    value = txid.strip() if isinstance(txid, str) else ""
    if not value:
        return TxidCheck(valid=False, reason="empty transaction id")
    if family is AddressFamily.SOLANA:
        try:
            raw = Base58Decoder.Decode(value) if len(value) <= 90 else b""
        except ValueError:
            return TxidCheck(valid=False, reason="a Solana signature is base58")
        if len(raw) != 64:
            return TxidCheck(valid=False, reason="a Solana signature decodes to 64 bytes")
        return TxidCheck(valid=True, normalized=value)
    if family is AddressFamily.TON and len(value) == 44:
        try:
            raw = base64.b64decode(value.replace("-", "+").replace("_", "/"), validate=True)
        except (ValueError, binascii.Error):
            raw = b""
        if len(raw) == 32:
            return TxidCheck(valid=True, normalized=raw.hex())
    body = value[2:] if value[:2] in ("0x", "0X") else value
    if family in (AddressFamily.BITCOIN, AddressFamily.XRP, AddressFamily.COSMOS) and body != value:
        return TxidCheck(valid=False, reason="this network's transaction ids have no 0x prefix")
    if not _HEX64.fullmatch(body):
        return TxidCheck(valid=False, reason="a transaction id here is 64 hex characters")
    if family is AddressFamily.EVM:
        return TxidCheck(valid=True, normalized="0x" + body.lower())
    if family in (AddressFamily.XRP, AddressFamily.COSMOS):
        return TxidCheck(valid=True, normalized=body.upper())
    return TxidCheck(valid=True, normalized=body.lower())


# -- memos / tags ------------------------------------------------------------------------------


def validate_memo(
    network_or_spec: Network | MemoSpec | str | None,
    memo: str | int | None,
    *,
    registry: ChainRegistry | None = None,
) -> MemoCheck:
    """Check a memo / destination tag / comment against the network's rule.

    On networks without memos any memo is ignored (valid, normalized None). On memo networks a
    missing memo is invalid: deposits to a shared address cannot be attributed without it.
    """
    if isinstance(network_or_spec, str):
        network_or_spec = (registry or default_registry()).network(network_or_spec)
    spec = network_or_spec.memo if isinstance(network_or_spec, Network) else network_or_spec
    text = "" if memo is None else str(memo).strip()
    if spec is None:
        return MemoCheck(valid=True, normalized=None)
    if not text:
        return MemoCheck(valid=False, reason=f"{spec.label} is required on this network")
    match spec.kind:
        case MemoKind.INTEGER:
            if not text.isascii() or not text.isdigit():
                return MemoCheck(valid=False, reason=f"{spec.label} must be a whole number")
            value = int(text)
            low = 0 if spec.min_value is None else spec.min_value
            high = spec.max_value
            if value < low or (high is not None and value > high):
                return MemoCheck(
                    valid=False, reason=f"{spec.label} must be between {low} and {high}"
                )
            return MemoCheck(valid=True, normalized=str(value))
        case MemoKind.TEXT:
            size = len(text.encode("utf-8"))
            if spec.max_bytes is not None and size > spec.max_bytes:
                return MemoCheck(
                    valid=False,
                    reason=f"{spec.label} is {size} bytes; at most {spec.max_bytes} are allowed",
                )
            return MemoCheck(valid=True, normalized=text)
        case MemoKind.REGEX:
            if not re.fullmatch(spec.pattern or "", text):
                return MemoCheck(valid=False, reason=f"{spec.label} has the wrong format")
            return MemoCheck(valid=True, normalized=text)
    raise AssertionError(spec.kind)  # pragma: no cover


def address_key(family: AddressFamily | str | None, address: str) -> str:
    """A comparison key under which two spellings of one address are equal: EVM and bech32 are
    case-insensitive, TRON hex equals its base58 form, TON bounceable/non-bounceable/raw forms
    of one account are equal. Base58 stays case-sensitive."""
    value = address.strip()
    if family is None:
        return value
    fam = resolve_family(family)
    if fam in (AddressFamily.EVM, AddressFamily.COSMOS):
        return value.lower()
    if fam is AddressFamily.BITCOIN and value.lower().startswith(("bc1", "tb1", "bcrt1")):
        return value.lower()
    if fam is AddressFamily.TRON:
        check = _tron(value)
        return check.normalized or value
    if fam is AddressFamily.TON:
        if _TON_RAW.fullmatch(value):
            return value.lower()
        try:
            raw = base64.b64decode(value.replace("-", "+").replace("_", "/"), validate=True)
        except (ValueError, binascii.Error):
            return value
        if len(raw) == 36:
            workchain = -1 if raw[1] == 0xFF else raw[1]
            return f"{workchain}:{raw[2:34].hex()}"
    return value

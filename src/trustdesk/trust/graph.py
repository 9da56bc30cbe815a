"""Chain graphs for fund tracing: our own `chain_transfers` table, or an external indexer.

Both implement `trustdesk.risk.tracing.ChainGraph`. Address tags always come from our own
`address_tags` table (admin-managed, with source and confidence), whichever graph is used.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from trustdesk.models.trust import AddressTagEntry, ChainTransfer
from trustdesk.risk.tracing import AddressTag, Transfer, normalize_address
from trustdesk.trust import repository


def to_transfer(row: ChainTransfer) -> Transfer:
    return Transfer(
        txid=row.txid,
        network=row.network,
        from_address=row.from_address,
        to_address=row.to_address,
        amount=row.amount,
        asset=row.asset,
        at=row.at,
        index=row.output_index,
    )


def to_tag(row: AddressTagEntry) -> AddressTag:
    return AddressTag(
        network=row.network,
        address=row.address,
        category=row.category,
        label=row.label,
        source=row.source,
        confidence=row.confidence,
    )


class _TagsFromDb:
    session: AsyncSession

    async def tags(self, network: str, addresses: Iterable[str]) -> Sequence[AddressTag]:
        rows = await repository.tags_for(
            self.session, network, [normalize_address(a) for a in addresses]
        )
        return [to_tag(r) for r in rows]


class DbChainGraph(_TagsFromDb):
    """The chain graph stored in `chain_transfers` (sandbox/demo data, or imported evidence)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def outgoing(self, network: str, address: str) -> Sequence[Transfer]:
        rows = await repository.outgoing_transfers(
            self.session, network, normalize_address(address)
        )
        return [to_transfer(r) for r in rows]

    async def by_txid(self, network: str, txid: str) -> Sequence[Transfer]:
        rows = await repository.transfers_by_txid(self.session, network, txid.strip())
        return [to_transfer(r) for r in rows]


class TransferSource(Protocol):
    """What a chain indexer or the exchange's connector must offer for live tracing."""

    async def list_address_transfers(self, network: str, address: str) -> Sequence[Transfer]:
        """Outgoing transfers of an address, oldest first."""
        ...

    async def list_transaction_transfers(self, network: str, txid: str) -> Sequence[Transfer]:
        """The outputs of one transaction."""
        ...


class ConnectorChainGraph(_TagsFromDb):
    """Live chain data from an indexer/connector (`TransferSource`), tags from our table.

    The exchange connector contract has no address-history call yet; an HTTP indexer client
    implementing `TransferSource` plugs in here without changing the tracing code.
    """

    def __init__(self, source: TransferSource, session: AsyncSession) -> None:
        self.source = source
        self.session = session

    async def outgoing(self, network: str, address: str) -> Sequence[Transfer]:
        return await self.source.list_address_transfers(network, address)

    async def by_txid(self, network: str, txid: str) -> Sequence[Transfer]:
        return await self.source.list_transaction_transfers(network, txid)

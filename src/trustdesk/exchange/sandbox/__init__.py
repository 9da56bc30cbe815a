"""The sandbox exchange: a realistic stand-in for an exchange's back office, in our database."""

from trustdesk.exchange.sandbox.chain_clock import ChainClock
from trustdesk.exchange.sandbox.connector import SandboxConnector
from trustdesk.exchange.sandbox.spec import SandboxFileError
from trustdesk.exchange.sandbox.store import (
    LoadResult,
    load_demo_sandbox,
    load_sandbox,
    load_sandbox_file,
)

__all__ = [
    "ChainClock",
    "LoadResult",
    "SandboxConnector",
    "SandboxFileError",
    "load_demo_sandbox",
    "load_sandbox",
    "load_sandbox_file",
]

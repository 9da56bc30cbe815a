"""Settings: the only reader of the environment (prefix TRUSTDESK_)."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Development and test runs need no configuration at all; these values are public,
# so production refuses to start with them.
DEV_CUSTOMER_TOKEN_SECRET = "dev-only-customer-token-secret-change-me-0000"
DEV_SECRET_KEY = "dev-only-secret-key-change-me-000000000000000000"


class Environment(StrEnum):
    development = "development"
    test = "test"
    production = "production"


class ConfigurationError(RuntimeError):
    """Raised at start-up when the settings cannot run TrustDesk safely."""


class Settings(BaseSettings):
    """Every knob of TrustDesk. Read once, from the environment or a `.env` file."""

    model_config = SettingsConfigDict(env_prefix="TRUSTDESK_", env_file=".env", extra="ignore")

    env: Environment = Environment.development
    database_url: str = "sqlite+aiosqlite:///./var/trustdesk.db"
    # Signs agent session cookies.
    secret_key: str = ""
    # Shared with the exchange: it signs customer tokens (JWT, HS256) with this secret.
    customer_token_secret: str = ""
    customer_token_issuer: str | None = None
    agent_token_ttl_hours: int = 12
    host: str = "127.0.0.1"
    port: int = 8000
    # The embedded (single-process) mode runs the SLA sweep inside the web process.
    run_sweep_in_process: bool = True
    sla_sweep_interval_seconds: float = 15.0
    # How long a stored Idempotency-Key answer is replayed.
    idempotency_ttl_hours: int = 24
    data_dir: Path = Path("var")
    # The exchange's internal API (see exchange/connector_openapi.yaml). Unset: the built-in
    # sandbox exchange stored in TrustDesk's own database plays that role.
    # Set to fan live events out across web processes (redis://127.0.0.1:6379/0).
    redis_url: str | None = None
    exchange_url: str | None = None
    exchange_api_key: str = ""
    # Risk control: the key the exchange sends (X-Exchange-Key) with every scoring call, and
    # how verification codes are mailed (no SMTP host: the message is logged, for development).
    risk_exchange_api_key: str = "dev-only-risk-exchange-key"
    risk_smtp_host: str | None = None
    risk_smtp_port: int = 25
    risk_mail_from: str = "security@trustdesk.local"
    risk_code_ttl_minutes: int = 15
    risk_max_attempts: int = 5
    risk_totp_issuer: str = "TrustDesk"
    # Who runs a hold's or decline's follow-up (hold at the exchange, P1 ticket, verification
    # e-mail: ~10 ms of CPU). "web": the web process that answered, right after the answer;
    # nothing else needs to run. "worker": a `trustdesk worker` process (or the embedded
    # sweep), polling every `risk_follow_up_poll_seconds`; keeps that CPU off the processes
    # answering decisions, so a burst of holds never delays the next decisions
    # (bench/risk_latency.py, 500/s: p99 27.9 ms with "web", 13.8 ms without the follow-ups).
    risk_follow_up: Literal["web", "worker"] = "web"
    risk_follow_up_poll_seconds: float = 0.25
    # Background workers run at this lower CPU priority (os.nice), so that on a shared host
    # they take the cores only when answering requests leaves them idle.
    worker_nice: int = 10
    # FastAPI's built-in OpenTelemetry spans and metrics (exported by the OpenTelemetry SDK the
    # deployment configures). Off: FastAPI then skips its per-request check for a configured
    # provider, ~4% of a risk decision's CPU.
    telemetry: bool = False
    # An optional OpenAI-compatible LLM (a local Ollama or vLLM, or a hosted one). Off: every
    # answer is rule-based, with its sources.
    llm_enabled: bool = False
    llm_base_url: str = "http://127.0.0.1:11434"
    llm_model: str = "llama3.1:8b"
    llm_api_key: str = ""
    llm_timeout_seconds: float = 20.0
    llm_temperature: float = 0.2
    llm_max_tokens: int = 400

    @model_validator(mode="after")
    def _secrets(self) -> Settings:
        if self.env is Environment.production:
            missing = [
                name
                for name, value in (
                    ("TRUSTDESK_SECRET_KEY", self.secret_key),
                    ("TRUSTDESK_CUSTOMER_TOKEN_SECRET", self.customer_token_secret),
                    ("TRUSTDESK_RISK_EXCHANGE_API_KEY", self.risk_exchange_api_key),
                )
                if len(value) < 32 or value.startswith("dev-only")
            ]
            if missing:
                raise ConfigurationError(
                    "production needs these secrets (at least 32 characters each): "
                    + ", ".join(missing)
                )
        if self.exchange_url and not self.exchange_api_key:
            raise ConfigurationError("TRUSTDESK_EXCHANGE_URL needs TRUSTDESK_EXCHANGE_API_KEY")
        if self.env is not Environment.production:
            self.secret_key = self.secret_key or DEV_SECRET_KEY
            self.customer_token_secret = self.customer_token_secret or DEV_CUSTOMER_TOKEN_SECRET
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()

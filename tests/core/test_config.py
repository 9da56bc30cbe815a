"""Start-up refuses unsafe settings with a message that says what to set."""

from __future__ import annotations

import pytest

from trustdesk.config import ConfigurationError, Environment, Settings


def test_production_without_secrets_fails_clearly():
    with pytest.raises(ConfigurationError, match="TRUSTDESK_CUSTOMER_TOKEN_SECRET"):
        Settings(env=Environment.production, secret_key="x" * 40, customer_token_secret="")


def test_production_rejects_the_public_dev_secrets():
    with pytest.raises(ConfigurationError, match="TRUSTDESK_SECRET_KEY"):
        Settings(
            env=Environment.production,
            secret_key="dev-only-secret-key-change-me-000000000000000000",
            customer_token_secret="s" * 40,
        )


def test_production_with_secrets_starts():
    settings = Settings(
        env=Environment.production,
        secret_key="k" * 40,
        customer_token_secret="s" * 40,
        risk_exchange_api_key="r" * 40,
    )
    assert settings.customer_token_secret == "s" * 40


def test_exchange_url_needs_an_api_key():
    with pytest.raises(ConfigurationError, match="TRUSTDESK_EXCHANGE_API_KEY"):
        Settings(exchange_url="http://127.0.0.1:9000")


def test_development_needs_no_configuration():
    settings = Settings(env=Environment.development)
    assert settings.secret_key and settings.customer_token_secret

"""The assistant tests' shared fixtures: the session's intent model and the demo sandbox."""

from tests.chat import intent_model, sandbox  # noqa: F401 (fixtures)

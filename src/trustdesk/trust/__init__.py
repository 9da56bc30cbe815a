"""Trust & safety: official-channel register and checks, look-alike warnings on inbound
messages, address tags and fund tracing (HTTP, services and storage; the pure logic lives in
`trustdesk.risk.lookalike`, `trustdesk.risk.register` and `trustdesk.risk.tracing`)."""

"""Who is calling: agents (password login, bearer token) and customers (exchange-signed JWT)."""

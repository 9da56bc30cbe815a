"""The HTML pages: customer help center, chat and tickets; the agent console; the lead board."""

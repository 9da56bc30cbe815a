"""The AI assistant: understands a customer's request and answers or hands off."""

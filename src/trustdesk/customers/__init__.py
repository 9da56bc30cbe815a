"""Customers as the desk sees them."""

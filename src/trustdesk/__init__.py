"""TrustDesk: customer service for cryptocurrency exchanges."""

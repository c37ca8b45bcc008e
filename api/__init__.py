"""The vendor REST API (/api/v1/), its keys and idempotency, and embeddable portal links."""

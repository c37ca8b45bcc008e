"""Notifications: the outbox of customer and agent emails, and signed webhooks to vendors."""

"""Tenancy, the ground floor every app stands on: vendors, their staff, and the request's scope."""

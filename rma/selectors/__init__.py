"""Reads of the RMA domain, each scoped to one vendor."""

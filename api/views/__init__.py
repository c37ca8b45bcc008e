"""Views of the vendor API: thin, each parses input, calls one domain service and renders."""

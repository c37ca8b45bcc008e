"""Serializers of the vendor API: input parsing and the JSON each resource renders."""

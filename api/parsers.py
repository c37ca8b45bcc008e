"""The API's JSON parser: bad JSON of any shape is a 400, and numbers keep their exact digits.

DRF's JSONParser turns a 50,000-deep document into a RecursionError (a 500) and numbers with a
fraction into floats. Here fractions become ``JsonNumber`` (an exact Decimal that remembers it
was a bare JSON number), so money fields can refuse them and ask for a string instead.
"""

from __future__ import annotations

import json
from decimal import Decimal

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class JsonNumber(Decimal):
    """A JSON number with a fraction or exponent, kept exact."""


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding)
            return json.loads(text, parse_float=JsonNumber, parse_constant=_refuse_constant)
        except RecursionError as exc:
            raise ParseError("JSON parse error: the document is nested too deeply.") from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(f"JSON parse error: {exc}") from exc

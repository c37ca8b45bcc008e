"""Pieces every resource shares: addresses, money, errors, findings, audit events, evidence."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

from django.utils.translation import gettext_lazy as _
from django_countries import countries
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rma.models import Event, Evidence
from rma.models.orders import ShippingAddress

# Dates outside these bounds are typos, and would overflow the policies' calendar arithmetic.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


# DRF deep-copies every declared field for every serializer instance, walking each field's
# arguments through ``copy``: for an order of one line that is about 200 copies, half the cost
# of validating it. A lean serializer builds each field again from the arguments it was declared
# with, which is what DRF's own ``Field.__deepcopy__`` does, without copying those arguments:
# they are strings, numbers, choices and validators, which no field changes. Nested serializers
# are still deep-copied, since they hold fields of their own. (No docstring: the OpenAPI schema
# would show it on every serializer built on this one.)
class LeanSerializer(serializers.Serializer):
    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            name: copy.deepcopy(field)
            if isinstance(field, serializers.BaseSerializer)
            else field.__class__(*field._args, **field._kwargs)
            for name, field in self._declared_fields.items()
        }


class MoneyField(serializers.DecimalField):
    """An amount as a string ("129.90"): a bare JSON number with a fraction is refused, since
    most senders' JSON libraries have already rounded it through a binary float."""

    def to_internal_value(self, data):
        from api.parsers import JsonNumber

        if isinstance(data, JsonNumber | float):
            raise serializers.ValidationError(
                _('Send amounts as strings, such as "129.90", not as JSON numbers.')
            )
        return super().to_internal_value(data)


def money(**kwargs) -> serializers.DecimalField:
    kwargs.setdefault("min_value", 0)
    return MoneyField(max_digits=12, decimal_places=2, max_value=9_999_999_999, **kwargs)


class CurrencyField(serializers.CharField):
    """An ISO 4217 currency code, such as EUR (pycountry's list)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("min_length", 3)
        kwargs.setdefault("max_length", 3)
        super().__init__(**kwargs)

    def to_internal_value(self, data) -> str:
        import pycountry

        code = super().to_internal_value(data).upper()
        if pycountry.currencies.get(alpha_3=code) is None:
            raise serializers.ValidationError(
                _("“%(code)s” is not an ISO 4217 currency code (for example EUR or USD).")
                % {"code": code}
            )
        return code


class CountryCodeField(serializers.CharField):
    """An ISO 3166-1 alpha-2 country code, such as DE."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("min_length", 2)
        kwargs.setdefault("max_length", 2)
        super().__init__(**kwargs)

    def to_internal_value(self, data) -> str:
        code = super().to_internal_value(data).upper()
        if code and code not in countries:  # the codes, without building every name
            raise serializers.ValidationError(
                _("“%(code)s” is not an ISO country code (for example DE or US).") % {"code": code}
            )
        return code


class DateTimeInRange(serializers.DateTimeField):
    def to_internal_value(self, value) -> datetime:
        from django.utils.dateparse import parse_datetime

        try:
            naive = (
                isinstance(value, str)
                and (parsed := parse_datetime(value.strip()))
                and (parsed.tzinfo is None)
            )
        except ValueError:
            naive = False  # the parent's message says what is wrong with it
        if naive:
            raise serializers.ValidationError(
                _("Give the time zone, such as 2025-03-01T14:30:00Z or +01:00 at the end.")
            )
        moment = super().to_internal_value(value)
        if not EARLIEST <= moment < LATEST:
            raise serializers.ValidationError(_("Use a date between 2000 and 2099."))
        return moment


class AddressSerializer(LeanSerializer):
    """A shipping address; ``country`` is an ISO code."""

    name = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    line1 = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    line2 = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    city = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    postal_code = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    region = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    country = CountryCodeField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")

    def to_representation(self, instance: ShippingAddress) -> dict[str, str]:
        return address_json(instance)


def address_json(instance: ShippingAddress) -> dict[str, str]:
    return {
        "name": instance.ship_name or "",
        "line1": instance.ship_line1 or "",
        "line2": instance.ship_line2 or "",
        "city": instance.ship_city or "",
        "postal_code": instance.ship_postal_code or "",
        "region": instance.ship_region or "",
        "country": country_code(instance, "ship_country"),
        "phone": instance.ship_phone,
    }


def country_code(instance: object, name: str) -> str:
    """A country column's code as stored: what ``str()`` of django-countries' ``Country`` gives
    for the alpha-2 codes the API accepts, without building the ``Country`` on every read."""
    code = instance.__dict__.get(name)
    return str(getattr(instance, name) or "") if code is None else code


class ShippingAddressField(AddressSerializer):
    """The address columns of the object itself (orders and solutions carry them inline)."""

    def get_attribute(self, instance: ShippingAddress) -> ShippingAddress:
        return instance


def address_fields(data: dict[str, str]) -> dict[str, str]:
    """API address keys to the model's ``ship_*`` columns."""
    return {f"ship_{name}": value for name, value in data.items()}


class MessageSerializer(serializers.Serializer):
    """A policy's text as data: the English template (its id in the portal's catalogues) and
    its named parameters; a parameter may itself be a message."""

    id = serializers.CharField(help_text="The English template, with %(name)s placeholders.")
    params = serializers.DictField(help_text="The values that fill the placeholders.")
    plural = serializers.CharField(
        required=False, help_text="The plural template, where a count picks the wording."
    )
    count = serializers.CharField(
        required=False, help_text="The parameter whose number picks singular or plural."
    )


class FindingSerializer(serializers.Serializer):
    rule_id = serializers.CharField(
        help_text="The id of the vendor's policy rule, PREFIX-N (see the vendor's rules)."
    )
    ok = serializers.BooleanField()
    message = serializers.CharField(help_text="In English, ending with the rule id.")
    text = MessageSerializer(
        required=False, help_text="The same sentence as data, for your own translations."
    )


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, for programs: invalid, not_found, ...")
    message = serializers.CharField(help_text="For people: what went wrong and what to do.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Input path (lines.0.sku) to its problems, for validation errors.",
    )
    findings = FindingSerializer(
        many=True, required=False, help_text="The policy's checks, when a policy decided."
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


class EventSerializer(serializers.ModelSerializer):
    """One entry of a case's audit trail."""

    at = serializers.DateTimeField(source="created_at")
    actor = serializers.CharField(source="actor_label")
    rule_ids = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = Event
        fields = (
            "at",
            "action",
            "from_status",
            "to_status",
            "actor_kind",
            "actor",
            "note",
            "rule_ids",
        )
        read_only_fields = fields


class EvidenceSerializer(serializers.ModelSerializer):
    """An evidence file's metadata and a short-lived link to download it."""

    download_url = serializers.SerializerMethodField()
    download_expires_at = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = (
            "id",
            "kind",
            "content_type",
            "size",
            "sha256",
            "width",
            "height",
            "uploaded_by_agent",
            "uploaded_at",
            "download_url",
            "download_expires_at",
        )
        read_only_fields = fields

    def _link(self, obj: Evidence) -> tuple[str, datetime]:
        from api.signing import evidence_download_link

        cache = self.context.setdefault("_evidence_links", {})
        if obj.pk not in cache:
            cache[obj.pk] = evidence_download_link(obj, request=self.context.get("request"))
        return cache[obj.pk]

    @extend_schema_field(serializers.URLField())
    def get_download_url(self, obj: Evidence) -> str:
        return self._link(obj)[0]

    @extend_schema_field(serializers.DateTimeField())
    def get_download_expires_at(self, obj: Evidence) -> str:
        return serializers.DateTimeField().to_representation(self._link(obj)[1])

"""Tenants: vendors, their branding and policy settings, and the staff who work for them."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from policies.registry import policy_keys


def validate_policy_key(value: str) -> None:
    if value not in policy_keys():
        raise ValidationError(
            _("Unknown policy %(key)s; known policies: %(known)s."),
            params={"key": value, "known": ", ".join(policy_keys())},
        )


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("%(tz)s is not an IANA time zone (for example Europe/Berlin)."), params={"tz": value}
        )


hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a hex colour such as #0a5fb4."))


class Vendor(models.Model):
    """A tenant. Every domain row belongs to exactly one vendor."""

    slug = models.SlugField(
        unique=True, help_text=_("Used in portal links, e.g. /v/acme/ for the slug acme.")
    )
    name = models.CharField(max_length=120)
    policy_key = models.CharField(
        max_length=40,
        validators=[validate_policy_key],
        help_text=_("Which module in policies/ decides this vendor's requests."),
    )
    policy_settings = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("Overrides of the policy's readings; see docs/policies/ for the keys."),
    )
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    operating_country = CountryField(
        help_text=_("Its public holidays are not working days for the policy's deadlines.")
    )
    logo = models.ImageField(upload_to="logos/", blank=True)
    accent_colour = models.CharField(max_length=7, default="#0a5fb4", validators=[hex_colour])
    support_email = models.EmailField()
    sender_email = models.EmailField(
        help_text=_("The From address of emails sent for this vendor.")
    )
    return_address = models.TextField(blank=True, help_text=_("Where customers send returns."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_policy(self):
        """The vendor's policy, configured with its settings, time zone and country."""
        from policies.registry import get_policy

        return get_policy(
            self.policy_key,
            self.policy_settings,
            timezone=self.time_zone,
            country=str(self.operating_country),
        )

    def clean(self) -> None:
        if self.policy_key in policy_keys():
            try:
                self.get_policy()
            except (KeyError, ValueError, TypeError) as exc:
                raise ValidationError({"policy_settings": str(exc)}) from exc


class Membership(models.Model):
    """Links a staff user to a vendor whose cases they may see and act on."""

    class Role(models.TextChoices):
        AGENT = "agent", _("Agent")
        MANAGER = "manager", _("Manager")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.AGENT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "vendor"], name="membership_unique_user_vendor")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.vendor} ({self.get_role_display()})"

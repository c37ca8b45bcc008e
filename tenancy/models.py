"""Tenants: vendors, their branding and policy settings, and the staff who work for them."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from django_scopes import ScopedManager

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
        unique=True,
        help_text=_("Used in portal links, e.g. /v/acme/ for the slug acme."),
        verbose_name=_("slug"),
    )
    name = models.CharField(max_length=120, verbose_name=_("name"))
    policy_key = models.CharField(
        max_length=40,
        validators=[validate_policy_key],
        help_text=_("Which module in policies/ decides this vendor's requests."),
        verbose_name=_("policy key"),
    )
    policy_settings = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("Overrides of the policy's readings; see docs/policies/ for the keys."),
        verbose_name=_("policy settings"),
    )
    time_zone = models.CharField(
        max_length=64, default="UTC", validators=[validate_time_zone], verbose_name=_("time zone")
    )
    operating_country = CountryField(
        help_text=_("Its public holidays are not working days for the policy's deadlines."),
        verbose_name=_("operating country"),
    )
    logo = models.ImageField(upload_to="logos/", blank=True, verbose_name=_("logo"))
    accent_colour = models.CharField(
        max_length=7, default="#0a5fb4", validators=[hex_colour], verbose_name=_("accent colour")
    )
    support_email = models.EmailField(verbose_name=_("support email"))
    sender_email = models.EmailField(
        help_text=_("The From address of emails sent for this vendor."),
        verbose_name=_("sender email"),
    )
    return_address = models.TextField(
        blank=True, help_text=_("Where customers send returns."), verbose_name=_("return address")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")

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
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    vendor = models.ForeignKey(
        Vendor, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("vendor")
    )
    role = models.CharField(
        max_length=16, choices=Role.choices, default=Role.AGENT, verbose_name=_("role")
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "vendor"], name="membership_unique_user_vendor")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.vendor} ({self.get_role_display()})"


class TenantModel(models.Model):
    """A row that belongs to exactly one vendor; queries outside a vendor scope raise."""

    vendor = models.ForeignKey(
        Vendor, on_delete=models.PROTECT, related_name="+", verbose_name=_("vendor")
    )

    objects = ScopedManager(vendor="vendor")

    class Meta:
        abstract = True

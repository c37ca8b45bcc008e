"""Reolink's warranty-solution confirmation (REO-1..REO-12): reject, submit, upload, deadlines."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from policies.base import (
    MEBIBYTE,
    BaseSettings,
    Carrier,
    CarrierCode,
    Deadline,
    DeadlineName,
    Decision,
    EvidenceKind,
    EvidenceRequirement,
    Finding,
    Message,
    OrderFacts,
    ParamKind,
    Policy,
    RefundLine,
    RequestFacts,
    RequestKind,
    ResolutionFacts,
    ResolutionKind,
    ResolutionPlan,
    ResolutionStage,
    Scenario,
    SolutionStep,
    check_requirements,
    counted,
    finding,
    money,
    msg,
    plural_msg,
    typed,
)

SOLUTION_EMAIL_SUBJECT = (
    "Action Required: Please confirm your warranty solution for Reolink products"
)
SOLUTION_CONTENT_FIELDS = (  # REO-3: what the "Warranty solution content" page must show
    "items",
    "solution_kind",
    "amounts",
    "return_needed",
    "payment_needed",
    "shipping_address",
)
PENDING_CONFIRM = "pending_confirm"
TRACKING = re.compile(r"[A-Za-z0-9]+")


@dataclass(frozen=True)
class ReolinkSettings(BaseSettings):
    max_upload_bytes: int = 10 * MEBIBYTE
    max_pictures: int = 5
    confirm_remind_after_days: int = 3
    confirm_expire_after_days: int = 14
    reject_comment_min_chars: int = 1


# What each solution kind the agent proposes sends the customer (REO-12: "the replacement or
# refund"); refunds are money only.
SOLUTION_SHIPMENTS = {
    "replacement": ResolutionKind.REPLACEMENT,
    "refurbished": ResolutionKind.REPLACEMENT,
    "repair": ResolutionKind.REPAIR,
    "parts": ResolutionKind.RESHIPMENT,
}


class ReolinkPolicy(Policy):
    key = "reolink"
    version = "reolink-2026.1"
    name = "Reolink"
    supported_kinds = frozenset({RequestKind.SOLUTION_REJECT})
    scenarios = ()
    Settings = ReolinkSettings
    scope_rule = "REO-4"
    rule_prefix = "REO"
    rule_doc = "docs/policies/reolink.md"
    demo_vendor = {
        "name": "Reolink",
        "time_zone": "America/Los_Angeles",
        "operating_country": "US",
        "accent_colour": "#0b5cad",
        "support_email": "support@reolink.example",
        "sender_email": "warranty@reolink.example",
        "return_address": "Reolink Returns\n1200 Industrial Rd\nSan Carlos, CA 94070\nUSA",
    }
    settings: ReolinkSettings
    solution_rules = {
        SolutionStep.PROPOSE: "REO-1",
        SolutionStep.AGREE: "REO-4",
        SolutionStep.DISAGREE: "REO-4",
        SolutionStep.ADDRESS: "REO-11",
        SolutionStep.RETURN: "REO-7",
        SolutionStep.PAY: "REO-8",
        SolutionStep.UPLOAD: "REO-9",
        SolutionStep.SUBMIT: "REO-6",
        SolutionStep.COMPLETE: "REO-12",
        SolutionStep.EXPIRE: "REO-5",
    }

    # -- rejecting a solution (REO-4, REO-5) -------------------------------------------------
    def decide_request(self, order: OrderFacts, request: RequestFacts) -> Decision:
        if request.kind is not RequestKind.SOLUTION_REJECT:
            return self._out_of_scope(request)
        status = request.solution_status or "unknown"
        if status != PENDING_CONFIRM:
            text = Message(
                msg(
                    "This warranty solution is already confirmed, so it can no longer be "
                    "rejected; to ask for another solution, please email Reolink customer service"
                )
                if status == "confirmed"
                else msg(
                    "This warranty solution can no longer be rejected; to ask for another "
                    "solution, please email Reolink customer service"
                )
            )
            return self._decision([finding("REO-5", False, text, status=status, contact="email")])
        text = Message(msg("The solution awaits your confirmation"))
        findings = [finding("REO-5", True, text, status=status)]
        comment = request.comment.strip()
        minimum = self.settings.reject_comment_min_chars
        if len(comment) < max(1, minimum):
            text = Message(msg("Please say in a comment which solution you would like instead"))
            findings.append(finding("REO-4", False, text, comment_chars=len(comment)))
        else:
            text = Message(msg("An agent will review the solution you asked for in your comment"))
            findings.append(finding("REO-4", True, text, comment_chars=len(comment)))
        return self._decision(findings)

    # -- after agreeing (REO-6..REO-11) ------------------------------------------------------
    def evidence_requirements(
        self,
        scenario: Scenario | None = None,
        kind: RequestKind = RequestKind.RETURN,
        *,
        return_needed: bool = True,
        payment_needed: bool = True,
    ) -> tuple[EvidenceRequirement, ...]:
        if kind is RequestKind.SOLUTION_REJECT:
            return ()
        most = self.settings.max_pictures
        found = []
        if return_needed:
            label = Message(msg("The postage receipt of your return"))
            found.append(self._needs(EvidenceKind.POSTAGE_RECEIPT, 1, "REO-7", label, (), most))
        if payment_needed:
            label = Message(msg("A screenshot of your make-up payment"))
            found.append(self._needs(EvidenceKind.PAYMENT_SCREENSHOT, 1, "REO-8", label, (), most))
        return tuple(found)

    def solution_evidence_requirements(
        self, *, return_needed: bool, payment_needed: bool
    ) -> tuple[EvidenceRequirement, ...]:
        return self.evidence_requirements(
            None, return_needed=return_needed, payment_needed=payment_needed
        )

    def check_solution_evidence(
        self, evidence: Mapping[EvidenceKind, int], *, return_needed: bool, payment_needed: bool
    ) -> tuple[Finding, ...]:
        return self.check_evidence(
            None, evidence, return_needed=return_needed, payment_needed=payment_needed
        )

    def check_evidence(
        self,
        scenario: Scenario | None,
        evidence: Mapping[EvidenceKind, int],
        *,
        return_needed: bool = True,
        payment_needed: bool = True,
    ) -> tuple[Finding, ...]:
        reqs = self.evidence_requirements(
            scenario, return_needed=return_needed, payment_needed=payment_needed
        )
        # The 5-picture limit is per submission (REO-9), so per-kind maxima are not checked here.
        presence = check_requirements(
            [dataclasses.replace(r, max_count=None) for r in reqs], evidence
        )
        pictures = sum(evidence.values())
        most = self.settings.max_pictures
        ok = pictures <= most
        text = counted(
            plural_msg(
                "%(count)s picture uploaded; at most %(maximum)s per submission",
                "%(count)s pictures uploaded; at most %(maximum)s per submission",
            ),
            {"count": pictures, "maximum": most},
            "count",
        )
        return (*presence, finding("REO-9", ok, text, count=pictures, maximum=most))

    def check_upload(
        self, requirement: EvidenceRequirement, file_format: str, size_bytes: int
    ) -> Finding:
        return super().check_upload(
            dataclasses.replace(requirement, rule_id="REO-9"), file_format, size_bytes
        )

    def carriers(self) -> tuple[Carrier, ...]:
        return (Carrier(CarrierCode.ANY, "Any carrier", TRACKING.pattern, "1Z999AA10123456784"),)

    def check_tracking(self, carrier_code: str | None, tracking_number: str) -> Finding:
        # Refused rather than cleaned up: REO-7 asks the customer to type it without them.
        if TRACKING.fullmatch(tracking_number):
            text = Message(msg("Tracking number %(number)s accepted"), {"number": tracking_number})
            return finding("REO-7", True, text, tracking_number=tracking_number)
        if not tracking_number:
            text = Message(msg("Please enter the return tracking number"))
            return finding("REO-7", False, text)
        blanks = any(ch.isspace() for ch in tracking_number)
        signs = sorted(
            {ch for ch in tracking_number if not ch.isspace() and not TRACKING.fullmatch(ch)}
        )
        params = {"number": tracking_number, "signs": " ".join(signs)}
        if blanks and signs:
            template = msg(
                "A tracking number has letters and digits only; remove the blanks and "
                "%(signs)s from “%(number)s”"
            )
        elif blanks:
            template = msg(
                "A tracking number has letters and digits only; remove the blanks from “%(number)s”"
            )
        else:
            template = msg(
                "A tracking number has letters and digits only; remove %(signs)s from “%(number)s”"
            )
        return finding("REO-7", False, Message(template, params), tracking_number=tracking_number)

    def plan_resolutions(self, facts: ResolutionFacts) -> tuple[ResolutionPlan, ...]:
        """REO-12: what the agreed solution sends: a replacement, repair or parts shipment
        (waiting for the REO-8 make-up payment when one is owed) and any refund."""
        if facts.stage != ResolutionStage.SOLUTION:
            return ()
        currency = facts.order.currency
        plans = []
        shipment = SOLUTION_SHIPMENTS.get(facts.solution_kind or "")
        if shipment is not None:
            rules = ("REO-12", "REO-8") if facts.makeup_amount > 0 else ("REO-12",)
            sku, quantity = facts.lines[0] if facts.lines else (None, 1)
            plans.append(
                ResolutionPlan(
                    shipment,
                    currency,
                    rule_ids=rules,
                    sku=sku,
                    quantity=quantity,
                    makeup_amount=money(facts.makeup_amount),
                )
            )
        if facts.refund_amount > 0:
            amount = money(facts.refund_amount)
            label = Message(msg("Refund agreed in the warranty solution"))
            plans.append(
                ResolutionPlan(
                    ResolutionKind.REFUND,
                    currency,
                    amount,
                    (RefundLine(label, amount, "REO-12"),),
                    ("REO-12",),
                )
            )
        return tuple(plans)

    def check_transaction_id(self, transaction_id: str) -> Finding:
        value = transaction_id.strip()
        ok = 0 < len(value) <= 100
        text = (
            Message(msg("Transaction ID %(transaction_id)s noted"), {"transaction_id": value})
            if ok
            else Message(msg("Please enter your payment's transaction ID (at most 100 signs)"))
        )
        return finding("REO-8", ok, text, transaction_id=value)

    def check_address_change(self, original_country: str, new_country: str) -> Finding:
        ok = original_country.strip().upper() == new_country.strip().upper()
        text = Message(
            msg("The new address stays in the original country")
            if ok
            else msg("The address must stay in %(original)s, not %(new)s"),
            {
                "original": self._country_param(original_country.upper()),
                "new": self._country_param(new_country.upper()),
            },
        )
        return finding("REO-11", ok, text, original=original_country, new=new_country)

    def check_solution_submission(
        self,
        *,
        return_needed: bool,
        payment_needed: bool,
        address_confirmed: bool,
        original_country: str,
        new_country: str | None = None,
        tracking_number: str = "",
        transaction_id: str = "",
        evidence: Mapping[EvidenceKind, int] | None = None,
    ) -> Decision:
        """Everything REO-6..REO-11 ask of the form the customer submits after agreeing."""
        evidence = evidence or {}
        text = Message(
            msg("You confirmed the shipping address")
            if address_confirmed
            else msg("Please confirm your shipping address before submitting")
        )
        findings = [finding("REO-6", address_confirmed, text)]
        findings.append(
            self.check_address_change(original_country, new_country or original_country)
        )
        if return_needed:
            findings.append(self.check_tracking(None, tracking_number))
        if payment_needed:
            findings.append(self.check_transaction_id(transaction_id))
        if not (return_needed or payment_needed):
            text = Message(msg("Nothing to return or pay: check your shipping address and submit"))
            findings.append(finding("REO-10", True, text))
        findings += self.check_evidence(
            None, evidence, return_needed=return_needed, payment_needed=payment_needed
        )
        return self._decision(findings)

    def check_solution_content(self, content: Mapping[str, object]) -> Finding:
        """Agent-side: a solution is sent only when its page can show all REO-3 asks for."""
        missing = [name for name in SOLUTION_CONTENT_FIELDS if content.get(name) in (None, "")]
        if missing:
            words = ", ".join(name.replace("_", " ") for name in missing)
            text = Message(
                msg("The solution cannot be sent without: %(missing)s"), {"missing": words}
            )
            return finding("REO-3", False, text, missing=",".join(missing))
        text = Message(msg("The solution shows everything proposed"))
        return finding("REO-3", True, text, missing="")

    def solution_email_notice(self) -> tuple[Message, ...]:
        return (
            Message(
                msg(
                    "Paste the password from the email that asks you to confirm your warranty "
                    "solution. It opens this solution only. If you cannot find the email, look "
                    "in your spam folder."
                )
            ),
        )

    def solution_steps(
        self,
        *,
        return_needed: bool,
        payment_needed: bool,
        awaiting_confirmation: bool = True,
        amount: str = "",
        currency: str = "",
    ) -> tuple[Message, ...]:
        """What the customer does, in order, for one solution (REO-4..REO-12)."""
        steps = []
        if awaiting_confirmation:
            steps.append(
                Message(msg("Review the proposal, then agree or disagree."), rule_id="REO-4")
            )
        if return_needed:
            steps.append(
                Message(
                    msg(
                        "Mail the item, then add the return tracking number and the postage "
                        "receipt."
                    ),
                    rule_id="REO-7",
                )
            )
        if payment_needed:
            steps.append(
                Message(
                    msg(
                        "Pay %(amount)s %(currency)s, then add the transaction ID and a "
                        "screenshot of the payment."
                    ),
                    {
                        "amount": typed(ParamKind.AMOUNT, amount) if amount else "",
                        "currency": currency,
                    },
                    rule_id="REO-8",
                )
            )
        if not (return_needed or payment_needed):
            steps.append(
                Message(
                    msg("Nothing to send or pay: check your shipping address and submit."),
                    rule_id="REO-10",
                )
            )
        else:
            steps.append(Message(msg("Confirm your shipping address and submit."), rule_id="REO-6"))
        steps.append(
            Message(
                msg("Wait for your replacement or refund; the status page shows where it stands."),
                rule_id="REO-12",
            )
        )
        return tuple(steps)

    # -- deadlines and notices ---------------------------------------------------------------
    def solution_deadlines(self, sent_at: datetime) -> tuple[Deadline, ...]:
        s = self.settings
        remind = self.calendar.add_days_same_time(sent_at, s.confirm_remind_after_days)
        expire = self.calendar.add_days_end(sent_at, s.confirm_expire_after_days)
        remind_label = counted(
            plural_msg(
                "Reminder if not confirmed after %(n)s day",
                "Reminder if not confirmed after %(n)s days",
            ),
            {"n": s.confirm_remind_after_days},
            "n",
        )
        expire_label = counted(
            plural_msg(
                "The solution expires unconfirmed after %(n)s day",
                "The solution expires unconfirmed after %(n)s days",
            ),
            {"n": s.confirm_expire_after_days},
            "n",
        )
        return (
            self._deadline(DeadlineName.CONFIRM_REMIND_AT, remind, "REO-1", remind_label),
            self._deadline(DeadlineName.CONFIRM_EXPIRES_AT, expire, "REO-5", expire_label),
        )

    def return_notice(self) -> tuple[Message, ...]:
        most, size = self.settings.max_pictures, self.settings.max_upload_bytes // MEBIBYTE
        return (
            Message(
                msg("Enter the tracking number without blanks or special characters."),
                rule_id="REO-7",
            ),
            counted(
                plural_msg(
                    "Upload JPG, JPEG, PNG or WEBP images: at most %(most)s picture, each at most "
                    "%(size)s MB.",
                    "Upload JPG, JPEG, PNG or WEBP images: at most %(most)s pictures, each at "
                    "most %(size)s MB.",
                ),
                {"most": most, "size": size},
                "most",
                rule_id="REO-9",
            ),
        )

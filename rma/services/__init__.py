"""Domain services: the only door to state changes. Every page, API call, admin action and task
ends in one of these functions, which ask the vendor's policy and write the audit trail."""

from .access import return_access_request, return_access_sign_in
from .base import Actor, DomainError, IllegalTransition, PolicyRefusal
from .changes import order_change_request, order_change_resolve
from .evidence import evidence_add, evidence_remove
from .resolutions import (
    resolution_cancel,
    resolution_issue_coupon,
    resolution_issue_credit,
    resolution_mark_delivered,
    resolution_mark_paid,
    resolution_mark_shipped,
    resolution_report,
    resolution_verify_payment,
)
from .return_handling import (
    return_close,
    return_mark_received,
    return_mark_shipped,
    return_record_inspection,
    return_refund,
    return_replace,
    return_ship_reminder,
    return_waive,
)
from .returns import (
    return_approve,
    return_cancel,
    return_create,
    return_flag_complex,
    return_reject,
    return_review_sla_breach,
    return_start_review,
)
from .solutions import (
    solution_agree,
    solution_cancel,
    solution_complete,
    solution_create,
    solution_expire,
    solution_issue_password,
    solution_reject,
    solution_remind,
    solution_save_details,
    solution_submit,
)
from .units import unit_replace, units_for_line, units_replace, units_upload_csv

__all__ = [
    "Actor",
    "DomainError",
    "IllegalTransition",
    "PolicyRefusal",
    "evidence_add",
    "evidence_remove",
    "order_change_request",
    "order_change_resolve",
    "resolution_cancel",
    "resolution_issue_coupon",
    "resolution_issue_credit",
    "resolution_mark_delivered",
    "resolution_mark_paid",
    "resolution_mark_shipped",
    "resolution_report",
    "resolution_verify_payment",
    "return_access_request",
    "return_access_sign_in",
    "return_approve",
    "return_cancel",
    "return_close",
    "return_create",
    "return_flag_complex",
    "return_mark_received",
    "return_mark_shipped",
    "return_record_inspection",
    "return_refund",
    "return_reject",
    "return_replace",
    "return_review_sla_breach",
    "return_ship_reminder",
    "return_start_review",
    "return_waive",
    "solution_agree",
    "solution_cancel",
    "solution_complete",
    "solution_create",
    "solution_expire",
    "solution_issue_password",
    "solution_reject",
    "solution_remind",
    "solution_save_details",
    "solution_submit",
    "unit_replace",
    "units_for_line",
    "units_replace",
    "units_upload_csv",
]

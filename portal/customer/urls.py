"""Customer portal routes, all under /v/<vendor_slug>/ (namespace ``portal``)."""

from __future__ import annotations

from django.urls import include, path
from django.views.i18n import set_language

from . import (
    access,
    branding,
    change_views,
    home_views,
    message_views,
    return_views,
    solution_views,
    unit_views,
)

app_name = "portal"

SOLUTION = "solutions/<uuid:public_id>/"
RETURN = "returns/<uuid:public_id>/"

vendor_patterns = [
    path("", home_views.vendor_home, name="vendor_home"),
    path("logo/", branding.vendor_logo, name="vendor_logo"),
    path("sign-out/", access.sign_out, name="sign_out"),
    # warranty solutions (REO)
    path(SOLUTION, access.solution_login, name="solution_login"),
    path(f"{SOLUTION}content/", solution_views.solution_content, name="solution_content"),
    path(f"{SOLUTION}agree/", solution_views.solution_agree_view, name="solution_agree"),
    path(f"{SOLUTION}disagree/", solution_views.solution_disagree, name="solution_disagree"),
    path(f"{SOLUTION}details/", solution_views.solution_details, name="solution_details"),
    path(f"{SOLUTION}status/", solution_views.solution_status, name="solution_status"),
    path(
        f"{SOLUTION}evidence/",
        solution_views.solution_evidence_upload,
        name="solution_evidence_upload",
    ),
    path(
        f"{SOLUTION}evidence/<int:pk>/",
        solution_views.solution_evidence_file,
        name="solution_evidence_file",
    ),
    path(
        f"{SOLUTION}evidence/<int:pk>/remove/",
        solution_views.solution_evidence_remove,
        name="solution_evidence_remove",
    ),
    path(f"{SOLUTION}messages/", message_views.solution_message, name="solution_messages"),
    path(
        f"{SOLUTION}messages/files/<int:pk>/",
        message_views.solution_message_file,
        name="solution_message_file",
    ),
    # self-service returns (MKT, AQA)
    path("returns/start/", return_views.return_start, name="return_start"),
    path("warranty/", unit_views.warranty_lookup, name="warranty_lookup"),
    path("warranty/register/", unit_views.unit_register, name="unit_register"),
    path("access/<str:token>/", access.access_login, name="access_login"),
    path("order/", return_views.order_overview, name="order_overview"),
    path("order/returns/new/", return_views.return_new, name="return_new"),
    path("order/change/<str:kind>/", change_views.order_change, name="order_change"),
    path(RETURN, return_views.return_detail, name="return_detail"),
    path(f"{RETURN}tracking/", return_views.return_tracking, name="return_tracking"),
    path(f"{RETURN}messages/", message_views.return_message, name="return_messages"),
    path(
        f"{RETURN}messages/files/<int:pk>/",
        message_views.return_message_file,
        name="return_message_file",
    ),
    path(f"{RETURN}slip/", return_views.return_slip, name="return_slip"),
    path(f"{RETURN}slip.pdf", return_views.return_slip_pdf, name="return_slip_pdf"),
    path(f"{RETURN}evidence/", return_views.return_evidence_upload, name="return_evidence_upload"),
    path(
        f"{RETURN}evidence/<int:pk>/",
        return_views.return_evidence_file,
        name="return_evidence_file",
    ),
    path(
        f"{RETURN}evidence/<int:pk>/remove/",
        return_views.return_evidence_remove,
        name="return_evidence_remove",
    ),
]

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("v/<slug:vendor_slug>/", include(vendor_patterns)),
]

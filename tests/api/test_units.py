"""Units: serials sent with order lines (idempotent upsert), and the warranty status by serial."""

from __future__ import annotations

from django_scopes import scope, scopes_disabled

from rma.models import Unit

from .factories import order_payload
from .test_keys_and_errors import assert_error


def _with_units(number="SO-1", units=None, **kw):
    payload = order_payload(number, **kw)
    payload["lines"][0]["quantity"] = 2
    payload["lines"][0]["units"] = units or [
        {"serial": "CAM-0001", "batch": "B7"},
        {"serial": "CAM-0002", "batch": "B7", "market": "fr"},
    ]
    return payload


def test_units_are_sent_with_lines_and_replays_change_nothing(api_b, vendor_b):
    payload = _with_units()
    first = api_b.post("/api/v1/orders/", payload, format="json")
    assert first.status_code == 201, first.content
    assert first.json()["lines"][0]["units"] == [
        {"serial": "CAM-0001", "batch": "B7", "market": "DE"},
        {"serial": "CAM-0002", "batch": "B7", "market": "FR"},
    ]
    with scopes_disabled():
        before = {u.serial: u.updated_at for u in Unit.objects.filter(vendor=vendor_b)}
    again = api_b.post("/api/v1/orders/", payload, format="json")
    assert again.status_code == 200
    assert again.json()["updated_at"] == first.json()["updated_at"]
    with scopes_disabled():
        after = {u.serial: u.updated_at for u in Unit.objects.filter(vendor=vendor_b)}
    assert after == before and len(after) == 2


def test_a_resend_with_one_new_serial_answers_every_unit_of_the_line(api_b, vendor_b):
    """Units are only added by an upsert: the answer lists the line's earlier units too, and a
    changed batch moves updated_at of that unit only."""
    assert api_b.post("/api/v1/orders/", _with_units(), format="json").status_code == 201
    with scopes_disabled():
        before = {u.serial: u.updated_at for u in Unit.objects.filter(vendor=vendor_b)}
    payload = _with_units(units=[{"serial": "CAM-0002", "batch": "B8"}])
    payload["lines"][0]["quantity"] = 3
    payload["lines"][1]["units"] = [{"serial": "HUB-0001"}]
    response = api_b.post("/api/v1/orders/", payload, format="json")
    assert response.status_code == 200, response.content
    lines = response.json()["lines"]
    assert lines[0]["units"] == [
        {"serial": "CAM-0001", "batch": "B7", "market": "DE"},
        {"serial": "CAM-0002", "batch": "B8", "market": "FR"},
    ]
    assert lines[1]["units"] == [{"serial": "HUB-0001", "batch": "", "market": "DE"}]
    with scopes_disabled():
        after = {u.serial: u.updated_at for u in Unit.objects.filter(vendor=vendor_b)}
    assert after["CAM-0001"] == before["CAM-0001"]
    assert after["CAM-0002"] > before["CAM-0002"]


def test_a_serial_of_another_order_is_refused(api_b):
    assert api_b.post("/api/v1/orders/", _with_units(), format="json").status_code == 201
    error = assert_error(
        api_b.post("/api/v1/orders/", _with_units("SO-2"), format="json"), 422, "serial_taken"
    )
    assert "SO-1" in error["message"]


def test_more_serials_than_the_quantity_is_a_field_error(api_b):
    payload = _with_units()
    payload["lines"][0]["quantity"] = 1
    error = assert_error(api_b.post("/api/v1/orders/", payload, format="json"), 400, "invalid")
    assert error["fields"]


def test_serials_are_per_vendor_and_lookup_is_scoped(api_a, api_b, vendor_a, vendor_b):
    assert api_b.post("/api/v1/orders/", _with_units(), format="json").status_code == 201
    # Another vendor may use the same serial for its own unit.
    assert api_a.post("/api/v1/orders/", _with_units(), format="json").status_code == 201
    status = api_b.get("/api/v1/units/CAM-0001/")
    assert status.status_code == 200
    body = status.json()
    assert body["serial"] == "CAM-0001" and body["rule_id"] == "AQA-7"
    assert body["in_warranty"] is True and body["replaced_by"] is None
    assert set(body) == {
        "serial",
        "sku",
        "market",
        "warranty_start",
        "warranty_end",
        "rule_id",
        "in_warranty",
        "replaces",
        "replaced_by",
    }
    assert_error(api_b.get("/api/v1/units/NOPE-1/"), 404, "not_found")
    with scope(vendor=vendor_a):
        Unit.objects.filter(vendor=vendor_a).delete()
    assert_error(api_a.get("/api/v1/units/CAM-0001/"), 404, "not_found")
    assert api_b.get("/api/v1/units/CAM-0001/").status_code == 200


def test_a_line_with_units_cannot_be_dropped(api_b):
    assert api_b.post("/api/v1/orders/", _with_units(), format="json").status_code == 201
    payload = order_payload()
    payload["lines"] = payload["lines"][1:]
    error = assert_error(api_b.post("/api/v1/orders/", payload, format="json"), 422, "line_in_use")
    assert "CAM-4K" in error["message"]


def _claim(units, country="DE"):
    return {
        "order": "SO-1",
        "scenario": "warranty_claim",
        "lines": [{"sku": "CAM-4K"}],
        "units": units,
        "current_country": country,
    }


def test_a_warranty_claim_names_units_and_is_judged_per_unit(api_b):
    assert api_b.post("/api/v1/orders/", _with_units(), format="json").status_code == 201
    created = api_b.post("/api/v1/returns/", _claim(["CAM-0001"]), format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["units"] == ["CAM-0001"]
    per_unit = [f for f in body["decision"]["findings"] if "CAM-0001" in f["message"]]
    assert {(f["rule_id"], f["ok"]) for f in per_unit} == {("AQA-7", True), ("AQA-8", True)}
    # CAM-0002 was sold for France: a claim from Germany fails AQA-8 for that unit.
    refused = api_b.post("/api/v1/returns/", _claim(["CAM-0002"]), format="json")
    error = assert_error(refused, 422, "policy_refused")
    assert any(f["rule_id"] == "AQA-8" and not f["ok"] for f in error["findings"])


def test_a_claim_naming_an_unknown_serial_is_kept_and_flagged(api_a, api_b, vendor_a):
    """Another vendor's serial is unknown here: the claim keeps it as typed and flags it,
    and vendor A's unit is neither linked nor revealed."""
    assert api_b.post("/api/v1/orders/", _with_units(), format="json").status_code == 201
    assert api_a.post("/api/v1/orders/", _with_units(units=[{"serial": "A-ONLY"}]), format="json")
    created = api_b.post("/api/v1/returns/", _claim(["A-ONLY"]), format="json")
    assert created.status_code == 201, created.content
    body = api_b.get(f"/api/v1/returns/{created.json()['id']}/").json()
    assert body["units"] == ["A-ONLY"]
    (flag,) = [f for f in body["integrity_flags"] if f["kind"] == "serial_not_sold"]
    assert flag["serial"] == "A-ONLY" and flag["rule_id"] == "AQA-5" and not flag["blocking"]
    assert "not in the vendor's registry" in flag["message"]
    with scope(vendor=vendor_a):
        assert not Unit.objects.get(serial="A-ONLY").claims.exists()


# -- idempotency and scope ------------------------------------------------------------------


def _post(api, body, key, path="/api/v1/orders/"):
    return api.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_units_replayed_with_the_same_key_are_created_once(api_b, vendor_b):
    payload = _with_units()  # one body: its dates are made per call
    first = _post(api_b, payload, "units-1")
    again = _post(api_b, payload, "units-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    with scopes_disabled():
        assert Unit.objects.filter(vendor=vendor_b).count() == 2


def test_the_same_key_with_other_units_is_refused_and_changes_nothing(api_b, vendor_b):
    assert _post(api_b, _with_units(), "units-2").status_code == 201
    other = _with_units(units=[{"serial": "CAM-9999"}])
    assert_error(_post(api_b, other, "units-2"), 422, "idempotency_key_reused")
    with scopes_disabled():
        serials = set(Unit.objects.filter(vendor=vendor_b).values_list("serial", flat=True))
    assert serials == {"CAM-0001", "CAM-0002"}


def test_keys_are_per_vendor_and_units_stay_with_their_vendor(api_a, api_b, vendor_a, vendor_b):
    assert _post(api_b, _with_units(), "shared-key").status_code == 201
    mine = _post(api_a, _with_units(units=[{"serial": "A-1"}]), "shared-key")
    assert mine.status_code == 201 and "Idempotent-Replayed" not in mine
    with scopes_disabled():
        assert set(Unit.objects.filter(vendor=vendor_a).values_list("serial", flat=True)) == {"A-1"}
    assert_error(api_a.get("/api/v1/units/CAM-0001/"), 404, "not_found")


def test_a_claim_naming_units_replayed_with_the_same_key_is_one_claim(api_b, vendor_b):
    assert api_b.post("/api/v1/orders/", _with_units(), format="json").status_code == 201
    claim = _claim(["CAM-0001"])
    first = _post(api_b, claim, "claim-1", "/api/v1/returns/")
    again = _post(api_b, claim, "claim-1", "/api/v1/returns/")
    assert first.status_code == again.status_code == 201 and again.json() == first.json()
    from rma.models import ClaimFlag, ReturnUnit

    with scopes_disabled():
        assert ReturnUnit.objects.filter(vendor=vendor_b).count() == 1
        # One claim, so the serial is not flagged as claimed twice.
        assert not ClaimFlag.objects.filter(vendor=vendor_b).exists()


def test_the_lookup_answers_the_same_whatever_the_key_and_stores_nothing(api_b):
    from api.models import IdempotencyRecord

    assert api_b.post("/api/v1/orders/", _with_units(), format="json").status_code == 201
    answers = [
        api_b.get("/api/v1/units/CAM-0002/", HTTP_IDEMPOTENCY_KEY=key).json()
        for key in ("look-1", "look-1", "look-2")
    ]
    assert answers[0] == answers[1] == answers[2] and answers[0]["market"] == "FR"
    with scopes_disabled():
        assert not IdempotencyRecord.objects.filter(key__startswith="look-").exists()


def test_the_claim_detail_lists_flags_and_another_vendor_sees_none(api_a, api_b):
    assert api_b.post("/api/v1/orders/", _with_units(), format="json").status_code == 201
    created = api_b.post("/api/v1/returns/", _claim(["TYPO-1"]), format="json")
    assert created.status_code == 201, created.content
    rid = created.json()["id"]
    assert api_b.get(f"/api/v1/returns/{rid}/").json()["integrity_flags"][0]["kind"] == (
        "serial_not_sold"
    )
    assert_error(api_a.get(f"/api/v1/returns/{rid}/"), 404, "not_found")

"""What a customer sees on the case pages: product pictures, the stepper, an honest checklist,
named uploads, the refund estimate, addresses as the post reads them, errors by their field."""

from __future__ import annotations

from django_scopes import scope, scopes_disabled

from rma import services

from ..factories import OrderLineFactory
from .factories import order_with_line, png_bytes
from .helpers import sign_in_solution, upload, url
from .test_returns import signed_in, submit, text_of
from .test_solution_flow import agreed, details_data


def test_a_product_picture_shows_beside_its_name(client, market):
    with scope(vendor=market):
        order = order_with_line(market, name="Dome camera", image_url="https://cdn.example/c.png")
    signed_in(client, market, order)
    page = client.get(url("order_overview", market)).text
    assert '<img class="product-image" src="https://cdn.example/c.png" alt="Dome camera"' in page


def test_the_return_page_shows_a_stepper_and_names_uploaded_files(client, market):
    with scope(vendor=market):
        order = order_with_line(market, delivered_days_ago=3)
    signed_in(client, market, order)
    submit(client, market, order, "quality_defect", reason="Dead on arrival")
    with scopes_disabled():
        rr = order.returns.get()
    for name in ("front.png", "back.png"):
        client.post(
            url("return_evidence_upload", market, rr.public_id),
            {"kind": "photo", "file": upload(name, png_bytes(), "image/png")},
        )
    page = client.get(url("return_detail", market, rr.public_id)).text
    assert 'class="stepper"' in page and 'aria-current="step"' in page
    assert "front.png, back.png" in text_of(type("R", (), {"text": page})())
    assert page.count("File uploaded") == 1


def test_an_optional_item_with_no_file_is_not_ticked(reolink_solution):
    solution, _password = reolink_solution
    with scope(vendor=solution.vendor):
        items = services.evidence.evidence_checklist(solution)
    for item in items:
        if item.requirement.min_count == 0:
            assert item.counted == 0 and not item.done


def test_the_confirm_step_shows_the_estimated_refund_with_its_lines(client, market):
    with scope(vendor=market):
        order = order_with_line(market, delivered_days_ago=3)
    signed_in(client, market, order)
    with scopes_disabled():
        line = order.lines.first()
    page = client.post(
        url("return_new", market),
        {"step": "choose", f"line_{line.pk}": 1, "scenario": "non_quality"},
    )
    text = text_of(page)
    assert "Your estimated refund" in text
    assert "Estimated refund" in text and "EUR" in text


def test_us_addresses_print_their_state_on_the_city_line(market):
    with scope(vendor=market):
        line = OrderLineFactory(
            order__vendor=market,
            vendor=market,
            order__ship_city="Austin",
            order__ship_region="TX",
            order__ship_postal_code="78701",
            order__ship_country="US",
        )
        assert "Austin, TX 78701" in line.order.address_lines


def test_a_refused_tracking_number_shows_beside_its_field(client, reolink_solution):
    solution, password = reolink_solution
    solution = agreed(client, solution, password)
    response = client.post(
        url("solution_details", solution.vendor, solution.public_id),
        details_data(solution, tracking_number="NO BLANKS ALLOWED!"),
    )
    assert response.status_code == 400
    assert 'id="id_tracking_number_error"' in response.text


def test_customer_page_types_are_valid_html_without_nested_forms(client, market, reolink_solution):
    from tests.test_admin_html import assert_valid_page, nested_forms

    solution, password = reolink_solution
    sign_in_solution(client, solution, password)
    before = [
        url("solution_content", solution.vendor, solution.public_id),
        url("solution_agree", solution.vendor, solution.public_id),
        url("solution_disagree", solution.vendor, solution.public_id),
    ]
    for page_url in before:
        assert nested_forms(assert_valid_page(client, page_url)) == [], page_url
    client.post(url("solution_agree", solution.vendor, solution.public_id), {"confirmed": "yes"})
    pages = [
        url("solution_details", solution.vendor, solution.public_id),
        url("solution_status", solution.vendor, solution.public_id),
        url("solution_disagree", solution.vendor, solution.public_id),  # after the race
    ]
    for page_url in pages:
        html = assert_valid_page(client, page_url)
        assert nested_forms(html) == [], page_url
    with scope(vendor=market):
        order = order_with_line(market, delivered_days_ago=3)
    signed_in(client, market, order)
    submit(client, market, order, "quality_defect", reason="Dead on arrival")
    with scopes_disabled():
        rr = order.returns.get()
    for page_url in (url("order_overview", market), url("return_detail", market, rr.public_id)):
        html = assert_valid_page(client, page_url)
        assert nested_forms(html) == [], page_url

"""The registry shares one policy object per readings, and never a stale one."""

from __future__ import annotations

from decimal import Decimal

import pytest

from policies.registry import get_policy


def test_same_readings_share_one_policy_and_its_calendar() -> None:
    first = get_policy("marketplace", {"review_working_days": 3}, timezone="Europe/Berlin")
    again = get_policy("marketplace", {"review_working_days": 3}, timezone="Europe/Berlin")
    assert again is first
    assert again.calendar is first.calendar


@pytest.mark.parametrize(
    "changed",
    [
        pytest.param({"settings": {"review_working_days": 4}}, id="settings"),
        pytest.param({"timezone": "America/New_York"}, id="time-zone"),
        pytest.param({"country": "DE"}, id="country"),
    ],
)
def test_changed_readings_get_a_policy_of_their_own(changed) -> None:
    readings = {"settings": {"review_working_days": 3}, "timezone": "UTC", "country": "US"}
    before = get_policy("marketplace", readings["settings"], **_where(readings))
    readings.update(changed)
    after = get_policy("marketplace", readings["settings"], **_where(readings))
    assert after is not before
    if "settings" in changed:
        assert after.settings.review_working_days == 4


def test_refused_settings_raise_every_time() -> None:
    for _ in range(2):
        with pytest.raises(ValueError, match="review_working_days"):
            get_policy("marketplace", {"review_working_days": -1})


def test_python_values_are_read_as_given() -> None:
    policy = get_policy("marketplace", {"wrong_item_compensation": Decimal("0.25")})
    assert policy.settings.wrong_item_compensation == Decimal("0.25")


def _where(readings: dict) -> dict:
    return {"timezone": readings["timezone"], "country": readings["country"]}

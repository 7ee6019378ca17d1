import pytest
from hypothesis import given
from hypothesis import strategies as st

from progman.domain import Duration


@pytest.mark.parametrize(
    ("text", "amount", "unit", "elapsed", "minutes"),
    [
        ("3d", 3, "d", False, 3 * 8 * 60),
        ("4h", 4, "h", False, 240),
        ("2w", 2, "w", False, 2 * 5 * 8 * 60),
        ("1.5d", 1.5, "d", False, 720),
        ("30m", 30, "m", False, 30),
        ("5ed", 5, "d", True, 5 * 24 * 60),
        ("-1d", -1, "d", False, -480),
        ("+2d", 2, "d", False, 960),
        ("1mo", 1, "mo", False, 20 * 8 * 60),
    ],
)
def test_parse_and_length(text: str, amount: float, unit: str, elapsed: bool, minutes: float):
    duration = Duration.parse(text)
    assert (duration.amount, duration.unit, duration.elapsed) == (amount, unit, elapsed)
    assert duration.working_minutes() == minutes


def test_hours_per_day_changes_working_length_not_elapsed():
    assert Duration.parse("2d").working_minutes(hours_per_day=7.5) == 2 * 7.5 * 60
    assert Duration.parse("2ed").working_minutes(hours_per_day=7.5) == 2 * 24 * 60


def test_bare_number_means_days():
    assert Duration.parse(3) == Duration(3.0, "d")


@pytest.mark.parametrize("text", ["3", "d", "3 days", "3x", "", "1.2.3d", "three d"])
def test_invalid_text_says_what_to_write(text: str):
    with pytest.raises(ValueError, match="write a number and a unit"):
        Duration.parse(text)


@given(
    st.decimals(min_value=-500, max_value=500, places=2),
    st.sampled_from(["m", "h", "d", "w"]),
    st.booleans(),
)
def test_text_round_trip(amount, unit, elapsed):
    duration = Duration(float(amount), unit, elapsed)
    assert Duration.parse(str(duration)) == duration
    assert Duration.parse(duration.signed()) == duration


@pytest.mark.parametrize("amount", [1.2345678, 1234567.5 / 10, 0.1 + 0.2, 999999.75])
def test_text_is_exact_for_any_amount(amount):
    duration = Duration(amount, "d")
    assert "e" not in str(duration)
    assert Duration.parse(str(duration)) == duration


@pytest.mark.parametrize("amount", [float("nan"), float("inf"), 2e6])
def test_absurd_amounts_are_refused(amount):
    with pytest.raises(ValueError, match="out of range"):
        Duration(amount, "d")

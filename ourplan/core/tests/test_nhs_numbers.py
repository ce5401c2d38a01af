"""NHS numbers: modulus 11 through the nhs-number package, a specific message per fault."""

from __future__ import annotations

import nhs_number
import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from ourplan.core.nhs_numbers import (
    NHS_NUMBER_FAILED_CHECK,
    NHS_NUMBER_NOT_DIGITS,
    NHS_NUMBER_REQUIRED,
    NHS_NUMBER_TOO_LONG,
    NHS_NUMBER_TOO_SHORT,
    clean_nhs_number,
    format_nhs_number,
    looks_like_nhs_number,
)


@pytest.mark.parametrize("typed", ["9990000018", "999 000 0018", "999-000-0018",
                                   "  9990000018 ", "999 000-0018", "999  000  0018"])
def test_spaces_and_dashes_are_accepted(typed):
    assert clean_nhs_number(typed) == "9990000018"


@pytest.mark.parametrize(("typed", "message", "code"), [
    ("", NHS_NUMBER_REQUIRED, "required"),
    ("   ", NHS_NUMBER_REQUIRED, "required"),
    ("999000001", NHS_NUMBER_TOO_SHORT, "too_short"),
    ("999 000 001", NHS_NUMBER_TOO_SHORT, "too_short"),
    ("99900000188", NHS_NUMBER_TOO_LONG, "too_long"),
    ("9990000019", NHS_NUMBER_FAILED_CHECK, "failed_check"),
    ("99900000AB", NHS_NUMBER_NOT_DIGITS, "invalid_characters"),
    ("999.000.0018", NHS_NUMBER_NOT_DIGITS, "invalid_characters"),
    ("٩٩٩٠٠٠٠٠١٨", NHS_NUMBER_NOT_DIGITS, "invalid_characters"),  # Arabic-Indic digits
])
def test_each_fault_has_its_own_message(typed, message, code):
    with pytest.raises(ValidationError) as caught:
        clean_nhs_number(typed)

    assert caught.value.messages == [message]
    assert caught.value.code == code


def test_a_check_digit_of_ten_is_never_valid():
    # 999 000 001 has no valid check digit: 11 - (sum % 11) is 10.
    digits = next(str(n) for n in range(999_000_000, 999_000_100)
                  if nhs_number.calculate_checksum(str(n)) == 10)
    for last in "0123456789":
        with pytest.raises(ValidationError):
            clean_nhs_number(digits + last)


def test_shown_as_three_three_four():
    assert format_nhs_number("9990000018") == "999 000 0018"
    assert format_nhs_number("") == ""
    assert format_nhs_number("12") == "12"


def test_search_recognises_a_typed_nhs_number():
    assert looks_like_nhs_number("999 000 0018") == "9990000018"
    assert looks_like_nhs_number("Cecilia") is None


nine_digits = st.integers(min_value=400_000_000, max_value=999_999_999).map(str)


def _with_check_digit(first_nine: str) -> str | None:
    check = nhs_number.calculate_checksum(first_nine)
    return None if check is None or check == 10 else first_nine + str(check)


@given(nine_digits)
def test_every_number_with_its_check_digit_is_valid_and_survives_formatting(first_nine):
    number = _with_check_digit(first_nine)
    if number is None:
        return
    assert clean_nhs_number(number) == number
    assert clean_nhs_number(format_nhs_number(number)) == number
    assert clean_nhs_number(format_nhs_number(number).replace(" ", "-")) == number


@given(nine_digits, st.integers(min_value=0, max_value=9), st.integers(min_value=1, max_value=9))
def test_changing_any_one_digit_fails_the_check(first_nine, position, delta):
    number = _with_check_digit(first_nine)
    if number is None:
        return
    changed = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1:]
    with pytest.raises(ValidationError):
        clean_nhs_number(changed)


@pytest.mark.django_db
def test_the_model_field_stores_ten_digits(team):
    from ourplan.testing.factories import PersonFactory

    person = PersonFactory.build(nhs_number="999 000 0018")
    person.full_clean()

    assert person.nhs_number == "9990000018"

"""The NHS.UK form helpers: the date field's messages, the component chosen for each widget,
and the error summary's links to the first input of each field."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.core.exceptions import ValidationError

from ourplan.core.fields import NHSNumberFormField
from ourplan.core.forms import (
    NHSDateField,
    NHSDateWidget,
    NHSForm,
    error_summary,
    nhsuk_field,
)

# --- NHSDateField -------------------------------------------------------------------------


def _clean(value, **kwargs):
    return NHSDateField(label="Date of birth", **kwargs).clean(value)


def _message(value, **kwargs) -> str:
    with pytest.raises(ValidationError) as raised:
        _clean(value, **kwargs)
    return raised.value.messages[0]


@pytest.mark.parametrize("value", [["", "", ""], [None, None, None], [], None])
def test_given_a_required_date_left_empty_then_enter_the_date(value):
    assert _message(value) == "Enter date of birth"


def test_given_only_spaces_in_a_required_date_then_it_is_refused():
    with pytest.raises(ValidationError):
        _clean(["  ", " ", " "])


@pytest.mark.parametrize("value", [["", "", ""], None, []])
def test_given_an_optional_date_left_empty_then_none(value):
    assert _clean(value, required=False) is None


@pytest.mark.parametrize(("value", "part"), [
    (["", "3", "1984"], "day"),
    (["15", "", "1984"], "month"),
    (["15", "3", ""], "year"),
    (["15", "", ""], "month"),
    (["", "", "1984"], "day"),
])
def test_given_a_partial_date_then_it_names_the_first_missing_part(value, part):
    assert _message(value) == f"Date of birth must include a {part}"


def test_given_a_partial_optional_date_then_it_is_still_refused():
    assert _message(["15", "", "1984"], required=False) == "Date of birth must include a month"


@pytest.mark.parametrize("value", [
    ["31", "2", "1990"], ["29", "2", "2023"], ["0", "1", "1990"], ["1", "13", "1990"],
    ["1", "1", "90"], ["1", "1", "19900"], ["a", "1", "1990"], ["1", "one", "1990"],
    ["1.5", "1", "1990"], ["-1", "1", "1990"], ["99999999999999999999", "1", "1990"],
    ["1", "99999999999999999999", "1990"],
])
def test_given_a_date_that_is_not_real_then_it_must_be_a_real_date(value):
    assert _message(value) == "Date of birth must be a real date"


@pytest.mark.parametrize(("value", "expected"), [
    (["15", "3", "1984"], dt.date(1984, 3, 15)),
    (["05", "03", "1984"], dt.date(1984, 3, 5)),
    ([" 5 ", " 3", "1984 "], dt.date(1984, 3, 5)),
    (["29", "2", "2024"], dt.date(2024, 2, 29)),
    ([15, 3, 1984], dt.date(1984, 3, 15)),
])
def test_given_a_real_date_then_it_is_that_date(value, expected):
    assert _clean(value) == expected


def test_given_a_date_object_then_it_is_accepted_as_it_is():
    assert _clean(dt.date(2001, 9, 11)) == dt.date(2001, 9, 11)


def test_given_no_label_then_the_messages_say_date():
    field = NHSDateField()

    with pytest.raises(ValidationError) as empty:
        field.clean(["", "", ""])
    with pytest.raises(ValidationError) as partial:
        field.clean(["1", "", "2000"])

    assert empty.value.messages == ["Enter date"]
    assert partial.value.messages == ["Date must include a month"]


class DateForm(NHSForm):
    born = NHSDateField(label="Date of birth")
    ended = NHSDateField(label="End date", required=False)


def test_given_a_form_then_the_date_is_read_from_three_boxes():
    form = DateForm({"born_day": "15", "born_month": "3", "born_year": "1984"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"born": dt.date(1984, 3, 15), "ended": None}


def test_given_a_form_with_a_partial_date_then_the_error_is_on_that_field():
    form = DateForm({"born_day": "15", "born_year": "1984", "ended_day": "1"})

    assert not form.is_valid()
    assert form.errors == {"born": ["Date of birth must include a month"],
                           "ended": ["End date must include a month"]}


def test_given_a_date_the_widget_splits_it_into_day_month_and_year():
    assert NHSDateWidget().decompress(dt.date(1984, 3, 15)) == [15, 3, 1984]
    assert NHSDateWidget().decompress(None) == [None, None, None]


# --- nhsuk_field: one component per widget ------------------------------------------------


class EveryWidgetForm(NHSForm):
    name = forms.CharField(label="Full name", help_text="As on their passport")
    nickname = forms.CharField(label="Nickname", required=False)
    email = forms.EmailField(label="Email address", required=False)
    secret = forms.CharField(label="Password", widget=forms.PasswordInput)
    count = forms.IntegerField(label="How many", required=False)
    website = forms.URLField(label="Website", required=False, assume_scheme="https")
    token = forms.CharField(widget=forms.HiddenInput, required=False)
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)
    colour = forms.ChoiceField(label="Colour", choices=[("", "---------"), ("red", "Red"),
                                                        ("blue", "Blue")], required=False)
    size = forms.ChoiceField(label="Size", widget=forms.RadioSelect,
                             choices=[("s", "Small"), ("m", "Medium")])
    extras = forms.MultipleChoiceField(label="Extras", widget=forms.CheckboxSelectMultiple,
                                       choices=[("a", "Apples"), ("b", "Bananas")],
                                       required=False)
    agree = forms.BooleanField(label="I agree", required=False)
    born = NHSDateField(label="Date of birth")
    nhs_number = NHSNumberFormField(required=False)


@pytest.mark.parametrize(("name", "component"), [
    ("name", "input"), ("nickname", "input"), ("email", "input"), ("secret", "input"),
    ("count", "input"), ("website", "input"), ("nhs_number", "input"), ("token", "hidden"),
    ("notes", "textarea"), ("colour", "select"), ("size", "radios"), ("extras", "checkboxes"),
    ("agree", "checkboxes"), ("born", "dateInput"),
])
def test_given_each_widget_then_nhsuk_field_picks_its_component(name, component):
    kind, params = nhsuk_field(EveryWidgetForm()[name])

    assert kind == component
    assert params["id"] == f"id_{name}"


@pytest.mark.parametrize(("name", "input_type"), [
    ("name", "text"), ("email", "email"), ("secret", "password"), ("count", "number"),
    ("website", "text"), ("nhs_number", "text"),
])
def test_given_an_input_then_its_type_is_one_the_nhs_input_knows(name, input_type):
    _, params = nhsuk_field(EveryWidgetForm()[name])

    assert params["type"] == input_type
    assert params["name"] == name


def test_given_a_required_text_field_then_label_hint_and_required_attribute():
    _, params = nhsuk_field(EveryWidgetForm()["name"])

    assert params["label"] == {"text": "Full name"}
    assert params["hint"] == {"text": "As on their passport"}
    assert params["attributes"] == {"required": ""}
    assert params["errorMessage"] is None


def test_given_an_optional_field_then_the_label_says_optional_and_no_required_attribute():
    _, params = nhsuk_field(EveryWidgetForm()["nickname"])

    assert params["label"] == {"text": "Nickname (optional)"}
    assert params["hint"] is None
    assert "required" not in params["attributes"]


def test_given_the_nhs_number_field_then_numeric_keyboard_and_no_maxlength():
    _, params = nhsuk_field(EveryWidgetForm()["nhs_number"])

    assert params["attributes"]["inputmode"] == "numeric"
    assert "maxlength" not in params["attributes"]
    assert params["hint"] == {"text": "This is a 10 digit number, like 999 123 4567"}


def test_given_overrides_then_they_replace_the_defaults():
    _, params = nhsuk_field(EveryWidgetForm()["name"], classes="nhsuk-input--width-10",
                            autocomplete="off")

    assert params["classes"] == "nhsuk-input--width-10"
    assert params["autocomplete"] == "off"


def test_given_a_bound_field_with_errors_then_the_message_and_typed_value_are_shown():
    form = EveryWidgetForm({"name": "", "email": "ada@", "size": "s"})
    form.is_valid()

    _, name = nhsuk_field(form["name"])
    _, email = nhsuk_field(form["email"])

    assert name["errorMessage"] == {"text": "This field is required."}
    assert email["errorMessage"] == {"text": "Enter a valid email address."}
    assert email["value"] == "ada@"


def test_given_a_password_that_was_typed_then_it_is_never_sent_back():
    form = EveryWidgetForm({"secret": "hunter2-hunter2"})
    form.is_valid()

    _, params = nhsuk_field(form["secret"])

    # Django's PasswordInput(render_value=False) never renders what was typed.
    assert params["value"] == ""


def test_given_a_hidden_field_then_only_its_name_and_value():
    _, params = nhsuk_field(EveryWidgetForm(initial={"token": "7"})["token"])

    assert (params["name"], params["value"]) == ("token", "7")


def test_given_a_textarea_then_rows_and_value():
    _, params = nhsuk_field(EveryWidgetForm({"notes": "Likes tea"})["notes"])

    assert params["rows"] == 4
    assert params["value"] == "Likes tea"
    assert params["label"] == {"text": "Notes (optional)"}


def test_given_a_select_then_the_empty_choice_reads_select_an_option():
    _, params = nhsuk_field(EveryWidgetForm({"colour": "blue"})["colour"])

    assert params["items"] == [
        {"value": "", "text": "Select an option", "selected": False},
        {"value": "red", "text": "Red", "selected": False},
        {"value": "blue", "text": "Blue", "selected": True},
    ]


def test_given_radios_then_a_fieldset_and_one_item_per_choice_with_numbered_ids():
    _, params = nhsuk_field(EveryWidgetForm({"size": "m"})["size"])

    assert params["idPrefix"] == "id_size"
    assert params["fieldset"] == {"legend": {"text": "Size", "size": "s"}}
    assert params["items"] == [
        {"value": "s", "text": "Small", "checked": False, "id": "id_size_0"},
        {"value": "m", "text": "Medium", "checked": True, "id": "id_size_1"},
    ]


def test_given_radios_with_an_empty_choice_then_the_empty_choice_is_left_out():
    class F(NHSForm):
        answer = forms.ChoiceField(widget=forms.RadioSelect, required=False,
                                   choices=[("", "---------"), ("yes", "Yes"), ("no", "No")])

    _, params = nhsuk_field(F()["answer"])

    assert [i["value"] for i in params["items"]] == ["yes", "no"]
    assert params["items"][0]["id"] == "id_answer_0"


def test_given_checkboxes_then_every_chosen_value_is_checked():
    _, params = nhsuk_field(EveryWidgetForm({"extras": ["a", "b"]})["extras"])

    assert [i["checked"] for i in params["items"]] == [True, True]
    assert [i["id"] for i in params["items"]] == ["id_extras_0", "id_extras_1"]
    assert params["fieldset"]["legend"]["text"] == "Extras (optional)"


def test_given_a_single_checkbox_then_one_item_labelled_by_the_field():
    _, unticked = nhsuk_field(EveryWidgetForm()["agree"])
    _, ticked = nhsuk_field(EveryWidgetForm({"agree": "on"})["agree"])

    assert unticked["items"] == [{"value": "on", "text": "I agree", "checked": False,
                                  "id": "id_agree"}]
    assert ticked["items"][0]["checked"] is True


def test_given_a_date_then_day_month_and_year_boxes_with_the_typed_values():
    form = EveryWidgetForm({"born_day": "15", "born_month": "", "born_year": "1984"})
    form.is_valid()

    _, params = nhsuk_field(form["born"])

    assert [(i["id"], i["name"], i["value"]) for i in params["items"]] == [
        ("id_born_day", "born_day", "15"),
        ("id_born_month", "born_month", ""),
        ("id_born_year", "born_year", "1984"),
    ]
    assert [i["width"] for i in params["items"]] == [2, 2, 4]
    assert params["errorMessage"] == {"text": "Date of birth must include a month"}
    assert all(i["classes"] == "nhsuk-input--error" for i in params["items"])
    assert params["fieldset"] == {"legend": {"text": "Date of birth", "size": "s"}}
    assert params["hint"] == {"text": "For example, 15 3 1984"}


def test_given_a_saved_date_then_the_boxes_show_its_parts():
    _, params = nhsuk_field(EveryWidgetForm(initial={"born": dt.date(1984, 3, 5)})["born"])

    assert [i["value"] for i in params["items"]] == [5, 3, 1984]
    assert all(i["classes"] == "" for i in params["items"])


# --- error_summary ------------------------------------------------------------------------


def test_given_errors_then_the_summary_links_to_the_first_input_of_each_field():
    form = EveryWidgetForm({"email": "ada@", "extras": ["x"]})
    assert not form.is_valid()

    summary = {item["href"]: item["text"] for item in form.error_summary()}

    assert summary == {
        "#id_name": "This field is required.",
        "#id_email": "Enter a valid email address.",
        "#id_secret": "This field is required.",
        "#id_size_0": "This field is required.",
        "#id_extras_0": "Select a valid choice. x is not one of the available choices.",
        "#id_born_day": "Enter date of birth",
    }


def test_given_errors_then_the_summary_follows_the_order_of_the_fields():
    form = EveryWidgetForm({})
    form.is_valid()

    hrefs = [item["href"] for item in error_summary(form)]

    assert hrefs == ["#id_name", "#id_secret", "#id_size_0", "#id_born_day"]


class WholeFormErrorForm(NHSForm):
    start = NHSDateField(label="Start date")

    def clean(self):
        raise ValidationError("These dates overlap another record")


def test_given_an_error_about_the_whole_form_then_it_comes_first_and_links_to_the_form():
    form = WholeFormErrorForm({})
    form.is_valid()

    assert error_summary(form) == [
        {"text": "These dates overlap another record", "href": "#main-form"},
        {"text": "Enter start date", "href": "#id_start_day"},
    ]


def test_given_a_form_that_names_its_own_target_then_whole_form_errors_link_there():
    form = WholeFormErrorForm({"start_day": "1", "start_month": "1", "start_year": "2024"})
    form.non_field_error_target = "dates"
    form.is_valid()

    assert error_summary(form) == [
        {"text": "These dates overlap another record", "href": "#dates"},
    ]


def test_given_a_prefixed_form_then_the_links_carry_the_prefix():
    form = DateForm({}, prefix="first")
    form.is_valid()

    assert error_summary(form) == [{"text": "Enter date of birth",
                                    "href": "#id_first-born_day"}]


def test_given_an_error_added_for_a_field_that_is_not_on_the_form_then_it_is_left_out():
    form = DateForm({"born_day": "1", "born_month": "1", "born_year": "2000"})
    form.is_valid()
    form.errors["gone"] = form.error_class(["Not shown"])

    assert error_summary(form) == []


def test_given_a_valid_form_then_the_summary_is_empty():
    form = DateForm({"born_day": "1", "born_month": "1", "born_year": "2000"})

    assert form.is_valid()
    assert error_summary(form) == []

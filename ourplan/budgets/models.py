"""A person's personal health budget: its versions, how the money is held, what it buys
(cost lines linked to outcomes), what was spent, and the PA employment rates per tax year.

A budget that has been signed off never changes: a change makes a new draft copied from it
(services.py), so the signed-off figures stay as they were."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from ourplan.budgets.money import MOST, PENNY, Frequency
from ourplan.core.models import VersionedModel
from ourplan.people.querysets import BudgetDataQuerySet

AMOUNT_TOO_SMALL = "Enter an amount of at least £0.01"
AMOUNT_TOO_LARGE = "Enter an amount of no more than £5,000,000"
QUANTITY_TOO_SMALL = "Enter a quantity more than 0"
QUANTITY_TOO_LARGE = "Enter a quantity of no more than 10,000"
PERCENT_RANGE = "Enter a percentage from 0 to 100"
ENDS_BEFORE_START = "The end date must be after the start date"


def money_field(label: str, *, null: bool = False, help_text: str = "") -> models.DecimalField:
    """Pounds and pence, exactly: more than zero and no more than £5 million."""
    return models.DecimalField(
        label, max_digits=12, decimal_places=2, null=null, blank=null, help_text=help_text,
        validators=[MinValueValidator(PENNY, AMOUNT_TOO_SMALL),
                    MaxValueValidator(MOST, AMOUNT_TOO_LARGE)],
    )


def rate_field(label: str, *, places: int = 2) -> models.DecimalField:
    return models.DecimalField(label, max_digits=7, decimal_places=places,
                               validators=[MinValueValidator(0, PERCENT_RANGE),
                                           MaxValueValidator(100, PERCENT_RANGE)])


def amount_field(label: str) -> models.DecimalField:
    """A rate-table amount in pounds, which may be nothing."""
    return models.DecimalField(label, max_digits=10, decimal_places=2,
                               validators=[MinValueValidator(0, "Enter £0 or more"),
                                           MaxValueValidator(Decimal("1000000"),
                                                             "Enter no more than £1,000,000")])


class Eligibility(models.TextChoices):
    CHC_ADULT = "chc_adult", "NHS continuing healthcare (adult)"
    CHILDRENS_CONTINUING_CARE = "childrens_continuing_care", "Children's continuing care"
    SECTION_117 = "section_117", "Section 117 mental health after-care"
    WHEELCHAIR = "wheelchair", "Personal wheelchair budget"
    LOCAL_OFFER = "local_offer", "The ICB's local offer"


# Groups with a legal right to have a personal health budget.
LEGAL_RIGHT = frozenset({Eligibility.CHC_ADULT, Eligibility.CHILDRENS_CONTINUING_CARE,
                         Eligibility.SECTION_117, Eligibility.WHEELCHAIR})


class BudgetStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED_OFF = "signed_off", "Signed off"
    SUPERSEDED = "superseded", "Replaced by a later budget"


class Budget(VersionedModel):
    """One version of the budget. At most one draft and one signed-off (in force) per plan."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="budgets")
    # Kept on the budget so that scoping (`visible_to`) is one join, like every person record.
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=BudgetStatus.choices,
                              default=BudgetStatus.DRAFT)
    copied_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    eligibility = models.CharField(
        "Why they have a personal health budget", max_length=32, choices=Eligibility.choices,
        error_messages={"blank": "Select why they have a personal health budget"})
    starts_on = models.DateField("Budget year starts", null=True, blank=True)
    ends_on = models.DateField("Budget year ends", null=True, blank=True)
    indicative_amount = money_field("Indicative budget (a year)", null=True)
    indicative_basis = models.TextField("How the indicative budget was worked out", blank=True,
                                        max_length=2000)
    indicative_authorised_by = models.CharField("Who authorised the indicative budget",
                                                max_length=200, blank=True)
    indicative_authorised_on = models.DateField("When the indicative budget was authorised",
                                                null=True, blank=True)
    final_amount = money_field("Final budget (a year)", null=True)
    signed_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    signed_off_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")

    objects = BudgetDataQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="budget_number_per_plan"),
            models.UniqueConstraint(fields=["plan"], condition=Q(status="draft"),
                                    name="one_draft_budget_per_plan"),
            models.UniqueConstraint(fields=["plan"], condition=Q(status="signed_off"),
                                    name="one_budget_in_force_per_plan"),
        ]

    def __str__(self) -> str:
        return f"Budget {self.number} ({self.get_status_display().lower()})"

    @property
    def amount(self) -> Decimal | None:
        """The figure the plan is measured against: the final budget once there is one."""
        return self.final_amount if self.final_amount is not None else self.indicative_amount

    @property
    def is_draft(self) -> bool:
        return self.status == BudgetStatus.DRAFT

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            raise ValidationError({"ends_on": ENDS_BEFORE_START})


class HoldingWay(models.TextChoices):
    NOTIONAL = "notional", "Notional budget (the NHS holds the money and arranges care)"
    DIRECT_PAYMENT = "direct_payment", "Direct payment (money paid to buy the care)"
    THIRD_PARTY = "third_party", "Third party budget (an organisation holds the money)"


SHORT_WAY = {HoldingWay.NOTIONAL: "Notional", HoldingWay.DIRECT_PAYMENT: "Direct payment",
             HoldingWay.THIRD_PARTY: "Third party"}


class PaidTo(models.TextChoices):
    PERSON = "person", "The person"
    REPRESENTATIVE = "representative", "Their representative"
    NOMINEE = "nominee", "Their nominee"


class Holding(VersionedModel):
    """How part (or all) of the budget is held. A mixture is one row per way, split by amount."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="holdings")
    way = models.CharField("How the money is held", max_length=16, choices=HoldingWay.choices,
                           error_messages={"blank": "Select how the money is held"})
    amount = money_field("Amount held this way (a year)")
    held_by = models.CharField("Who holds the money", max_length=200, blank=True,
                               help_text="The organisation for a third party budget, or the "
                                         "team arranging a notional budget")
    accountable = models.CharField(
        "Who is accountable for the money", max_length=200,
        error_messages={"blank": "Say who is accountable for the money"})
    records_to_keep = models.TextField("What records must be kept", max_length=2000,
                                       blank=True)
    paid_to = models.CharField("Who the direct payment is paid to", max_length=16,
                               choices=PaidTo.choices, blank=True)
    paid_to_contact = models.ForeignKey(
        "people.PersonalContact", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name="Representative or nominee",
    )
    payment_amount = money_field("Amount of each direct payment", null=True)
    payment_frequency = models.CharField("How often it is paid", max_length=16,
                                         choices=Frequency.choices, blank=True)
    notice_days = models.PositiveSmallIntegerField(
        "Notice before a reduction (days)", null=True, blank=True,
        validators=[MinValueValidator(1, "Enter at least 1 day"),
                    MaxValueValidator(365, "Enter no more than 365 days")],
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["budget", "way"],
                                               name="one_holding_per_way")]

    def __str__(self) -> str:
        return SHORT_WAY[HoldingWay(self.way)]


class Category(models.TextChoices):
    PA_EMPLOYMENT = "pa_employment", "Employing a personal assistant"
    AGENCY_CARE = "agency_care", "Care from an agency"
    EQUIPMENT = "equipment", "Equipment"
    THERAPY = "therapy", "Therapy"
    ACTIVITY = "activity", "Activity"
    TRANSPORT = "transport", "Transport"
    TRAINING = "training", "Training"
    OTHER = "other", "Something else"


class UnusualDecision(models.TextChoices):
    PENDING = "pending", "Waiting for a decision"
    AGREED = "agreed", "Agreed"
    NOT_AGREED = "not_agreed", "Not agreed"


class CostLine(VersionedModel):
    """One thing the budget pays for, the outcome it serves and what it costs a year."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="lines")
    outcome = models.ForeignKey(
        "plans.Outcome", on_delete=models.PROTECT, related_name="+",
        verbose_name="Which outcome it helps with",
        error_messages={"null": "Select the outcome it helps with"})
    item = models.CharField("What it is", max_length=200,
                            error_messages={"blank": "Say what it is"})
    category = models.CharField(max_length=16, choices=Category.choices,
                                error_messages={"blank": "Select what kind of cost it is"})
    supplier = models.CharField("Who provides it", max_length=200, blank=True)
    unit_cost = money_field("Cost each time")
    quantity = models.DecimalField(
        "How many each time", max_digits=8, decimal_places=2, default=Decimal("1"),
        validators=[MinValueValidator(PENNY, QUANTITY_TOO_SMALL),
                    MaxValueValidator(Decimal("10000"), QUANTITY_TOO_LARGE)],
    )
    frequency = models.CharField("How often", max_length=16, choices=Frequency.choices,
                                 error_messages={"blank": "Select how often it is paid for"})
    annual_cost = models.DecimalField(max_digits=12, decimal_places=2)
    holding = models.ForeignKey(Holding, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="lines", verbose_name="Which way of holding pays")
    # A PA line: unit cost is the hourly pay, quantity the hours a week, and the year's
    # rates add the hidden costs of employment (pa_costs.py).
    pa_rates = models.ForeignKey("budgets.PARates", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+",
                                 verbose_name="Tax year")
    pa_includes_insurance = models.BooleanField("Include the employer's insurance", default=True)
    pa_breakdown = models.JSONField(default=dict, blank=True)
    unusual = models.BooleanField("Unusual request", default=False)
    unusual_reason = models.TextField("Why it will help", blank=True, max_length=2000)
    unusual_decision = models.CharField(max_length=16, choices=UnusualDecision.choices,
                                        blank=True)
    unusual_decision_reason = models.TextField(blank=True, max_length=2000)
    unusual_decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="+")
    copied_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.item


class Payment(VersionedModel):
    """Money actually spent against a cost line of a signed-off budget."""

    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="payments")
    line = models.ForeignKey(CostLine, on_delete=models.PROTECT, related_name="payments",
                             verbose_name="What it paid for")
    paid_on = models.DateField("Date paid")
    amount = money_field("Amount paid")
    reference = models.CharField("Reference or note", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["paid_on", "created_at"]

    def __str__(self) -> str:
        return f"{self.paid_on}: {self.amount}"


class PARates(VersionedModel):
    """The rates for working out what employing a PA costs, for one tax year. Kept here, and
    changed by an administrator, so the formula never holds a figure from the law."""

    tax_year = models.CharField("Tax year", max_length=7, unique=True,
                                help_text="For example, 2026-27")
    starts_on = models.DateField("First day of the tax year")
    national_living_wage = amount_field("National Living Wage (an hour)")
    holiday_weeks = models.DecimalField("Paid holiday (weeks a year)", max_digits=4,
                                        decimal_places=2,
                                        validators=[MinValueValidator(0, "Enter 0 or more"),
                                                    MaxValueValidator(52, "Enter 52 or fewer")])
    employer_ni_rate = rate_field("Employer's National Insurance (%)")
    ni_secondary_threshold = amount_field("National Insurance secondary threshold (a year)")
    pension_rate = rate_field("Employer's pension contribution (%)")
    pension_lower_limit = amount_field("Pension qualifying earnings: lower limit (a year)")
    pension_upper_limit = amount_field("Pension qualifying earnings: upper limit (a year)")
    emergency_cover_rate = rate_field("Emergency cover (% of wages)")
    training_per_pa = amount_field("Training (a year, for each PA)")
    payroll_per_pa = amount_field("Payroll service (a year, for each PA)")
    insurance_per_employer = amount_field("Employer's and public liability insurance "
                                          "(a year)")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = "PA employment rates"
        verbose_name_plural = "PA employment rates"

    def __str__(self) -> str:
        return self.tax_year

    def clean(self) -> None:
        if (self.pension_lower_limit is not None and self.pension_upper_limit is not None
                and self.pension_upper_limit <= self.pension_lower_limit):
            raise ValidationError({"pension_upper_limit":
                                   "The upper limit must be more than the lower limit"})

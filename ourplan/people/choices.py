"""Coded values for a person's record.

From the NHS Data Dictionary and the Accessible Information Standard."""

from django.db import models


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    INDETERMINATE = "indeterminate", "Indeterminate (unable to be classified as male or female)"
    NOT_KNOWN = "not_known", "Not known"


class YesNoPreferNot(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"


class EthnicCategory(models.TextChoices):
    """NHS Data Dictionary ethnic category (2001 census codes)."""

    A = "A", "White: British"
    B = "B", "White: Irish"
    C = "C", "White: any other White background"
    D = "D", "Mixed: White and Black Caribbean"
    E = "E", "Mixed: White and Black African"
    F = "F", "Mixed: White and Asian"
    G = "G", "Mixed: any other mixed background"
    H = "H", "Asian or Asian British: Indian"
    J = "J", "Asian or Asian British: Pakistani"
    K = "K", "Asian or Asian British: Bangladeshi"
    L = "L", "Asian or Asian British: any other Asian background"
    M = "M", "Black or Black British: Caribbean"
    N = "N", "Black or Black British: African"
    P = "P", "Black or Black British: any other Black background"
    R = "R", "Other ethnic groups: Chinese"
    S = "S", "Other ethnic groups: any other ethnic group"
    Z = "Z", "Not stated"


class Religion(models.TextChoices):
    NONE = "none", "No religion"
    BUDDHIST = "buddhist", "Buddhist"
    CHRISTIAN = "christian", "Christian"
    HINDU = "hindu", "Hindu"
    JEWISH = "jewish", "Jewish"
    MUSLIM = "muslim", "Muslim"
    SIKH = "sikh", "Sikh"
    OTHER = "other", "Another religion or belief"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"


class SexualOrientation(models.TextChoices):
    HETEROSEXUAL = "heterosexual", "Heterosexual or straight"
    GAY_LESBIAN = "gay_lesbian", "Gay or lesbian"
    BISEXUAL = "bisexual", "Bisexual"
    OTHER = "other", "Another sexual orientation"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"


class MaritalStatus(models.TextChoices):
    SINGLE = "single", "Single"
    MARRIED = "married", "Married"
    CIVIL_PARTNERSHIP = "civil_partnership", "In a civil partnership"
    SEPARATED = "separated", "Separated"
    DIVORCED = "divorced", "Divorced or civil partnership dissolved"
    WIDOWED = "widowed", "Widowed or surviving civil partner"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"


class InformationFormat(models.TextChoices):
    """Accessible Information Standard: how the person needs information given to them."""

    LARGE_PRINT = "large_print", "Large print"
    EASY_READ = "easy_read", "Easy read"
    BRAILLE = "braille", "Braille"
    BSL = "bsl", "British Sign Language (BSL) interpreter"
    DEAFBLIND_MANUAL = "deafblind_manual", "Deafblind manual interpreter"
    SPOKEN_INTERPRETER = "spoken_interpreter", "Spoken language interpreter"
    AUDIO = "audio", "Audio"
    EMAIL = "email", "Email"
    TELEPHONE = "telephone", "Telephone call rather than letters"
    LIP_SPEAKER = "lip_speaker", "Lip speaker"
    HEARING_LOOP = "hearing_loop", "Hearing loop"
    ADVOCATE = "advocate", "Support from an advocate to communicate"


class ContactType(models.TextChoices):
    """What a personal contact is to the person: they can be several of these at once."""

    CARER = "carer", "Carer"
    YOUNG_CARER = "young_carer", "Young carer (under 18)"
    NEXT_OF_KIN = "next_of_kin", "Next of kin"
    EMERGENCY_CONTACT = "emergency_contact", "Emergency contact"
    ADVOCATE = "advocate", "Advocate"
    REPRESENTATIVE = "representative", "Representative"
    NOMINEE = "nominee", "Nominee (manages a direct payment for them)"


class RepresentativeBasis(models.TextChoices):
    """The legal basis on which a representative acts for the person."""

    LPA_HEALTH_WELFARE = "lpa_health_welfare", "Lasting power of attorney for health and welfare"
    COURT_DEPUTY = "court_deputy", "Deputy appointed by the Court of Protection"
    PARENT = "parent", "Parent with parental responsibility (child under 16)"
    OTHER = "other", "Other (described in the notes)"

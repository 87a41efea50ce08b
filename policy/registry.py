"""The one list of identifier recognizers the engine runs, in order."""

from __future__ import annotations

from .recognizers.address import AddressRecognizer
from .recognizers.base import Recognizer
from .recognizers.birth_date import BirthDateRecognizer
from .recognizers.eleven_digits import ElevenDigitRecognizer
from .recognizers.email import EmailRecognizer
from .recognizers.keyed_number import (
    ADDRESSEE,
    DRIVERS_LICENCE,
    INSURED,
    PENSION,
    RESIDENT_CODE,
    STAFF_NUMBER,
)
from .recognizers.letter_ids import PassportRecognizer, ResidenceCardRecognizer
from .recognizers.my_number import MyNumberRecognizer
from .recognizers.payment import BankAccountRecognizer, PaymentCardRecognizer
from .recognizers.phone import PhoneRecognizer

RECOGNIZERS: tuple[Recognizer, ...] = (
    MyNumberRecognizer(),
    RESIDENT_CODE,
    PENSION,
    DRIVERS_LICENCE,
    INSURED,
    ADDRESSEE,
    STAFF_NUMBER,
    ResidenceCardRecognizer(),
    PassportRecognizer(),
    BankAccountRecognizer(),
    PaymentCardRecognizer(),
    PhoneRecognizer(),
    ElevenDigitRecognizer(),
    EmailRecognizer(),
    AddressRecognizer(),
    BirthDateRecognizer(),
)

"""The public tip form and the status look-up form: what a tipster may send, checked with
errors in the tipster's language."""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from tipline.intake.forms import MultipleFileField
from tipline.jurisdictions.data import STATE_NAMES
from tipline.tips.challenges import ChallengeError, pow_check, question_check

#: the states and union territories by ISO 3166-2:IN code, with translated names (the
#: report keeps the English name jurisdictions.data gives)
STATE_LABELS = {
    "AN": _("Andaman and Nicobar Islands"),
    "AP": _("Andhra Pradesh"),
    "AR": _("Arunachal Pradesh"),
    "AS": _("Assam"),
    "BR": _("Bihar"),
    "CH": _("Chandigarh"),
    "CG": _("Chhattisgarh"),
    "DH": _("Dadra and Nagar Haveli and Daman and Diu"),
    "DL": _("Delhi"),
    "GA": _("Goa"),
    "GJ": _("Gujarat"),
    "HP": _("Himachal Pradesh"),
    "HR": _("Haryana"),
    "JH": _("Jharkhand"),
    "JK": _("Jammu and Kashmir"),
    "KA": _("Karnataka"),
    "KL": _("Kerala"),
    "LA": _("Ladakh"),
    "LD": _("Lakshadweep"),
    "MH": _("Maharashtra"),
    "ML": _("Meghalaya"),
    "MN": _("Manipur"),
    "MP": _("Madhya Pradesh"),
    "MZ": _("Mizoram"),
    "NL": _("Nagaland"),
    "OD": _("Odisha"),
    "PB": _("Punjab"),
    "PY": _("Puducherry"),
    "RJ": _("Rajasthan"),
    "SK": _("Sikkim"),
    "TN": _("Tamil Nadu"),
    "TR": _("Tripura"),
    "TS": _("Telangana"),
    "UK": _("Uttarakhand"),
    "UP": _("Uttar Pradesh"),
    "WB": _("West Bengal"),
}
assert set(STATE_LABELS) == set(STATE_NAMES)

#: what each way a challenge fails says to the tipster
CHALLENGE_ERRORS = {
    "invalid": _("The form's security check is not valid. Please send the form again."),
    "expired": _("The form was open too long and its security check has expired. "
                 "Please send it again."),
    "wrong": _("The answer to the question is not right. Please try again."),
    "missing": _("Please answer the question at the end of the form."),
    "replayed": _("This form was already sent once. Please send it again."),
}


def _ascii_digits(text: str) -> str:
    """Digits in any script (Devanagari ४३११२२) as ASCII digits; spaces dropped."""
    return "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in text
                   if not c.isspace())


class TipForm(forms.Form):
    """A tip: what happened (required), where, links, files, and contact details unless the
    tipster stays anonymous; and the answer to the challenge (proof of work or question)."""

    what = forms.CharField(
        label=_("What happened?"), widget=forms.Textarea(attrs={"rows": 6}),
        max_length=settings.MAX_FIELD_CHARS,
        help_text=_("Describe what you saw or know: what, when, who, on which app or website."),
        error_messages={"required": _("Please tell us what happened.")})
    state = forms.ChoiceField(label=_("State or union territory"), required=False)
    district = forms.CharField(label=_("District"), required=False, max_length=200)
    pin = forms.CharField(label=_("PIN code"), required=False, max_length=20,
                          help_text=_("Six digits, e.g. 431122."))
    place = forms.CharField(label=_("Place (town, area, address)"), required=False,
                            max_length=500)
    links = forms.CharField(
        label=_("Links"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Web addresses where the material is, one per line (starting with "
                    "http:// or https://)."))
    attachments = MultipleFileField(
        label=_("Files (optional)"), required=False,
        help_text=_("Only if you cannot send a link."))
    contact = forms.ChoiceField(
        label=_("Do you want to be contacted?"), widget=forms.RadioSelect, initial="anonymous",
        choices=[("anonymous", _("No, I want to stay anonymous")),
                 ("contact", _("Yes, here are my contact details"))])
    name = forms.CharField(label=_("Your name"), required=False, max_length=200)
    phone = forms.CharField(label=_("Your phone number"), required=False, max_length=20)
    email = forms.EmailField(label=_("Your email address"), required=False, max_length=254,
                             error_messages={"invalid": _("Please enter a valid email "
                                                          "address.")})
    pow_token = forms.CharField(required=False, widget=forms.HiddenInput)
    pow_solution = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    question_token = forms.CharField(required=False, widget=forms.HiddenInput)
    question_answer = forms.CharField(required=False, max_length=20)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = sorted(((code, str(label)) for code, label in STATE_LABELS.items()),
                         key=lambda pair: pair[1])
        state = self.fields["state"]
        assert isinstance(state, forms.ChoiceField)
        state.choices = [("", _("Choose…")), *choices]
        self.challenge_nonce = ""

    def clean_pin(self) -> str:
        pin = _ascii_digits(self.cleaned_data["pin"])
        if pin and not (len(pin) == 6 and pin.isascii() and pin.isdigit() and pin[0] != "0"):
            raise ValidationError(_("A PIN code is six digits and does not start with 0 "
                                    "(e.g. 431122)."))
        return pin

    def clean_links(self) -> list[str]:
        check = URLValidator(schemes=["http", "https"])
        links: list[str] = []
        for link in self.cleaned_data["links"].split():
            try:
                check(link)
            except ValidationError:
                raise ValidationError(
                    _("“%(link)s” is not a web address starting with http:// or https://."),
                    params={"link": link[:200]}) from None
            if link not in links:
                links.append(link)
        if len(links) > settings.TIP_MAX_LINKS:
            raise ValidationError(ngettext_lazy("Please give at most %(count)d link.",
                                                "Please give at most %(count)d links.",
                                                "count"),
                                  params={"count": settings.TIP_MAX_LINKS})
        return links

    def clean_attachments(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data["attachments"]
        if len(files) > settings.TIP_MAX_FILES:
            raise ValidationError(ngettext_lazy("Please attach at most %(count)d file.",
                                                "Please attach at most %(count)d files.",
                                                "count"),
                                  params={"count": settings.TIP_MAX_FILES})
        for f in files:
            if (f.size or 0) > settings.TIP_MAX_FILE_BYTES:
                raise ValidationError(
                    _("“%(name)s” is too large: a file may be at most %(limit)s."),
                    params={"name": f.name, "limit": filesizeformat(settings.TIP_MAX_FILE_BYTES)})
            if not f.size:
                raise ValidationError(_("“%(name)s” is empty."), params={"name": f.name})
        return files

    def clean_phone(self) -> str:
        phone = _ascii_digits(self.cleaned_data["phone"]).replace("-", "")
        digits = phone.removeprefix("+")
        if phone and not (digits.isascii() and digits.isdigit() and 7 <= len(digits) <= 15):
            raise ValidationError(_("Please enter a phone number of digits only "
                                    "(e.g. 98XXXXXXXX or +9198XXXXXXXX)."))
        return phone

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("contact") == "anonymous":
            data["name"] = data["phone"] = data["email"] = ""
        elif data.get("contact") == "contact" and not any(
                data.get(k) for k in ("name", "phone", "email")) and not any(
                k in self.errors for k in ("phone", "email")):
            self.add_error("contact", _("Please give a name, phone number or email address, "
                                        "or choose to stay anonymous."))
        if not self.errors:
            self._challenge(data)
        return data

    def _challenge(self, data: dict[str, Any]) -> None:
        """The proof of work when the browser did it, else the answer to the question."""
        try:
            if data.get("pow_solution"):
                self.challenge_nonce = pow_check(token=data.get("pow_token", ""),
                                                 solution=data["pow_solution"])
            elif data.get("question_answer"):
                self.challenge_nonce = question_check(token=data.get("question_token", ""),
                                                      answer=data["question_answer"])
            else:
                raise ChallengeError("missing")
        except ChallengeError as exc:
            raise ValidationError(CHALLENGE_ERRORS[exc.code], code=exc.code) from None


class StatusForm(forms.Form):
    """A tip's tracking number and secret, as the tipster was given them."""

    tracking = forms.CharField(label=_("Tracking number"), max_length=40,
                               error_messages={"required": _("Please enter the tracking "
                                                             "number.")})
    secret = forms.CharField(label=_("Secret"), max_length=60, widget=forms.PasswordInput,
                             error_messages={"required": _("Please enter the secret.")})

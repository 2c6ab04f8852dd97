"""Forms of the case page: one per transition or record."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tipline.cases.models import Case, LegalSection, Notice

DATE = forms.DateInput(attrs={"type": "date"})


class FIRForm(forms.Form):
    number = forms.CharField(label=_("FIR number"), max_length=100, required=False)
    registered_on = forms.DateField(label=_("Registered on"), widget=DATE)
    police_station = forms.CharField(label=_("Police station"), max_length=200, required=False)
    sections = forms.ModelMultipleChoiceField(
        label=_("Sections"), queryset=LegalSection.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["sections"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = LegalSection.objects.filter(active=True)


class ChargesheetForm(forms.Form):
    number = forms.CharField(label=_("Chargesheet number"), max_length=100, required=False)
    filed_on = forms.DateField(label=_("Filed on"), widget=DATE)


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=[("", "—"), *Case.Closure.choices],
                               required=False)
    duplicate_of = forms.CharField(label=_("Duplicate of (case or report reference)"),
                                   max_length=40, required=False)
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ArrestForm(forms.Form):
    person = forms.CharField(label=_("Person"), max_length=200, required=False)
    arrested_on = forms.DateField(label=_("Arrested on"), widget=DATE)
    note = forms.CharField(label=_("Note"), required=False)


class SeizureForm(forms.Form):
    seized_on = forms.DateField(label=_("Seized on"), widget=DATE)
    items = forms.CharField(label=_("Items"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))
    video_recorded = forms.BooleanField(label=_("Video-recorded (BNSS 105)"), required=False)


class NoticeForm(forms.Form):
    section = forms.CharField(label=_("Under"), max_length=40, initial="BNSS 94")
    recipient_kind = forms.ChoiceField(label=_("To"), choices=Notice.Recipient.choices)
    recipient = forms.CharField(label=_("Recipient"), max_length=200, required=False)
    sent_on = forms.DateField(label=_("Sent on"), widget=DATE)
    due_on = forms.DateField(label=_("Reply due"), widget=DATE)


class NoticeReplyForm(forms.Form):
    replied_on = forms.DateField(label=_("Replied on"), widget=DATE)
    reply = forms.CharField(label=_("Reply"), required=False)


class ChecklistForm(forms.Form):
    done = forms.BooleanField(label=_("Done"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class LegalSectionForm(forms.Form):
    short = forms.CharField(label=_("Act (short)"), max_length=20,
                            help_text=_("e.g. IT Act, POCSO"))
    act = forms.CharField(label=_("Act (full name)"), max_length=120)
    section = forms.CharField(label=_("Section"), max_length=20)
    about = forms.CharField(label=_("About"), max_length=300, required=False)

"""Forms of the routing step."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class TransferForm(forms.Form):
    to = forms.CharField(label=_("Send to"), max_length=120,
                         help_text=_("a unit, district or state by name (Beed) or code "
                                     "(IN-MH-BEED); India (IN) for the national queue"))
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(
        attrs={"rows": 2}))

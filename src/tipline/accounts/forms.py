"""The second factor's one field: a code from the authenticator app, or a recovery code."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """Six digits from the authenticator, or one of the recovery codes (xxxx-xxxx-xxxx-xxxx)."""

    code = forms.CharField(
        max_length=32, strip=True, label=_("Code"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True,
                                      "inputmode": "text", "spellcheck": "false"}))

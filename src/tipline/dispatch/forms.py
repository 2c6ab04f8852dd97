"""Forms of the dispatch step."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tipline.core.forms import DayField

StrOrPromise = str | Promise  # a text, or one translated when shown


class PacketBuildForm(forms.Form):
    target = forms.ChoiceField(label=_("Send to"), help_text=_(
        "a unit, or a state for its nodal officer to split among units"))
    since = DayField(label=_("Received on or after"), required=False)
    note = forms.CharField(label=_("Note to the unit"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        target = self.fields["target"]
        assert isinstance(target, forms.ChoiceField)
        target.choices = choices


class PacketFilterForm(forms.Form):
    """The packets page's filters (all optional); `place` offers only places in scope."""

    status = forms.ChoiceField(required=False, label=_("Status"))
    place = forms.ChoiceField(required=False, label=_("State or unit"))
    since = DayField(label=_("Sent from"), required=False)
    until = DayField(label=_("Sent until"), required=False)

    def __init__(self, *args: Any, statuses: Mapping[str, StrOrPromise],
                 places: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status, place = self.fields["status"], self.fields["place"]
        assert isinstance(status, forms.ChoiceField) and isinstance(place, forms.ChoiceField)
        status.choices = [("", _("Any")), *statuses.items()]
        place.choices = [("", _("Anywhere I can see")), *places]
        place.error_messages["invalid_choice"] = (
            _("%(value)s is not one of the places you can see."))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end comes before the start."))
        return data


class PacketCorrectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the correction"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class SopForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Body"), widget=forms.Textarea(attrs={"rows": 24}),
                           help_text=_("'# ' starts a heading, '- ' a bullet; blank lines "
                                       "separate paragraphs"))

"""Forms of the dispatch step."""

from __future__ import annotations

from typing import Any

from django import forms

from tipline.core.forms import DayField


class PacketBuildForm(forms.Form):
    target = forms.ChoiceField(label="Send to", help_text="a unit, or a state for its nodal "
                                                          "officer to split among units")
    since = DayField(label="Received on or after", required=False)
    note = forms.CharField(label="Note to the unit", required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        target = self.fields["target"]
        assert isinstance(target, forms.ChoiceField)
        target.choices = choices


class PacketFilterForm(forms.Form):
    """The packets page's filters (all optional); `place` offers only places in scope."""

    status = forms.ChoiceField(required=False)
    place = forms.ChoiceField(required=False, label="State or unit")
    since = DayField(label="Sent from", required=False)
    until = DayField(label="Sent until", required=False)

    def __init__(self, *args: Any, statuses: dict[str, str],
                 places: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status, place = self.fields["status"], self.fields["place"]
        assert isinstance(status, forms.ChoiceField) and isinstance(place, forms.ChoiceField)
        status.choices = [("", "Any"), *statuses.items()]
        place.choices = [("", "Anywhere I can see"), *places]
        place.error_messages["invalid_choice"] = (
            "%(value)s is not one of the places you can see.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "The end comes before the start.")
        return data


class PacketCorrectForm(forms.Form):
    reason = forms.CharField(label="Reason for the correction", max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class SopForm(forms.Form):
    title = forms.CharField(max_length=200)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 24}),
                           help_text="'# ' starts a heading, '- ' a bullet; blank lines "
                                     "separate paragraphs")

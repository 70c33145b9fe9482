"""The record entry form of a kind, generated from the record-kind registry: one input per
column of services/record_columns.py, its widget chosen by the detail field's type. A new
kind (or field) has its form with no template code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from credit_engine.api.office.messages_zh import translate_errors
from credit_engine.api.office.record_labels import choice_label, field_label
from werkzeug.datastructures import MultiDict

from credit_engine.domain.record_kinds import KINDS, DetailField
from credit_engine.services.record_columns import DETAILS_PREFIX

_WIDGETS = {"text": "text", "choice": "select", "choices": "checkboxes", "bool": "checkbox",
            "count": "number", "number": "number", "amount": "number", "date": "date",
            "quarter": "text"}


@dataclass(frozen=True)
class FormField:
    """One input of the form: its name (the column), label and widget."""

    name: str
    label: str
    widget: str
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    max_length: int | None = None
    step: str | None = None
    placeholder: str | None = None


def _detail(spec: DetailField) -> FormField:
    widget = _WIDGETS[spec.type]
    return FormField(
        DETAILS_PREFIX + spec.name, field_label(spec.name), widget, spec.required,
        tuple((c, choice_label(c)) for c in spec.choices), spec.max_length,
        "0.01" if spec.type == "amount" else "any" if spec.type == "number" else None,
        "2026-Q1" if spec.type == "quarter" else None)


def form_fields(kind: str) -> list[FormField]:
    """The inputs of `kind`'s form, in the order of its import template."""
    subject_types = tuple((t, choice_label(t)) for t in KINDS[kind].subject_types)
    # the order of services/record_columns.RECORD_COLUMNS: form and template alike
    common = [FormField("external_id", field_label("external_id"), "text", True, max_length=128),
              FormField("subject.type", field_label("subject.type"), "select", True,
                        subject_types),
              FormField("subject.id", field_label("subject.id"), "text", True, max_length=32),
              FormField("occurred_on", field_label("occurred_on"), "date", True)]
    return common + [_detail(spec) for spec in KINDS[kind].fields]


def values_from_form(kind: str, form: MultiDict[str, str]) -> dict[str, Any]:
    """The column values a submitted form holds (checkbox groups joined by commas)."""
    values: dict[str, Any] = {}
    for item in form_fields(kind):
        if item.widget == "checkboxes":
            values[item.name] = ",".join(form.getlist(item.name))
        elif item.widget == "checkbox":
            values[item.name] = "true" if form.get(item.name) else None
        else:
            values[item.name] = form.get(item.name)
    return values


def form_errors(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """Service errors in Chinese, keyed by the form's input names."""
    return translate_errors({path.removeprefix("records[0].") or "_schema": messages
                             for path, messages in errors.items()})

"""Input validation (marshmallow 4) for every input of the service: API, services, CLI."""

from credit_engine.validation.actions import (
    ObjectionInSchema, RegradeInSchema, RepairInSchema, ResolveObjectionInSchema, RevokeInSchema,
)
from credit_engine.validation.base import StrictSchema
from credit_engine.validation.context import current_today, today_var, validation_today
from credit_engine.validation.details import DETAILS_SCHEMAS, load_details
from credit_engine.validation.errors import flatten_errors, flatten_request_errors, load_or_raise
from credit_engine.validation.fields import (
    Amount, BoundedList, Choice, IsoDate, JsonNumber, QuarterPeriod, ScreenedString,
    StrictBoolean, StrictInteger, Text, parse_iso_date, text_problem,
)
from credit_engine.validation.identifier_fields import IdNumber, PersonId, Uscc, subject_problem
from credit_engine.validation.queries import (
    AsOfArgs, DecisionArgs, EnterpriseSearchArgs, InspectionPlanArgs, PagedAsOfArgs,
    PaginationArgs, RecordsQueryArgs, SubjectArgs,
)
from credit_engine.validation.records import MAX_BATCH, RecordBatchSchema, RecordInSchema
from credit_engine.validation.subjects import (
    EnterpriseInSchema, PersonInSchema, RoleInSchema, SubjectInSchema,
)
from credit_engine.validation.paths import check_person_id, check_uscc

__all__ = [
    "Amount", "AsOfArgs", "BoundedList", "Choice", "DETAILS_SCHEMAS", "DecisionArgs", "EnterpriseInSchema",
    "EnterpriseSearchArgs", "IdNumber", "InspectionPlanArgs", "IsoDate", "JsonNumber", "MAX_BATCH",
    "ObjectionInSchema", "PagedAsOfArgs", "PaginationArgs", "PersonId", "PersonInSchema",
    "QuarterPeriod", "RecordBatchSchema", "RecordInSchema", "RecordsQueryArgs", "RegradeInSchema",
    "RepairInSchema", "ResolveObjectionInSchema", "RevokeInSchema", "RoleInSchema",
    "ScreenedString", "StrictBoolean",
    "StrictInteger", "StrictSchema", "SubjectArgs", "SubjectInSchema", "Text", "Uscc",
    "check_person_id", "check_uscc", "current_today", "flatten_errors", "flatten_request_errors", "load_details",
    "load_or_raise", "parse_iso_date", "subject_problem", "text_problem", "today_var",
    "validation_today",
]

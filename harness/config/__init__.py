"""Configuration: scenario and vendor YAML through strict pydantic models, errors with file:line.

Load-shape specs live here too (pure data); the Locust classes running them are in
``harness.load``.
"""

from harness.config.loader import (
    Slug,
    StrictModel,
    display_path,
    load_yaml,
    validate,
    validate_data,
)
from harness.config.problems import ConfigValueError, LineMap, Loc, format_errors, format_loc
from harness.config.rest import RestSpec
from harness.config.scenario import (
    DEFAULT_ALLOW_HOSTS,
    Bounds,
    Probe,
    Scenario,
    SyntheticTraffic,
    host_problem,
    load_scenario,
    resolve_vendors,
    schema_text,
    write_schema,
)
from harness.config.shapes import SHAPE_KINDS, ArrivalRate, LoadShape
from harness.config.suggest import closest, did_you_mean
from harness.config.units import Duration, Rate, format_duration, format_rate, parse_rate
from harness.config.vendor import (
    Auth,
    BasicAuth,
    BearerAuth,
    NoAuth,
    SandboxOptions,
    SignatureAuth,
    Title,
    VendorSpec,
    Webhooks,
    load_vendor,
    vendor_schema_text,
    write_vendor_schema,
)

__all__ = [
    "DEFAULT_ALLOW_HOSTS",
    "SHAPE_KINDS",
    "ArrivalRate",
    "Auth",
    "BasicAuth",
    "BearerAuth",
    "Bounds",
    "ConfigValueError",
    "Duration",
    "LineMap",
    "LoadShape",
    "Loc",
    "NoAuth",
    "Probe",
    "Rate",
    "RestSpec",
    "SandboxOptions",
    "Scenario",
    "SignatureAuth",
    "Slug",
    "StrictModel",
    "SyntheticTraffic",
    "Title",
    "VendorSpec",
    "Webhooks",
    "closest",
    "did_you_mean",
    "display_path",
    "format_duration",
    "format_errors",
    "format_loc",
    "format_rate",
    "host_problem",
    "load_scenario",
    "load_vendor",
    "load_yaml",
    "parse_rate",
    "resolve_vendors",
    "schema_text",
    "validate",
    "validate_data",
    "vendor_schema_text",
    "write_schema",
    "write_vendor_schema",
]

"""Check annotations against the W3C Web Annotation WG's MUST assertions (JSON Schema draft-04).

Read in place from ../shared/conformance/web-annotation-tests; every assertion
listed in annotations/annotationMusts.test whose expectedResult is "valid"
must hold for each annotation.  Schemas refer to each other by file name
("id.json#/definitions/…"), so all of them go into one registry.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import re

from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from conftest import SHARED

SUITE = SHARED / "conformance" / "web-annotation-tests"


def available() -> bool:
    return (SUITE / "annotations" / "annotationMusts.test").is_file()


@lru_cache(maxsize=1)
def _registry_and_assertions() -> tuple[Registry, list[tuple[str, dict]]]:
    resources = []
    for path in [*SUITE.joinpath("definitions").glob("*.json"), *SUITE.joinpath("annotations").rglob("*.json")]:
        schema = json.loads(path.read_text(encoding="utf-8"))
        resource = Resource(contents=schema, specification=DRAFT4)
        resources.append((path.name, resource))
        if isinstance(schema, dict) and isinstance(schema.get("id"), str):
            resources.append((schema["id"], resource))
    registry = Registry().with_resources(resources)
    test = json.loads((SUITE / "annotations" / "annotationMusts.test").read_text(encoding="utf-8"))
    assertions = []
    for name in test["assertions"]:
        schema = json.loads((SUITE / name).read_text(encoding="utf-8"))
        if schema.get("expectedResult", "valid") == "valid":
            assertions.append((name, schema))
    return registry, assertions


FORMATS = FormatChecker()


@FORMATS.checks("uri")
def _is_uri(value: object) -> bool:
    """An absolute URI: a scheme, a colon, no spaces (RFC 3986, as far as the assertions need)."""
    return not isinstance(value, str) or re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s]+", value) is not None


def violations(annotation: dict) -> list[str]:
    """The MUST assertions ``annotation`` fails, as "file: message"."""
    registry, assertions = _registry_and_assertions()
    failed = []
    for name, schema in assertions:
        validator = Draft4Validator(schema, registry=registry, format_checker=FORMATS)
        errors = list(validator.iter_errors(annotation))
        if errors:
            failed.append(f"{name}: {schema.get('errorMessage', errors[0].message)}")
    return failed


def sample(kind: str) -> list[tuple[str, dict]]:
    """The suite's sample annotations (some "incorrect" ones are not even JSON: those are left out)."""
    samples = []
    for path in sorted((SUITE / "tools" / "samples" / kind).glob("*.json")):
        try:
            samples.append((path.name, json.loads(path.read_text(encoding="utf-8"))))
        except ValueError:
            continue
    return samples

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

from jsonschema import Draft4Validator
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


def violations(annotation: dict) -> list[str]:
    """The MUST assertions ``annotation`` fails, as "file: message"."""
    registry, assertions = _registry_and_assertions()
    failed = []
    for name, schema in assertions:
        validator = Draft4Validator(schema, registry=registry)
        errors = list(validator.iter_errors(annotation))
        if errors:
            failed.append(f"{name}: {schema.get('errorMessage', errors[0].message)}")
    return failed


def sample(kind: str) -> list[tuple[str, dict]]:
    folder = SUITE / "tools" / "samples" / kind
    return [(p.name, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(folder.glob("*.json"))]

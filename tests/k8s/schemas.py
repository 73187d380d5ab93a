"""Schema validation of rendered manifests: core kinds with kubernetes-validate (the Kubernetes JSON schemas it
ships), Spark Operator kinds against their CRDs in ../shared/k8s-schemas, both strict: an unknown field is an error.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
import kubernetes_validate
import yaml
from referencing import Registry, Resource

from tests.conftest import REPO

KUBERNETES_VERSION = "1.30.0"  # the oldest Kubernetes the manifests target (StatefulSet pod-index labels: 1.28+)
SCHEMAS_DIR = REPO / ".." / "shared" / "k8s-schemas"
CRD_FILES = {
    "SparkApplication": "sparkoperator.k8s.io_sparkapplications.yaml",
    "ScheduledSparkApplication": "sparkoperator.k8s.io_scheduledsparkapplications.yaml",
}
OBJECT_META = "https://kubernetes.io/api/_definitions.json#/$defs/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"


def is_custom_resource(obj: dict) -> bool:
    """True for the Spark Operator's kinds, which the CRD schemas validate."""
    return str(obj.get("apiVersion", "")).startswith("sparkoperator.k8s.io/")


def core_errors(obj: dict) -> list[str]:
    """kubernetes-validate's strict verdict on a core object; a kind it has no schema for is an error too."""
    try:
        kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as error:
        return [f"{'.'.join(map(str, error.path))}: {error.message}"]
    except kubernetes_validate.SchemaNotFoundError as error:
        return [error.message]
    return []


def strict_schema(schema: Any) -> Any:
    """An OpenAPI v3 CRD schema as the API server applies it, with pruning turned into rejection.

    Objects without `x-kubernetes-preserve-unknown-fields` get `additionalProperties: false` (the API server
    drops unknown fields silently; a test should fail on them), and `nullable` becomes a null type.
    """
    if isinstance(schema, list):
        return [strict_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    strict = {key: strict_schema(value) for key, value in schema.items()}
    is_object = strict.get("type") == "object" or "properties" in strict
    if is_object and "additionalProperties" not in strict and not strict.get("x-kubernetes-preserve-unknown-fields"):
        strict["additionalProperties"] = False
    if strict.pop("nullable", False) and isinstance(strict.get("type"), str):
        strict["type"] = [strict["type"], "null"]
    return strict


@cache
def crd_schema(kind: str) -> dict:
    """The openAPIV3Schema of a Spark Operator kind's served version, as written in its CRD."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: the CRDs are 0.8 MB each
    crd = yaml.load((SCHEMAS_DIR / CRD_FILES[kind]).read_text(encoding="utf-8"), Loader=loader)
    (version,) = [v for v in crd["spec"]["versions"] if v["name"] == "v1beta2" and v.get("served")]
    return version["schema"]["openAPIV3Schema"]


@cache
def _definitions() -> Registry:
    """The Kubernetes definitions kubernetes-validate ships (ObjectMeta and what it refers to)."""
    folder = f"v{KUBERNETES_VERSION}-local-strict"
    text = resources.files("kubernetes_validate").joinpath("kubernetes-json-schema", folder, "_definitions.json")
    return Resource.from_contents(json.loads(text.read_text(encoding="utf-8"))) @ Registry()


@cache
def crd_validator(kind: str, strict: bool = True) -> jsonschema.Draft202012Validator:
    """A validator for a Spark Operator kind: its CRD schema, metadata checked as the API server does (ObjectMeta)."""
    schema = crd_schema(kind)
    if strict:
        schema = strict_schema(schema)
    schema = {**schema, "properties": {**schema["properties"], "metadata": {"$ref": OBJECT_META}}}
    return jsonschema.Draft202012Validator(schema, registry=_definitions())


def crd_errors(obj: dict, strict: bool = True) -> list[str]:
    """Every violation of the object's CRD schema, as `path: message` lines."""
    if obj.get("kind") not in CRD_FILES:
        return [f"no CRD schema for {obj.get('apiVersion')} {obj.get('kind')}"]
    validator = crd_validator(obj["kind"], strict)
    return [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(obj)]

"""Validate FHIR JSON bundles against the FHIR R4 (4.0.1) models of fhir.resources 6.4 (generated from the R4 core
StructureDefinitions): required elements, cardinality and value types by the models, and the codes of required
bindings the models list as `enum_values` (the models themselves do not enforce those) by `_bindings` here.
Run in its own interpreter with only the isolated R4 install on the path:

    python -S tests/exports/r4_check.py R4_DIR BUNDLE.json ...

(`-S`: the project venv, with fhir.resources 8 and pydantic 2, stays out of sys.path.) Prints one line per resource
that fails, `ok N resources` otherwise; exit 1 on any failure.
"""

import json
import sys

sys.path.insert(0, sys.argv[1])

import fhir.resources  # noqa: E402
from fhir.resources import construct_fhir_element  # noqa: E402

assert fhir.resources.__fhir_version__ == "4.0.1", fhir.resources.__fhir_version__



def _bindings(node, where):
    """Codes outside a required binding's value set, as `where.element: 'code' not in [...]`."""
    out = []
    for name, field in getattr(node, "__fields__", {}).items():
        value = getattr(node, name, None)
        allowed = field.field_info.extra.get("enum_values")
        if allowed and value is not None and value not in allowed:
            out.append(f"{where}.{name}: {value!r} not in the required value set {allowed}")
        for child in value if isinstance(value, list) else [value]:
            if hasattr(child, "__fields__"):
                out += _bindings(child, f"{where}.{name}")
    return out


problems, count = [], 0
for name in sys.argv[2:]:
    with open(name, encoding="utf-8") as fh:
        bundle = json.load(fh)
    for i, entry in enumerate(bundle.get("entry", [])):
        resource = entry["resource"]
        count += 1
        try:
            model = construct_fhir_element(resource["resourceType"], resource)
            problems += [f"{name}: entry {i} {p}" for p in _bindings(model, resource["resourceType"])]
        except Exception as exc:  # pydantic v1 ValidationError or LookupError for an unknown resource type
            problems.append(f"{name}: entry {i} {resource['resourceType']}: {' '.join(str(exc).split())}")
    try:
        construct_fhir_element("Bundle", bundle)  # the bundle itself: entry, fullUrl, type, timestamp
    except Exception as exc:
        problems.append(f"{name}: Bundle: {' '.join(str(exc).split())}")
print("\n".join(problems) if problems else f"ok {count} resources")
sys.exit(1 if problems else 0)

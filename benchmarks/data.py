"""The benchmark workload: deterministic functions with 1 module and 2 tags each."""

import json
import uuid
from datetime import datetime, timedelta
from typing import Any

SIGNATURE = json.dumps({"arg_names": ["x", "y"], "arg_types": ["int", None]})
START = datetime(2024, 1, 1)
MODULES = 50
TAGS = 20


def function_id(i: int) -> str:
    return str(uuid.UUID(int=(i * 2654435761 + 12345) % 2**128, version=4))


def functions(n: int, offset: int = 0) -> list[dict[str, Any]]:
    """n functions as plain dicts; the signature is given, so no implementation parses code."""
    return [
        {
            "function_id": function_id(i),
            "name": f"fn_{i}",
            "description": f"adds {i} to x; part of benchmark batch {i // 1000}",
            "code": f"def fn_{i}(x: int, y) -> int:\n    return x + {i}\n",
            "creation_date": START + timedelta(seconds=i),
            "modules": [f"module_{i % MODULES}"],
            "tags": [f"tag_{i % TAGS}", f"group_{i % 7}"],
            "signature_json": SIGNATURE,
        }
        for i in range(offset, offset + n)
    ]

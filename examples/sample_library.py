"""Fill a codedb database with a small sample library (used by `make demo`).

python examples/sample_library.py code_db.sqlite
"""

import sys
from datetime import datetime, timedelta

import codedb

FUNCTIONS = [
    (
        "fib",
        "Fibonacci numbers",
        "def fib(n: int) -> int:\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n",
        ["math", "sequences"],
        ["iterative", "classic"],
    ),
    (
        "factorial",
        "n!",
        "def factorial(n: int) -> int:\n    return 1 if n < 2 else n * factorial(n - 1)\n",
        ["math"],
        ["recursive", "classic"],
    ),
    (
        "gcd",
        "Greatest common divisor (Euclid)",
        "def gcd(a: int, b: int) -> int:\n    while b:\n        a, b = b, a % b\n    return a\n",
        ["math"],
        ["classic"],
    ),
    (
        "lcm",
        "Least common multiple",
        "def lcm(a: int, b: int) -> int:\n    return a * b // gcd(a, b)\n",
        ["math"],
        [],
    ),
    (
        "is_prime",
        "Primality by trial division",
        "def is_prime(n: int) -> bool:\n    return n > 1 and all(n % d for d in range(2, int(n ** 0.5) + 1))\n",
        ["math", "primes"],
        ["classic"],
    ),
    (
        "primes_below",
        "Sieve of Eratosthenes",
        "def primes_below(n: int) -> list[int]:\n    return [p for p in range(n) if is_prime(p)]\n",
        ["primes", "sequences"],
        [],
    ),
    (
        "slugify",
        "URL-safe slug of a title",
        "def slugify(title: str) -> str:\n    return '-'.join(title.lower().split())\n",
        ["text"],
        ["web"],
    ),
    (
        "word_count",
        "Words in a text",
        "def word_count(text: str) -> int:\n    return len(text.split())\n",
        ["text"],
        [],
    ),
    (
        "matrix_multiply",
        "Product of two matrices",
        "def matrix_multiply(a, b):\n    return [[sum(x * y for x, y in zip(r, c)) for c in zip(*b)] for r in a]\n",
        ["linear_algebra"],
        ["numeric"],
    ),
    (
        "transpose",
        "Transpose of a matrix",
        "def transpose(m):\n    return [list(r) for r in zip(*m)]\n",
        ["linear_algebra"],
        ["numeric"],
    ),
]
DEPENDS = [("lcm", "gcd"), ("primes_below", "is_prime"), ("matrix_multiply", "transpose")]


def main(target: str) -> None:
    with codedb.connect(target) as db:
        codedb.migrate(db)
        ids = {}
        for age, (name, description, code, modules, tags) in enumerate(FUNCTIONS):
            created = datetime(2024, 1, 1) + timedelta(days=3 * age)
            ids[name] = db.functions.add(
                name, description, code, modules, tags, creation_date=created
            ).function_id
        for source, target_name in DEPENDS:
            db.dependencies.add(ids[source], ids[target_name])
        for index, name in enumerate(["fib", "factorial", "gcd", "is_prime", "slugify"]):
            test = db.tests.add(ids[name], f"test_{name}", f"checks {name}", f"assert {name} is not None\n")
            db.tests.record_result(test.test_id, "passed" if index != 4 else "failed", "ok")
        db.functions.modify(ids["fib"], "demo", "iterative instead of recursive", FUNCTIONS[0][2])
        print(f"sample library: {db.functions.count()} functions in {target}")
        projects(db)
        assistant(db)


def projects(db: codedb.Database) -> None:
    """A few users, projects with their events, generations, files, usage and an analysis."""
    ada = db.users.add("ada", "ada@example.com", "Ada Lovelace", {"theme": "dark"})
    alan = db.users.add("alan", "alan@example.com", "Alan Turing")
    shop = db.projects.create(
        "shop",
        "an online shop",
        user_id=ada.user_id,
        project_type="web",
        provider="openai",
        model="gpt-4o",
        temperature=0.2,
        cost_estimate=5.0,
    )
    db.projects.move(shop.project_id, "start", actor="ada")
    db.projects.move(shop.project_id, "execute", actor="ada")
    db.generations.add(
        shop.project_id,
        "a cart page",
        language="python",
        framework="flask",
        generated_code="def cart():\n    return []\n",
        status="completed",
        tokens_used=1200,
    )
    db.generated_files.save(
        shop.project_id, "app/cart.py", "def cart():\n    return []\n", file_type="python", provider="openai"
    )
    tool = db.projects.create("enigma", "a cipher tool", user_id=alan.user_id, project_type="cli")
    db.projects.move(tool.project_id, "start", actor="alan")
    db.projects.move(tool.project_id, "complete", actor="alan")
    for day in range(5):
        when = datetime(2026, 11, 20) + timedelta(days=day, hours=day)
        db.usage.record(
            "openai",
            "gpt-4o",
            project_id=shop.project_id,
            request_type="generate",
            tokens_in=900 + day,
            tokens_out=300,
            cost=0.012 * (day + 1),
            latency_ms=800 + 40 * day,
            timestamp=when,
        )
        db.usage.record(
            "anthropic",
            "claude",
            project_id=tool.project_id,
            request_type="review",
            tokens_in=500,
            tokens_out=200,
            cost=0.008,
            latency_ms=600 + 90 * day,
            timestamp=when,
        )
    db.analyses.add(shop.project_id, 82, issues=3, warnings=5, analysis={"lint": "3 issues"})
    print(f"sample projects: {len(db.users.list())} users, {db.projects.list().total} projects")


def assistant(db: codedb.Database) -> None:
    """Preferences, a conversation, timed operations, two templates and some analytics."""
    ada, alan = db.users.resolve("ada"), db.users.resolve("alan")
    db.preferences.set(ada, "editor.font_size", 14)
    db.preferences.set(ada, "theme", "dark")
    db.preferences.set(alan, "keybindings", {"save": "ctrl+s", "run": "f5"})
    start = datetime(2026, 11, 24, 9, 0)
    for n, (role, text) in enumerate(
        [
            ("user", "Add a cart page to the shop."),
            ("assistant", "Here is a Flask view for the cart, with a test."),
            ("user", "Make the total include tax."),
            ("assistant", "Done: `total()` now adds the tax rate from the config."),
        ]
    ):
        db.history.save(
            ada, "shop-cart", role, text, model="gpt-4o", tokens=40 + 10 * n, at=start + timedelta(minutes=n)
        )
    for n in range(20):
        db.metrics.record("generate", 700 + 37 * n, success=n % 9 != 0, error=None if n % 9 else "timeout")
        db.metrics.record("lint", 40 + n)
    db.templates.publish(
        "flask-app",
        "from flask import Flask\napp = Flask(__name__)\n",
        description="A minimal Flask application",
        author="ada",
        tags=["web", "python"],
    )
    db.templates.publish(
        "flask-app", "from flask import Flask\n\napp = Flask(__name__)\n", notes="blank line"
    )
    db.templates.publish("cli", "import argparse\n", description="A command line tool", tags=["python"])
    flask = db.templates.resolve("flask-app")
    db.templates.rate(flask, ada, 5)
    db.templates.rate(flask, alan, 4)
    shop = db.projects.resolve("shop")
    for day in range(14):
        when = datetime(2026, 11, 10) + timedelta(days=day)
        db.analytics.record("lines_of_code", 120 + 35 * day, project_id=shop, at=when)
        widget = ("editor", "chat", "preview")[day % 3]
        db.analytics.record("widget_used", 1, project_id=shop, metadata={"widget": widget}, at=when)
    print(
        f"sample assistant data: {len(db.history.sessions(ada))} conversation, "
        f"{len(db.metrics.summary())} timed operations, {db.templates.count()} templates"
    )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "code_db.sqlite")

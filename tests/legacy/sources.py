"""Databases and backups of the four tools, built from their schemas (docs/moving.md) with
the rows real ones hold: id gaps, invalid JSON, NULLs, 25 KB texts, two timestamp formats in
one file, unicode. Each builder takes `size`: a larger size makes a strict superset (a later
snapshot of the same tool)."""

import json
import sqlite3
from pathlib import Path
from typing import Any

BIG = "x = 1  # é漢\n" * 2000  # about 25 KB of code

CODEOBIT_SCHEMA = """
CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, username TEXT UNIQUE NOT NULL,
    email TEXT UNIQUE NOT NULL, api_key TEXT, preferences TEXT,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE projects (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, description TEXT,
    project_type TEXT, status TEXT DEFAULT 'active', config TEXT, user_id INTEGER REFERENCES users(id),
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE code_generations (id INTEGER PRIMARY KEY AUTOINCREMENT, project_id INTEGER REFERENCES projects(id),
    specification TEXT NOT NULL, language TEXT, framework TEXT, generated_code TEXT,
    status TEXT DEFAULT 'completed', tokens_used INTEGER DEFAULT 0,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE auto_saves (id INTEGER PRIMARY KEY AUTOINCREMENT, save_id TEXT UNIQUE NOT NULL,
    file_path TEXT NOT NULL, content TEXT, save_type TEXT, metadata TEXT, size_chars INTEGER,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE project_analysis (id INTEGER PRIMARY KEY AUTOINCREMENT, project_id INTEGER REFERENCES projects(id),
    analysis_data TEXT, health_score REAL, issues_count INTEGER, warnings_count INTEGER,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE migrations (version TEXT PRIMARY KEY, description TEXT, applied_at TIMESTAMP);
INSERT INTO migrations VALUES ('001', 'initial', '2024-01-01 00:00:00'), ('002', 'analysis', '2024-02-01 00:00:00');
"""


# The counts a codeobit file of `size` holds (users have a gap: every third id is deleted).
def codeobit_counts(size: int) -> dict[str, int]:
    users = len([n for n in range(1, size + 1) if n % 3])
    return {
        "users": users,
        "projects": 2 * users,
        "code_generations": 2 * users,
        "auto_saves": size,
        "project_analysis": users,
        "migrations": 2,
    }


def codeobit_db(path: Path, size: int) -> Path:
    """codeobit's database: `size` users (a third deleted again: id gaps), two projects each
    (the same name twice), generations, autosaves and analyses."""
    conn = sqlite3.connect(path)
    conn.executescript(CODEOBIT_SCHEMA)
    for n in range(1, size + 1):
        prefs = ['{"theme": "dark"}', "theme=dark", None][n % 3]
        stamp = f"2024-03-{n:02d}T10:00:00.123456" if n % 2 else f"2024-03-{n:02d} 09:00:00"
        conn.execute(
            "INSERT INTO users (id, username, email, api_key, preferences, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (n, f"üser{n}", f"user{n}@example.com", f"key-{n}-secret", prefs, stamp, stamp),
        )
        if n % 3 == 0:
            conn.execute("DELETE FROM users WHERE id = ?", (n,))
            continue
        for k in range(2):
            pid = 100 * n + k
            conn.execute(
                "INSERT INTO projects (id, name, description, project_type, status, config, user_id, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (pid, f"app {n}", None if k else "δ desc", "web", ["active", "completed", "weird"][k + n % 2],
                 "{\"lang\": \"py\"}" if k else "not json", n, stamp),
            )  # fmt: skip
            conn.execute(
                "INSERT INTO code_generations (project_id, specification, language, generated_code, tokens_used, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (pid, f"spec {n}", "python", BIG if n == 1 else "print(1)", 10 * n, stamp),
            )
        conn.execute(
            "INSERT INTO project_analysis (project_id, analysis_data, health_score, issues_count, warnings_count) "
            "VALUES (?, ?, ?, ?, ?)",
            (100 * n, '{"score": 1}', 87.5, n, 2 * n),
        )
    for n in range(1, size + 1):
        conn.execute(
            "INSERT INTO auto_saves (save_id, file_path, content, save_type, metadata, size_chars) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (f"save-{n}", f"src/f{n}.py", f"# {n}", "auto", None if n % 2 else '{"k": 1}', 3),
        )
    conn.commit()
    conn.close()
    return path


def codeobit_json(db: Path, path: Path) -> Path:
    """codeobit's JSON backup of a database: each table's whole rows."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    tables = ("users", "projects", "code_generations", "auto_saves", "project_analysis")
    data = {t: [dict(r) for r in conn.execute(f"SELECT * FROM {t} ORDER BY id")] for t in tables}
    conn.close()
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    return path


DUILIO_SCHEMA = """
CREATE TABLE user_preferences (id INTEGER PRIMARY KEY, user_id TEXT UNIQUE, key TEXT, value TEXT,
    created_at DATETIME, updated_at DATETIME);
CREATE TABLE conversation_history (id INTEGER PRIMARY KEY, user_id TEXT, session_id TEXT, role TEXT,
    content TEXT, model TEXT, workspace_path TEXT, extra_data JSON, created_at DATETIME);
CREATE TABLE system_metrics (id INTEGER PRIMARY KEY, operation TEXT, duration_ms FLOAT, success BOOLEAN,
    error TEXT, extra_data JSON, created_at DATETIME);
"""


def duilio_counts(size: int) -> dict[str, int]:
    return {"user_preferences": size, "conversation_history": 4 * size, "system_metrics": 3 * size}


def duilio_db(path: Path, size: int) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript(DUILIO_SCHEMA)
    for n in range(1, size + 1):
        user = f"user{n}"
        conn.execute(
            "INSERT INTO user_preferences VALUES (?, ?, ?, ?, ?, ?)",
            (n, user, "theme", "dark" if n % 2 else "light ☀", f"2024-05-{n:02d} 08:00:00", None),
        )
        for m in range(4):
            conn.execute(
                "INSERT INTO conversation_history (id, user_id, session_id, role, content, model, "
                "workspace_path, extra_data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (10 * n + m, user, f"s{n}", ["user", "assistant"][m % 2], BIG if m == 3 else f"msg {m} ✓",
                 "qwen" if m % 2 else None, "/w", "{\"tokens\": 3}" if m else "{bad", f"2024-05-{n:02d} 08:0{m}:00.5"),
            )  # fmt: skip
        for m in range(3):
            conn.execute(
                "INSERT INTO system_metrics (id, operation, duration_ms, success, error, extra_data, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    10 * n + m,
                    "chat",
                    12.5 * m,
                    m != 2,
                    "boom" if m == 2 else None,
                    None,
                    f"2024-05-{n:02d}T08:00:00",
                ),
            )
    conn.commit()
    conn.close()
    return path


PYGUBU_SCHEMA = """
CREATE TABLE projects (id INTEGER PRIMARY KEY, name VARCHAR UNIQUE, path VARCHAR NOT NULL, description TEXT,
    created_at DATETIME, updated_at DATETIME, meta_data JSON);
CREATE TABLE templates (id INTEGER PRIMARY KEY, name VARCHAR UNIQUE, description TEXT, author VARCHAR,
    version VARCHAR, downloads INTEGER, rating FLOAT, content TEXT NOT NULL, created_at DATETIME,
    updated_at DATETIME, meta_data JSON);
CREATE TABLE workflow_events (id INTEGER PRIMARY KEY, project_id INTEGER REFERENCES projects(id),
    timestamp DATETIME, action VARCHAR, description TEXT);
CREATE TABLE analytics (id INTEGER PRIMARY KEY, project_id INTEGER REFERENCES projects(id), metric_name VARCHAR,
    metric_value FLOAT, recorded_at DATETIME, meta_data JSON);
"""


def pygubu_counts(size: int) -> dict[str, int]:
    return {"projects": size, "templates": size, "workflow_events": 3 * size, "analytics": 2 * size}


def pygubu_db(path: Path, size: int) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript(PYGUBU_SCHEMA)
    for n in range(1, size + 1):
        stamp = f"2024-06-{n:02d} 10:00:00.250000"
        conn.execute(
            "INSERT INTO projects VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                2 * n,
                f"gui{n}",
                f"/home/u/gui{n}",
                "a form ✎",
                stamp,
                stamp,
                '{"ui": "tk"}' if n % 2 else "oops",
            ),
        )
        conn.execute(
            "INSERT INTO templates VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                n,
                f"tpl{n}",
                "t",
                "ana",
                f"1.{n}.0",
                10 * n,
                4.5,
                BIG if n == 1 else "<ui/>",
                stamp,
                stamp,
                None,
            ),
        )
        for m in range(3):
            conn.execute(
                "INSERT INTO workflow_events VALUES (?, ?, ?, ?, ?)",
                (10 * n + m, 2 * n, f"2024-06-{n:02d} 10:0{m}:00.000001", "edit", f"changed {m}"),
            )
        for m in range(2):
            conn.execute(
                "INSERT INTO analytics VALUES (?, ?, ?, ?, ?, ?)",
                (10 * n + m, 2 * n if m else None, "build_time", 1.5 * m, stamp, None),
            )
    conn.commit()
    conn.close()
    return path


YAGO_TABLES: dict[str, list[tuple[str, str]]] = {
    "users": [("id", "TEXT PRIMARY KEY"), ("email", "TEXT UNIQUE"), ("hashed_password", "TEXT"),
              ("full_name", "TEXT"), ("is_active", "BOOLEAN"), ("is_verified", "BOOLEAN"),
              ("last_login", "TIMESTAMP"), ("created_at", "TIMESTAMP"), ("updated_at", "TIMESTAMP")],
    "projects": [("id", "TEXT PRIMARY KEY"), ("name", "TEXT"), ("description", "TEXT"), ("status", "TEXT"),
                 ("progress", "INTEGER"), ("brief", "JSON"), ("config", "JSON"), ("primary_model", "TEXT"),
                 ("agent_role", "TEXT"), ("strategy", "TEXT"), ("temperature", "FLOAT"), ("max_tokens", "INTEGER"),
                 ("created_at", "TIMESTAMP"), ("updated_at", "TIMESTAMP"), ("started_at", "TIMESTAMP"),
                 ("completed_at", "TIMESTAMP"), ("project_path", "TEXT"), ("cost_estimate", "FLOAT"),
                 ("actual_cost", "FLOAT"), ("files_generated", "INTEGER"), ("lines_of_code", "INTEGER"),
                 ("errors", "JSON"), ("logs", "JSON")],
    "clarification_sessions": [("id", "TEXT PRIMARY KEY"), ("project_id", "TEXT"), ("project_idea", "TEXT"),
                               ("depth", "TEXT"), ("questions", "JSON"), ("answers", "JSON"),
                               ("current_question", "INTEGER"), ("total_questions", "INTEGER"),
                               ("is_completed", "BOOLEAN"), ("ai_provider", "TEXT"), ("created_at", "TIMESTAMP"),
                               ("updated_at", "TIMESTAMP"), ("completed_at", "TIMESTAMP")],
    "generated_files": [("id", "TEXT PRIMARY KEY"), ("project_id", "TEXT"), ("file_path", "TEXT"),
                        ("file_type", "TEXT"), ("content", "TEXT"), ("size", "INTEGER"), ("lines", "INTEGER"),
                        ("ai_provider", "TEXT"), ("generated_at", "TIMESTAMP")],
    "ai_provider_usage": [("id", "TEXT PRIMARY KEY"), ("project_id", "TEXT"), ("provider", "TEXT"),
                          ("model", "TEXT"), ("input_tokens", "INTEGER"), ("output_tokens", "INTEGER"),
                          ("total_tokens", "INTEGER"), ("cost", "FLOAT"), ("latency_ms", "FLOAT"),
                          ("success", "BOOLEAN"), ("error_message", "TEXT"), ("created_at", "TIMESTAMP")],
    "templates": [("id", "TEXT PRIMARY KEY"), ("user_id", "TEXT"), ("name", "TEXT"), ("description", "TEXT"),
                  ("category", "TEXT"), ("tags", "JSON"), ("template_data", "JSON"), ("status", "TEXT"),
                  ("is_public", "BOOLEAN"), ("usage_count", "INTEGER"), ("rating", "FLOAT"),
                  ("created_at", "TIMESTAMP"), ("updated_at", "TIMESTAMP")],
    "error_logs": [("id", "TEXT PRIMARY KEY"), ("message", "TEXT"), ("created_at", "TIMESTAMP")],
    "alembic_version": [("version_num", "TEXT")],
}  # fmt: skip
JSON_COLUMNS = {"brief", "config", "errors", "logs", "questions", "answers", "tags", "template_data"}


def _uuid(kind: str, n: int) -> str:
    return f"{kind[:8]:0<8}-0000-4000-8000-{n:012d}"


def yago_rows(size: int) -> dict[str, list[dict[str, Any]]]:
    """YAGO's rows, JSON columns as Python values (the builders write them as YAGO did)."""
    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in YAGO_TABLES}
    for n in range(1, size + 1):
        stamp = f"2024-07-{n:02d} 12:00:00.{n:06d}"
        rows["users"].append({"id": _uuid("users", n), "email": f"dev{n}@yago.example",
                              "hashed_password": f"$2b$12${'a' * 53}{n}", "full_name": f"Dev Ø{n}",
                              "is_active": 1, "is_verified": n % 2, "last_login": None,
                              "created_at": stamp, "updated_at": stamp})  # fmt: skip
        project = _uuid("projects", n)
        rows["projects"].append({
            "id": project, "name": "Todo app", "description": "a todo app ✓", "status": "in_progress",
            "progress": 40, "brief": {"project_idea": "Todo app", "users": ["me"]}, "config": {"primary_model": "gpt"},
            "primary_model": "gpt-4o", "agent_role": "senior", "strategy": "balanced", "temperature": 0.7,
            "max_tokens": 4000, "created_at": stamp, "updated_at": stamp, "started_at": stamp,
            "completed_at": None, "project_path": f"/p/{n}", "cost_estimate": 1.0, "actual_cost": 1.3,
            "files_generated": 2, "lines_of_code": 40, "errors": [{"timestamp": stamp, "error": "boom"}],
            "logs": [{"timestamp": stamp, "log": "ok"}],
        })  # fmt: skip
        rows["clarification_sessions"].append({
            "id": _uuid("clarify", n), "project_id": project if n % 2 else None, "project_idea": "Todo app",
            "depth": "standard", "questions": [{"q": "who?"}, {"q": "why?"}], "answers": {"0": "me"},
            "current_question": 1, "total_questions": 2, "is_completed": 0, "ai_provider": "openai",
            "created_at": stamp, "updated_at": stamp, "completed_at": None,
        })  # fmt: skip
        rows["generated_files"].append({
            "id": _uuid("files", n), "project_id": project, "file_path": f"src/app{n}.py", "file_type": "python",
            "content": BIG if n == 1 else "print(1)\n", "size": 9, "lines": 1, "ai_provider": "openai",
            "generated_at": stamp,
        })  # fmt: skip
        rows["ai_provider_usage"].append({
            "id": _uuid("usage", n), "project_id": project, "provider": "openai", "model": "gpt-4o",
            "input_tokens": 100, "output_tokens": 50, "total_tokens": 150, "cost": 0.25, "latency_ms": 800.0,
            "success": 1, "error_message": None, "created_at": stamp,
        })  # fmt: skip
        rows["templates"].append({
            "id": _uuid("tmpl", n), "user_id": _uuid("users", n), "name": f"starter {n}", "description": "d",
            "category": "web", "tags": ["web", "starter"], "template_data": {"files": ["a.py"]},
            "status": "published", "is_public": 1, "usage_count": 7, "rating": 4.0, "created_at": stamp,
            "updated_at": stamp,
        })  # fmt: skip
        rows["error_logs"].append({"id": _uuid("errors", n), "message": "Traceback ...", "created_at": stamp})
    rows["alembic_version"].append({"version_num": "a1b2c3"})
    return rows


def yago_counts(size: int) -> dict[str, int]:
    return {t: len(r) for t, r in yago_rows(size).items()}


def yago_sqlite(path: Path, size: int, broken_json: bool = True) -> Path:
    conn = sqlite3.connect(path)
    for table, columns in YAGO_TABLES.items():
        conn.execute(f"CREATE TABLE {table} ({', '.join(f'{c} {t}' for c, t in columns)})")
    for table, found in yago_rows(size).items():
        for row in found:
            values = [json.dumps(v) if k in JSON_COLUMNS else v for k, v in row.items()]
            if broken_json and table == "projects" and row["id"].endswith("1"):
                values[list(row).index("logs")] = "[{oops"  # hand-edited, invalid
            conn.execute(
                f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", values
            )
    conn.commit()
    conn.close()
    return path


def yago_postgres(conn: Any, size: int) -> None:
    """YAGO's tables in the current schema of a psycopg connection, JSONB columns holding a
    JSON string of each object (json.dumps output stored in JSONB, as YAGO's code did)."""
    from psycopg.types.json import Jsonb

    pg_types = {"JSON": "JSONB", "BOOLEAN": "BOOLEAN", "FLOAT": "DOUBLE PRECISION"}
    for table, columns in YAGO_TABLES.items():
        defs = ", ".join(f"{c} {pg_types.get(t, t)}" for c, t in columns)
        conn.execute(f"CREATE TABLE {table} ({defs})")
    for table, found in yago_rows(size).items():
        for row in found:
            values = []
            for key, value in row.items():
                if key in JSON_COLUMNS:
                    values.append(Jsonb(json.dumps(value)))  # a JSON string of the object
                elif key in ("is_active", "is_verified", "is_completed", "success", "is_public"):
                    values.append(bool(value))
                else:
                    values.append(value)
            placeholders = ", ".join(["%s"] * len(row))
            conn.execute(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({placeholders})", values)

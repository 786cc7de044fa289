"""The assistant workload (#11): preferences, conversation history, system metrics, the
template marketplace and analytics, codedb against raw sqlite3 and the SQLAlchemy ORM written
as the old tools wrote it (a session per call, aggregates computed in Python), on one SQLite
file of N messages, N metrics, N/10 templates and N/10 analytics rows over a year; codedb on
PostgreSQL beside it; and how many bytes each table takes per million rows on each backend."""

import random
import sqlite3
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import codedb
from codedb.core.convert import db_time, params
from codedb.domains.analytics.records import Measurement
from codedb.domains.history.records import Message
from codedb.domains.metrics.records import Metric
from codedb.domains.templates.records import Template, TemplateRating, TemplateTag, TemplateVersion
from codedb.domains.users.records import User

from .impl_raw import PRAGMAS
from .projects import paired, scratch_schema

START = datetime(2025, 6, 1)
USERS = 1000
SESSIONS_PER_USER = 20
OPERATIONS = ("generate", "lint", "test", "deploy")
WORDS = [
    "cart",
    "shop",
    "flask",
    "react",
    "api",
    "auth",
    "billing",
    "search",
    "chart",
    "table",
    "form",
    "login",
    "page",
    "queue",
    "cache",
]
TABLES = ("conversation_history", "system_metrics", "templates", "analytics")


def _uid(n: int, salt: int) -> str:
    return str(uuid.UUID(int=n * 7919 + salt))


def seed(target: str | Path, size: int) -> dict[str, Any]:
    """A migrated database of `size` messages and metrics, size/10 templates (with versions,
    tags and ratings) and size/10 analytics rows over a year; what the operations ask for."""
    rng = random.Random(7)
    with codedb.connect(target) as db:
        codedb.migrate(db)
        tables = db.tables
        users = [
            User(_uid(n, 1), f"user{n}", None, "", {}, created_at=START, updated_at=START)
            for n in range(USERS)
        ]
        with db.transaction():
            tables["users"].load(db.conn, [params(u) for u in users])
        per_session = max(1, size // (USERS * SESSIONS_PER_USER))
        batch: list[dict[str, Any]] = []
        n = 0
        for u, user in enumerate(users):
            for s in range(SESSIONS_PER_USER):
                session = f"u{u}-s{s}"
                for m in range(per_session):
                    if n >= size:
                        break
                    role = "user" if m % 2 == 0 else "assistant"
                    at = START + timedelta(seconds=n * 11)
                    batch.append(
                        params(
                            Message(
                                _uid(n, 2),
                                user.user_id,
                                session,
                                role,
                                f"message {n}",
                                "gpt",
                                None,
                                30,
                                {},
                                at,
                            )
                        )
                    )
                    n += 1
                if len(batch) >= 20_000:
                    with db.transaction():
                        tables["conversation_history"].load(db.conn, batch)
                    batch = []
        metrics = []
        for k in range(size):
            metrics.append(
                params(
                    Metric(
                        _uid(k, 3), OPERATIONS[k % 4], rng.lognormvariate(5, 1), k % 50 != 0, None, {},
                        START + timedelta(seconds=k * 29),
                    )
                )
            )  # fmt: skip
            if len(metrics) >= 20_000:
                with db.transaction():
                    tables["system_metrics"].load(db.conn, metrics)
                metrics = []
        templates, versions, tags, ratings = [], [], [], []
        for t in range(max(10, size // 10)):
            tid = _uid(t, 4)
            words = rng.sample(WORDS, 3)
            templates.append(
                params(
                    Template(
                        tid,
                        f"{words[0]}-{words[1]}-{t}",
                        f"A {words[2]} template" + (" quantum" if t % 1000 == 0 else ""),
                        f"user{t % USERS}",
                        START,
                        START,
                    )
                )
            )
            versions.append(params(TemplateVersion(tid, 1, f"# {t}\n", "", START)))
            tags += [params(TemplateTag(tid, word)) for word in sorted(set(words[:2]))]
            for r in range(t % 4):
                ratings.append(
                    params(TemplateRating(tid, users[(t + r) % USERS].user_id, 1 + (t + r) % 5, START, START))
                )
        analytics = [
            params(Measurement(_uid(a, 5), None, "lines_of_code", float(rng.randint(1, 500)), START + timedelta(seconds=a * 365 * 86400 // max(1, size // 10))))
            for a in range(max(10, size // 10))
        ]  # fmt: skip
        with db.transaction():
            for table, rows in (
                ("conversation_history", batch),
                ("system_metrics", metrics),
                ("templates", templates),
                ("template_versions", versions),
                ("template_tags", tags),
                ("template_ratings", ratings),
                ("analytics", analytics),
            ):
                if rows:
                    tables[table].load(db.conn, rows)
        for table in (
            "users",
            "conversation_history",
            "system_metrics",
            "templates",
            "template_tags",
            "template_ratings",
            "analytics",
        ):
            tables[table].analyze(db.conn)
        if db.dialect == "sqlite":
            db.queries.core.checkpoint(db.conn)
        else:  # what autovacuum would do (it is off on the test server): index-only scans need it
            for table in TABLES:
                db.conn.execute(f"VACUUM ANALYZE {table}")
    middle = size // 2 // per_session  # the session holding the middle message
    return {
        "user": users[min(USERS - 1, middle // SESSIONS_PER_USER)].user_id,
        "session": f"u{min(USERS - 1, middle // SESSIONS_PER_USER)}-s{middle % SESSIONS_PER_USER}",
        "since": START,
        "until": START + timedelta(days=366),
    }


# --- raw sqlite3 -------------------------------------------------------------------------

RAW_PREF_GET = "SELECT value FROM user_preferences WHERE user_id = ? AND key = ?"
RAW_PREF_SET = (
    "INSERT INTO user_preferences (user_id, key, value, created_at, updated_at) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (user_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at"
)
RAW_LAST = (
    "SELECT * FROM (SELECT * FROM conversation_history WHERE session_id = ? "
    "ORDER BY created_at DESC, message_id DESC LIMIT ?) ORDER BY created_at, message_id"
)
RAW_SESSIONS = (
    "SELECT session_id, MIN(created_at), MAX(created_at), COUNT(*), SUM(tokens) FROM conversation_history "
    "WHERE user_id = ? GROUP BY session_id ORDER BY MAX(created_at) DESC, session_id"
)
# The summary as codedb computes it (a count, then each rank read from the index), by hand.
RAW_COUNT = (
    "SELECT COUNT(*), SUM(CASE WHEN success THEN 0 ELSE 1 END), AVG(duration_ms), MAX(duration_ms) "
    "FROM system_metrics WHERE operation = ? AND +created_at >= ? AND +created_at < ?"
)
RAW_RANK_UP = (
    "SELECT duration_ms FROM system_metrics WHERE operation = ? AND +created_at >= ? AND +created_at < ? "
    "ORDER BY duration_ms LIMIT 1 OFFSET ?"
)
RAW_RANK_DOWN = RAW_RANK_UP.replace("ORDER BY duration_ms", "ORDER BY duration_ms DESC")
RAW_SEARCH = """
SELECT t.template_id, t.name,
       (SELECT AVG(rating) FROM template_ratings r WHERE r.template_id = t.template_id) AS rating,
       (SELECT COUNT(*) FROM template_ratings r WHERE r.template_id = t.template_id) AS ratings
FROM templates t WHERE lower(t.name) LIKE ? OR lower(t.description) LIKE ?
ORDER BY COALESCE(rating, 0) DESC, ratings DESC, t.template_id LIMIT 20"""
RAW_TREND = (
    "SELECT substr(recorded_at, 1, 10), COUNT(*), SUM(value), AVG(value), MIN(value), MAX(value) FROM analytics "
    "WHERE metric_name = ? AND recorded_at >= ? AND recorded_at < ? GROUP BY 1 ORDER BY 1"
)


class Raw:
    name = "raw sqlite3"

    def __init__(self, path: Path):
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.executescript(PRAGMAS)

    def close(self) -> None:
        self.conn.close()

    def pref_set(self, user: str, key: str, value: Any) -> None:
        import json

        stamp = db_time(datetime.now())
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute(RAW_PREF_SET, (user, key, json.dumps(value), stamp, stamp))
        self.conn.execute("COMMIT")

    def pref_get(self, user: str, key: str) -> Any:
        import json

        row = self.conn.execute(RAW_PREF_GET, (user, key)).fetchone()
        return None if row is None else json.loads(row[0])

    def last_messages(self, session: str) -> list[str]:
        return [row[0] for row in self.conn.execute(RAW_LAST, (session, 50))]

    def sessions(self, user: str) -> int:
        return len(self.conn.execute(RAW_SESSIONS, (user,)).fetchall())

    def summary(self, operation: str, since: datetime, until: datetime) -> Any:
        window = (operation, db_time(since), db_time(until))
        self.conn.execute("BEGIN")
        count, _errors, _mean, _longest = self.conn.execute(RAW_COUNT, window).fetchone()
        ranks = []
        for percent in (50, 95, 99):
            rank = (percent * count + 99) // 100
            if rank <= count - rank:
                ranks.append(self.conn.execute(RAW_RANK_UP, (*window, rank - 1)).fetchone()[0])
            else:
                ranks.append(self.conn.execute(RAW_RANK_DOWN, (*window, count - rank)).fetchone()[0])
        self.conn.execute("COMMIT")
        return ranks[0]

    def search(self, text: str) -> list[str]:
        pattern = f"%{text}%"
        return [row[1] for row in self.conn.execute(RAW_SEARCH, (pattern, pattern))]

    def trend(self, since: datetime, until: datetime) -> int:
        return len(self.conn.execute(RAW_TREND, ("lines_of_code", db_time(since), db_time(until))).fetchall())


class Api:
    name = "codedb"

    def __init__(self, target: str | Path):
        self.db = codedb.connect(target)

    def close(self) -> None:
        self.db.close()

    def pref_set(self, user: str, key: str, value: Any) -> None:
        self.db.preferences.set(user, key, value)

    def pref_get(self, user: str, key: str) -> Any:
        return self.db.preferences.get(user, key)

    def last_messages(self, session: str) -> list[str]:
        return [m.message_id for m in self.db.history.messages(session, last=50)]

    def sessions(self, user: str) -> int:
        return len(self.db.history.sessions(user))

    def summary(self, operation: str, since: datetime, until: datetime) -> Any:
        return self.db.metrics.summary(operation, since=since, until=until)[0].p50_ms

    def search(self, text: str) -> list[str]:
        return [t.name for t in self.db.templates.list(text=text, limit=20)]

    def trend(self, since: datetime, until: datetime) -> int:
        return len(self.db.analytics.trends("lines_of_code", "day", since=since, until=until))


def orm_class() -> type:
    """The ORM implementation, as the old tools wrote theirs: SQLAlchemy 2, a session per call,
    the percentiles and the sessions list computed in Python from the rows."""
    import json

    from sqlalchemy import (
        Boolean,
        Column,
        DateTime,
        Float,
        Integer,
        String,
        Text,
        create_engine,
        func,
        or_,
        select,
    )
    from sqlalchemy.orm import Session, declarative_base

    base = declarative_base()

    class Preference(base):  # type: ignore[valid-type, misc]
        __tablename__ = "user_preferences"
        user_id = Column(String, primary_key=True)
        key = Column(String, primary_key=True)
        value = Column(Text)
        created_at = Column(DateTime)
        updated_at = Column(DateTime)

    class MessageRow(base):  # type: ignore[valid-type, misc]
        __tablename__ = "conversation_history"
        message_id = Column(String, primary_key=True)
        user_id = Column(String)
        session_id = Column(String)
        role = Column(String)
        content = Column(Text)
        tokens = Column(Integer)
        created_at = Column(DateTime)

    class MetricRow(base):  # type: ignore[valid-type, misc]
        __tablename__ = "system_metrics"
        metric_id = Column(String, primary_key=True)
        operation = Column(String)
        duration_ms = Column(Float)
        success = Column(Boolean)
        created_at = Column(DateTime)

    class TemplateRow(base):  # type: ignore[valid-type, misc]
        __tablename__ = "templates"
        template_id = Column(String, primary_key=True)
        name = Column(String)
        description = Column(Text)

    class RatingRow(base):  # type: ignore[valid-type, misc]
        __tablename__ = "template_ratings"
        template_id = Column(String, primary_key=True)
        user_id = Column(String, primary_key=True)
        rating = Column(Integer)

    class AnalyticsRow(base):  # type: ignore[valid-type, misc]
        __tablename__ = "analytics"
        record_id = Column(String, primary_key=True)
        metric_name = Column(String)
        value = Column(Float)
        recorded_at = Column(DateTime)

    class Orm:
        name = "SQLAlchemy ORM"

        def __init__(self, path: Path):
            self.engine = create_engine(f"sqlite:///{path}")

        def close(self) -> None:
            self.engine.dispose()

        def pref_set(self, user: str, key: str, value: Any) -> None:
            with Session(self.engine) as session:
                found = session.get(Preference, (user, key))
                now = datetime.now()
                if found is None:
                    session.add(
                        Preference(
                            user_id=user, key=key, value=json.dumps(value), created_at=now, updated_at=now
                        )
                    )
                else:
                    found.value, found.updated_at = json.dumps(value), now
                session.commit()

        def pref_get(self, user: str, key: str) -> Any:
            with Session(self.engine) as session:
                found = session.get(Preference, (user, key))
                return None if found is None else json.loads(found.value)

        def last_messages(self, session_id: str) -> list[str]:
            with Session(self.engine) as session:
                query = (
                    select(MessageRow)
                    .where(MessageRow.session_id == session_id)
                    .order_by(MessageRow.created_at.desc(), MessageRow.message_id.desc())
                    .limit(50)
                )
                return [m.message_id for m in reversed(list(session.scalars(query)))]

        def sessions(self, user: str) -> int:
            with Session(self.engine) as session:
                found: dict[str, list[Any]] = {}
                for m in session.scalars(select(MessageRow).where(MessageRow.user_id == user)):
                    found.setdefault(m.session_id, []).append(m)
                return len(found)

        def summary(self, operation: str, since: datetime, until: datetime) -> Any:
            with Session(self.engine) as session:
                durations = sorted(
                    session.scalars(
                        select(MetricRow.duration_ms).where(
                            MetricRow.operation == operation,
                            MetricRow.created_at >= since,
                            MetricRow.created_at < until,
                        )
                    )
                )
                return durations[(50 * len(durations) + 99) // 100 - 1]

        def search(self, text: str) -> list[str]:
            with Session(self.engine) as session:
                pattern = f"%{text.lower()}%"
                rating = select(func.avg(RatingRow.rating)).where(
                    RatingRow.template_id == TemplateRow.template_id
                )
                count = select(func.count()).where(RatingRow.template_id == TemplateRow.template_id)
                query = (
                    select(TemplateRow.name)
                    .where(
                        or_(
                            func.lower(TemplateRow.name).like(pattern),
                            func.lower(TemplateRow.description).like(pattern),
                        )
                    )
                    .order_by(
                        func.coalesce(rating.scalar_subquery(), 0).desc(),
                        count.scalar_subquery().desc(),
                        TemplateRow.template_id,
                    )
                    .limit(20)
                )
                return list(session.scalars(query))

        def trend(self, since: datetime, until: datetime) -> int:
            with Session(self.engine) as session:
                day = func.substr(AnalyticsRow.recorded_at, 1, 10)
                query = (
                    select(day, func.count(), func.sum(AnalyticsRow.value), func.avg(AnalyticsRow.value))
                    .where(
                        AnalyticsRow.metric_name == "lines_of_code",
                        AnalyticsRow.recorded_at >= since,
                        AnalyticsRow.recorded_at < until,
                    )
                    .group_by(day)
                )
                return len(session.execute(query).all())

    return Orm


def _operations(seeded: dict[str, Any], calls: int) -> dict[str, tuple[Any, int]]:
    """Each operation as run(name, bench, n) and its number of calls (see projects.paired)."""
    user, session, since, until = seeded["user"], seeded["session"], seeded["since"], seeded["until"]
    slow = max(10, calls // 20)
    return {
        "preference_set": (lambda name, b, n: b.pref_set(user, f"{name[:3]}{n % 10}", n), calls),
        "preference_get": (lambda name, b, n: b.pref_get(user, "theme"), calls),
        "last_50_messages": (lambda name, b, n: b.last_messages(session), calls),
        "user_sessions": (lambda name, b, n: b.sessions(user), slow),
        "metric_summary_one_op": (lambda name, b, n: b.summary("lint", since, until), 10),
        "template_search_top20": (lambda name, b, n: b.search(WORDS[n % len(WORDS)]), slow),
        "template_search_rare": (lambda name, b, n: b.search("quantum"), slow),
        "analytics_trend_day_year": (lambda name, b, n: b.trend(since, until), slow),
    }


def table_bytes(db: codedb.Database) -> dict[str, float]:
    """Bytes per million rows of each growing table with its indexes (SQLite: dbstat pages;
    PostgreSQL: pg_total_relation_size)."""
    found = {}
    for table in TABLES:
        rows = db.tables[table].count(db.conn)
        if db.dialect == "sqlite":
            size = db.conn.execute(
                "SELECT SUM(pgsize) FROM dbstat WHERE name = ? OR name IN "
                "(SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?)",
                (table, table),
            ).fetchone()[0]
        else:
            size = db.conn.execute("SELECT pg_total_relation_size(%s)", (table,)).fetchone()[0]
        found[table] = size / rows * 1_000_000 if rows else 0.0
    return found


def run_assistant(workdir: Path, size: int, orm: bool, calls: int = 200) -> list[dict[str, Any]]:
    base = workdir / f"assistant-{size}.sqlite"
    seeded = seed(base, size)
    implementations: list[Any] = [Raw, Api] + ([orm_class()] if orm else [])
    benches = {impl.name: impl(base) for impl in implementations}
    try:
        answers = {
            name: (b.last_messages(seeded["session"]), b.summary("lint", seeded["since"], seeded["until"]), b.search("cart"))
            for name, b in benches.items()
        }
        for b in benches.values():
            b.pref_set(seeded["user"], "theme", "dark")
        results = paired(benches, _operations(seeded, calls))
    finally:
        for b in benches.values():
            b.close()
    first = next(iter(answers.values()))
    assert all(a == first for a in answers.values()), "the implementations disagree"
    with codedb.connect(base) as db:
        sizes = table_bytes(db)
    print(
        f"\nassistant: {size:,} messages and metrics, {max(10, size // 10):,} templates and analytics rows "
        "(per call, median)"
    )
    rows = []
    for operation in results[Raw.name]:
        raw, ours = results[Raw.name][operation], results[Api.name][operation]
        orm_time = results.get("SQLAlchemy ORM", {}).get(operation)
        rows.append(
            {
                "operation": f"assistant {operation}",
                "size": size,
                "seconds": {name: results[name][operation] for name in results},
                "codedb_over_raw": ours / raw,
                "orm_over_codedb": orm_time / ours if orm_time else None,
            }
        )
        orm_text = f"{orm_time * 1000:9.3f} ms  ORM/codedb {orm_time / ours:5.1f}x" if orm_time else ""
        print(
            f"  {operation:<25} raw {raw * 1000:9.3f} ms  codedb {ours * 1000:9.3f} ms  "
            f"codedb/raw {ours / raw:4.2f}x  {orm_text}"
        )
    print(
        "  bytes per million rows (SQLite, with indexes): "
        + ", ".join(f"{t} {b / 1e6:,.0f} MB" for t, b in sizes.items())
    )
    rows.append({"operation": "assistant sqlite bytes per million rows", "size": size, "bytes": sizes})
    return rows


def run_assistant_postgres(base_url: str, size: int, calls: int = 200) -> list[dict[str, Any]]:
    """codedb's assistant operations on PostgreSQL, in a schema of its own dropped afterwards."""
    with scratch_schema(base_url) as url:
        seeded = seed(url, size)
        bench = Api(url)
        try:
            bench.pref_set(seeded["user"], "theme", "dark")
            times = paired({"codedb": bench}, _operations(seeded, calls))["codedb"]
            sizes = table_bytes(bench.db)
        finally:
            bench.close()
    print(f"\npg assistant: {size:,} messages and metrics (codedb, per call, median)")
    rows = []
    for operation, seconds in times.items():
        rows.append({"operation": f"pg assistant {operation}", "size": size, "seconds": {"codedb": seconds}})
        print(f"  {operation:<25} codedb {seconds * 1000:9.3f} ms")
    print(
        "  bytes per million rows (PostgreSQL, with indexes): "
        + ", ".join(f"{t} {b / 1e6:,.0f} MB" for t, b in sizes.items())
    )
    rows.append({"operation": "assistant postgresql bytes per million rows", "size": size, "bytes": sizes})
    return rows

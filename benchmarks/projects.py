"""The projects workload: codedb against raw sqlite3 and the SQLAlchemy ORM written as the old
tools wrote it (a session per call), on one SQLite file of N projects, 10 events and 10 usage
rows a project. Operations: create a project with its event (own transaction), get one with
its counts, a filtered page of 50 sorted by creation deep in the listing (keyset), a
lifecycle move with its event, and the cost report per provider, model and day. Each
implementation hands back the same values: rows with their JSON parsed and their times as
datetimes (codedb's records, the ORM's objects, the raw layer's dicts)"""

import json
import random
import sqlite3
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import codedb
from codedb.core.convert import db_time, params
from codedb.domains.projects.records import Project, ProviderUsage, WorkflowEvent

from .impl_raw import PRAGMAS

START = datetime(2025, 1, 1)
PROVIDERS = [("openai", "gpt-4o"), ("openai", "gpt-4o-mini"), ("anthropic", "claude"), ("local", "llama")]
STATUSES = ["creating", "in_progress", "executing", "paused", "completed", "failed"]


def seed(path: Path | str, projects: int, per_project: int = 10) -> list[Project]:
    """A migrated file with `projects` projects, each with `per_project` events and usage rows."""
    rng = random.Random(11)
    made = []
    with codedb.connect(path) as db:
        codedb.migrate(db)
        tables = db.tables
        for start in range(0, projects, 10_000):
            batch, events, usage = [], [], []
            for n in range(start, min(projects, start + 10_000)):
                created = START + timedelta(seconds=37 * n)
                pid = str(uuid.UUID(int=n * 7919 + 1))
                project = Project(
                    pid, None, f"project {n}", "bench", "web", None, STATUSES[n % 6], {"n": n}, None,
                    created_at=created, updated_at=created, actual_cost=0.0,
                )  # fmt: skip
                batch.append(params(project))
                made.append(project)
                for k in range(per_project):
                    when = created + timedelta(minutes=k)
                    events.append(
                        params(
                            WorkflowEvent(
                                str(uuid.UUID(int=(n * per_project + k) * 31 + 7)), pid, when, "note", ""
                            )
                        )
                    )
                    provider, model = PROVIDERS[(n + k) % 4]
                    usage.append(
                        params(
                            ProviderUsage(
                                str(uuid.UUID(int=(n * per_project + k) * 97 + 3)), pid, provider, model, "generate",
                                100, 50, 150, round(rng.random() / 100, 6), rng.uniform(50, 900), True, None,
                                START + timedelta(seconds=(n * per_project + k) * 3),
                            )
                        )
                    )  # fmt: skip
            with db.transaction():
                tables["projects"].load(db.conn, batch)
                tables["workflow_events"].load(db.conn, events)
                tables["ai_provider_usage"].load(db.conn, usage)
        for table in ("projects", "workflow_events", "ai_provider_usage"):
            tables[table].analyze(db.conn)
        if db.dialect == "sqlite":
            db.queries.core.checkpoint(db.conn)
    return made


# --- raw sqlite3: what a careful hand-written implementation does ---------------------------

RAW_CREATE = (
    "INSERT INTO projects (project_id, user_id, name, description, project_type, path, status, config, brief, "
    "cost_estimate, actual_cost, files_generated, lines_of_code, generations, created_at, updated_at) "
    "VALUES (?, NULL, ?, '', 'web', NULL, 'creating', '{}', NULL, 0, 0, 0, 0, 0, ?, ?)"
)
RAW_EVENT = "INSERT INTO workflow_events (event_id, project_id, timestamp, action, description, actor) VALUES (?, ?, ?, ?, ?, NULL)"
RAW_GET = "SELECT * FROM projects WHERE project_id = ?"
RAW_COUNTS = (
    "SELECT (SELECT COUNT(*) FROM workflow_events WHERE project_id = ?), "
    "(SELECT COUNT(*) FROM code_generations WHERE project_id = ?), "
    "(SELECT COUNT(*) FROM generated_files WHERE project_id = ?), "
    "(SELECT COUNT(*) FROM ai_provider_usage WHERE project_id = ?), "
    "(SELECT COALESCE(SUM(cost), 0) FROM ai_provider_usage WHERE project_id = ?)"
)
RAW_PAGE = (
    "SELECT * FROM projects WHERE status = ? AND (created_at, project_id) > (?, ?) "
    "ORDER BY created_at, project_id LIMIT 50"
)
RAW_REPORT = (
    "SELECT substr(timestamp, 1, 10), provider, model, COUNT(*), SUM(tokens_total), SUM(cost) "
    "FROM ai_provider_usage WHERE timestamp >= ? AND timestamp < ? "
    "GROUP BY substr(timestamp, 1, 10), provider, model ORDER BY 1, 2, 3"
)


TIMES = ("created_at", "updated_at", "started_at", "completed_at")
JSON = ("config", "brief", "errors", "logs", "metadata")  # the JSON columns a Project holds parsed


def typed(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    """Rows as a careful hand-written layer hands them back: dicts with the JSON columns parsed
    and times as datetimes (what codedb's records and the ORM's objects hold)."""
    names = [column[0] for column in cursor.description]
    rows = []
    for values in cursor:
        row = dict(zip(names, values, strict=True))
        for key in JSON:
            if row[key] is not None:
                row[key] = json.loads(row[key])
        for key in TIMES:
            if row[key] is not None:
                row[key] = datetime.fromisoformat(row[key])
        rows.append(row)
    return rows


class Raw:
    name = "raw sqlite3"

    def __init__(self, path: Path):
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.executescript(PRAGMAS)  # the settings codedb's connections use

    def close(self) -> None:
        self.conn.close()

    def create(self, name: str) -> str:
        pid, stamp = str(uuid.uuid4()), db_time(datetime.now())
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute(RAW_CREATE, (pid, name, stamp, stamp))
        self.conn.execute(RAW_EVENT, (str(uuid.uuid4()), pid, stamp, "created", f"created project {name}"))
        self.conn.execute("COMMIT")
        return pid

    def get(self, pid: str) -> Any:
        row = typed(self.conn.execute(RAW_GET, (pid,)))[0]
        return row["name"], self.conn.execute(RAW_COUNTS, (pid,) * 5).fetchone()[0]

    def page(self, status: str, after: Project) -> list[str]:
        rows = typed(self.conn.execute(RAW_PAGE, (status, db_time(after.created_at), after.project_id)))
        return [r["project_id"] for r in rows]

    def move(self, pid: str) -> str:
        """Pause a project in progress or executing, with its event."""
        stamp = db_time(datetime.now())
        self.conn.execute("BEGIN IMMEDIATE")
        status = self.conn.execute("SELECT status FROM projects WHERE project_id = ?", (pid,)).fetchone()[0]
        assert status in ("in_progress", "executing")
        self.conn.execute(
            "UPDATE projects SET status = 'paused', updated_at = ? WHERE project_id = ?", (stamp, pid)
        )
        self.conn.execute(RAW_EVENT, (str(uuid.uuid4()), pid, stamp, "pause", f"{status} -> paused"))
        self.conn.execute("COMMIT")
        return "paused"

    def report(self, since: datetime, until: datetime) -> int:
        return len(self.conn.execute(RAW_REPORT, (db_time(since), db_time(until))).fetchall())


class Api:
    name = "codedb"

    def __init__(self, path: Path | str):
        self.db = codedb.connect(path)

    def close(self) -> None:
        self.db.close()

    def create(self, name: str) -> str:
        return self.db.projects.create(name).project_id

    def get(self, pid: str) -> Any:
        found = self.db.projects.overview(pid)
        return found.project.name, found.events

    def page(self, status: str, after: Project) -> list[str]:
        from codedb.domains.projects.api import encode_cursor

        cursor = encode_cursor("created", False, db_time(after.created_at), after.project_id)
        return [p.project_id for p in self.db.projects.list(status=status, after=cursor, limit=50).projects]

    def move(self, pid: str) -> str:
        return self.db.projects.move(pid, "pause").status

    def report(self, since: datetime, until: datetime) -> int:
        return len(self.db.usage.report("provider-day", since=since, until=until))


def orm_class(path: Path) -> type:
    """The ORM implementation, as the old tools wrote theirs (SQLAlchemy 2, a session per call)."""
    from sqlalchemy import (
        JSON,
        Column,
        DateTime,
        Float,
        ForeignKey,
        Integer,
        String,
        Text,
        create_engine,
        func,
        select,
        tuple_,
    )
    from sqlalchemy.orm import Session, declarative_base, relationship

    base = declarative_base()

    class ProjectRow(base):  # type: ignore[valid-type, misc]
        __tablename__ = "projects"
        project_id = Column(String, primary_key=True)
        user_id = Column(String)
        name = Column(String)
        description = Column(Text, default="")
        project_type = Column(String, default="")
        path = Column(String)
        status = Column(String)
        config = Column(JSON, default=dict)
        brief = Column(JSON)
        started_at = Column(DateTime)
        completed_at = Column(DateTime)
        cost_estimate = Column(Float, default=0)
        actual_cost = Column(Float, default=0)
        files_generated = Column(Integer, default=0)
        lines_of_code = Column(Integer, default=0)
        generations = Column(Integer, default=0)
        created_at = Column(DateTime)
        updated_at = Column(DateTime)
        events = relationship("EventRow", back_populates="project", lazy="select")

    class EventRow(base):  # type: ignore[valid-type, misc]
        __tablename__ = "workflow_events"
        event_id = Column(String, primary_key=True)
        project_id = Column(String, ForeignKey("projects.project_id"))
        timestamp = Column(DateTime)
        action = Column(String)
        description = Column(Text, default="")
        actor = Column(String)
        project = relationship("ProjectRow", back_populates="events")

    class UsageRow(base):  # type: ignore[valid-type, misc]
        __tablename__ = "ai_provider_usage"
        usage_id = Column(String, primary_key=True)
        project_id = Column(String)
        provider = Column(String)
        model = Column(String)
        tokens_total = Column(Integer)
        cost = Column(Float)
        timestamp = Column(DateTime)

    class Orm:
        name = "SQLAlchemy ORM"

        def __init__(self, path: Path):
            self.engine = create_engine(f"sqlite:///{path}")

        def close(self) -> None:
            self.engine.dispose()

        def create(self, name: str) -> str:
            now = datetime.now()
            with Session(self.engine) as session:
                project = ProjectRow(
                    project_id=str(uuid.uuid4()), name=name, status="creating", created_at=now, updated_at=now
                )
                project.events.append(
                    EventRow(
                        event_id=str(uuid.uuid4()),
                        timestamp=now,
                        action="created",
                        description=f"created project {name}",
                    )
                )
                session.add(project)
                session.commit()
                return str(project.project_id)

        def get(self, pid: str) -> Any:
            with Session(self.engine) as session:
                project = session.get(ProjectRow, pid)
                return project.name, len(project.events)

        def page(self, status: str, after: Project) -> list[str]:
            with Session(self.engine) as session:
                query = (
                    select(ProjectRow)
                    .where(ProjectRow.status == status)
                    .where(
                        tuple_(ProjectRow.created_at, ProjectRow.project_id)
                        > (after.created_at, after.project_id)
                    )
                    .order_by(ProjectRow.created_at, ProjectRow.project_id)
                    .limit(50)
                )
                return [p.project_id for p in session.scalars(query)]

        def move(self, pid: str) -> str:
            with Session(self.engine) as session:
                project = session.get(ProjectRow, pid)
                assert project.status in ("in_progress", "executing")
                source, project.status, project.updated_at = project.status, "paused", datetime.now()
                project.events.append(
                    EventRow(
                        event_id=str(uuid.uuid4()),
                        timestamp=datetime.now(),
                        action="pause",
                        description=f"{source} -> paused",
                    )
                )
                session.commit()
                return "paused"

        def report(self, since: datetime, until: datetime) -> int:
            day = func.substr(UsageRow.timestamp, 1, 10)
            with Session(self.engine) as session:
                query = (
                    select(
                        day,
                        UsageRow.provider,
                        UsageRow.model,
                        func.count(),
                        func.sum(UsageRow.tokens_total),
                        func.sum(UsageRow.cost),
                    )
                    .where(UsageRow.timestamp >= since, UsageRow.timestamp < until)
                    .group_by(day, UsageRow.provider, UsageRow.model)
                )
                return len(session.execute(query).all())

    return Orm


def per_call(run: Callable[[int], Any], calls: int) -> float:
    """The median seconds of one call over `calls` calls."""
    samples = []
    for n in range(calls):
        start = time.perf_counter()
        run(n)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def paired(
    benches: dict[str, Any], operations: dict[str, tuple[Callable[[str, Any, int], Any], int]], rounds: int = 5
) -> dict[str, dict[str, float]]:
    """The median seconds of one call of each operation (run(name, bench, n), `calls` calls)
    by each implementation, the calls made in `rounds` turns that alternate the implementations
    (the first one first, then the last): a machine slowing down or a page cache warming up
    within the run falls on all of them alike."""
    results: dict[str, dict[str, float]] = {name: {} for name in benches}
    for operation, (run, calls) in operations.items():
        samples: dict[str, list[float]] = {name: [] for name in benches}
        order = list(benches)
        for turn in range(rounds):
            for name in order if turn % 2 == 0 else reversed(order):
                bench = benches[name]
                for n in range(turn * calls // rounds, (turn + 1) * calls // rounds):
                    start = time.perf_counter()
                    run(name, bench, n)
                    samples[name].append(time.perf_counter() - start)
        for name, found in samples.items():
            results[name][operation] = statistics.median(found)
    return results


def run_projects(workdir: Path, size: int, orm: bool, calls: int = 200) -> list[dict[str, Any]]:
    """The projects operations at `size` projects (10x events and usage rows); prints a table."""
    base = workdir / f"projects-{size}.sqlite"
    made = seed(base, size)
    rng = random.Random(5)
    deep = sorted((p for p in made if p.status == "paused"), key=lambda p: (p.created_at, p.project_id))
    after = deep[int(len(deep) * 0.9)]  # a page 90 % deep into the paused projects
    movable = [p.project_id for p in made if p.status in ("in_progress", "executing")]
    picks = [made[rng.randrange(len(made))].project_id for _ in range(calls)]
    implementations: list[type] = [Raw, Api] + ([orm_class(base)] if orm else [])
    # whole days, as budgets and daily reports ask: codedb answers them from its daily rollup
    end = START + timedelta(seconds=size * 10 * 3)
    since, until = START, end.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    share = len(movable) // len(implementations)  # each implementation pauses projects of its own
    benches = {impl.name: impl(base) for impl in implementations}
    try:
        answers = {
            name: {"page": b.page("paused", after), "report": b.report(since, until)} for name, b in benches.items()
        }
        moves = {name: iter(movable[i * share : (i + 1) * share]) for i, name in enumerate(benches)}
        results = paired(
            benches,
            {
                "create": (lambda name, b, n: b.create(f"bench {name} {n}"), calls),
                "get_with_counts": (lambda name, b, n: b.get(picks[n]), calls),
                "page_keyset_deep": (lambda name, b, n: b.page("paused", after), calls),
                "move_with_event": (lambda name, b, n: b.move(next(moves[name])), min(calls, share)),
                "cost_report_day": (lambda name, b, n: b.report(since, until), 5),
            },
        )
    finally:
        for b in benches.values():
            b.close()
    first = next(iter(answers.values()))
    assert all(a == first for a in answers.values()), "the implementations disagree"
    rows = []
    print(
        f"\nprojects: {size:,} projects, {10 * size:,} workflow events, {10 * size:,} usage rows (per call, median)"
    )
    for operation in results[Raw.name]:
        raw, ours = results[Raw.name][operation], results[Api.name][operation]
        orm_time = results.get("SQLAlchemy ORM", {}).get(operation)
        row = {
            "operation": f"projects {operation}",
            "size": size,
            "seconds": {name: results[name][operation] for name in results},
            "codedb_over_raw": ours / raw,
            "orm_over_codedb": orm_time / ours if orm_time else None,
        }
        rows.append(row)
        orm_text = f"{orm_time * 1000:9.3f} ms  ORM/codedb {orm_time / ours:5.1f}x" if orm_time else ""
        print(
            f"  {operation:<18} raw {raw * 1000:9.3f} ms  codedb {ours * 1000:9.3f} ms  codedb/raw {ours / raw:4.2f}x  {orm_text}"
        )
    return rows


@contextmanager
def scratch_schema(base_url: str) -> Iterator[str]:
    """The URL of a new PostgreSQL schema of the server at `base_url`, dropped afterwards."""
    from urllib.parse import quote

    import psycopg

    schema = f"codedb_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base_url, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{base_url}{'&' if '?' in base_url else '?'}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(base_url, autocommit=True) as admin:
            drop_scratch(admin, base_url, schema)


def drop_scratch(admin: Any, base_url: str, schema: str) -> None:
    """Drop a scratch schema and the read-only role codedb's migrate made for it (a role
    belongs to the server and outlives the schema)."""
    from psycopg.conninfo import conninfo_to_dict

    from codedb.schema.query import reader_role_name

    role = reader_role_name(str(conninfo_to_dict(base_url).get("dbname", "postgres")), schema)
    admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    admin.execute(f'DROP ROLE IF EXISTS "{role}"')


def run_projects_postgres(base_url: str, size: int, calls: int = 200) -> list[dict[str, Any]]:
    """codedb's projects operations on PostgreSQL (a schema of its own, dropped afterwards),
    to stand beside the SQLite figures."""
    with scratch_schema(base_url) as url:
        made = seed(url, size)
        deep = sorted((p for p in made if p.status == "paused"), key=lambda p: (p.created_at, p.project_id))
        after = deep[int(len(deep) * 0.9)]
        movable = iter(p.project_id for p in made if p.status in ("in_progress", "executing"))
        rng = random.Random(5)
        picks = [made[rng.randrange(len(made))].project_id for _ in range(calls)]
        end = START + timedelta(seconds=size * 10 * 3)
        since, until = START, end.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
        bench = Api(url)
        try:
            times = {
                "create": per_call(lambda n: bench.create(f"bench pg {n}"), calls),
                "get_with_counts": per_call(lambda n: bench.get(picks[n]), calls),
                "page_keyset_deep": per_call(lambda n: bench.page("paused", after), calls),
                "move_with_event": per_call(lambda n: bench.move(next(movable)), min(calls, size // 4)),
                "cost_report_day": per_call(lambda n: bench.report(since, until), 5),
            }
        finally:
            bench.close()
    print(f"\npg projects: {size:,} projects, {10 * size:,} events and usage rows (codedb, per call, median)")
    rows = []
    for operation, seconds in times.items():
        rows.append({"operation": f"pg projects {operation}", "size": size, "seconds": {"codedb": seconds}})
        print(f"  {operation:<18} codedb {seconds * 1000:9.3f} ms")
    return rows

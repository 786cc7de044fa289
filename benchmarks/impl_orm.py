"""The ORM codedb replaces: SQLModel (SQLAlchemy 2) on the same tables, used the way the old
code_db tool used it: a session per call, objects with relationships, lazy loading."""

import uuid
from pathlib import Path
from typing import Any, Optional

from pydantic import NaiveDatetime
from sqlalchemy import event, or_
from sqlmodel import Field, Relationship, Session, SQLModel, create_engine, select


class FunctionModuleLink(SQLModel, table=True):
    __tablename__ = "function_modules"
    function_id: str = Field(foreign_key="function.function_id", primary_key=True)
    module_name: str = Field(foreign_key="module.name", primary_key=True)


class FunctionTagLink(SQLModel, table=True):
    __tablename__ = "function_tags"
    function_id: str = Field(foreign_key="function.function_id", primary_key=True)
    tag: str = Field(foreign_key="tag.name", primary_key=True)


class FunctionDependencyLink(SQLModel, table=True):
    __tablename__ = "function_dependencies"
    function_id: str = Field(foreign_key="function.function_id", primary_key=True)
    depends_on_id: str = Field(foreign_key="function.function_id", primary_key=True)


class ModuleRow(SQLModel, table=True):
    __tablename__ = "module"
    name: str = Field(primary_key=True)
    module_id: str
    functions: list["FunctionRow"] = Relationship(back_populates="modules", link_model=FunctionModuleLink)


class TagRow(SQLModel, table=True):
    __tablename__ = "tag"
    name: str = Field(primary_key=True)


class FunctionRow(SQLModel, table=True):
    __tablename__ = "function"
    function_id: str = Field(primary_key=True)
    name: str
    description: str
    code_snippet: str
    creation_date: NaiveDatetime  # the old tool stored naive UTC, as codedb does
    last_modified_date: NaiveDatetime
    signature_json: Optional[str] = None  # noqa: UP045 - SQLModel reads the annotation at runtime
    modules: list[ModuleRow] = Relationship(back_populates="functions", link_model=FunctionModuleLink)
    tags: list[TagRow] = Relationship(link_model=FunctionTagLink)


class UnitTestRow(SQLModel, table=True):
    __tablename__ = "unittest"
    test_id: str = Field(primary_key=True)
    function_id: str = Field(foreign_key="function.function_id")
    name: str
    description: str
    test_case: str


class TestResultRow(SQLModel, table=True):
    __tablename__ = "testresult"
    __test__ = False
    result_id: str = Field(primary_key=True)
    test_id: str = Field(foreign_key="unittest.test_id")
    function_id: str = Field(foreign_key="function.function_id")
    execution_date: NaiveDatetime
    actual_result: Optional[str] = None  # noqa: UP045
    status: str


class ORM:
    name = "SQLModel ORM"

    def __init__(self, path: Path):
        self.engine = create_engine(f"sqlite:///{path}")
        event.listen(self.engine, "connect", lambda conn, _: conn.execute("PRAGMA foreign_keys=ON"))

    def close(self) -> None:
        self.engine.dispose()

    def _add(
        self, session: Session, item: dict[str, Any], modules: dict[str, ModuleRow], tags: dict[str, TagRow]
    ) -> None:
        def module(name: str) -> ModuleRow:
            if name not in modules:
                modules[name] = session.get(ModuleRow, name) or ModuleRow(
                    name=name, module_id=str(uuid.uuid4())
                )
            return modules[name]

        def tag(name: str) -> TagRow:
            if name not in tags:
                tags[name] = session.get(TagRow, name) or TagRow(name=name)
            return tags[name]

        session.add(
            FunctionRow(
                function_id=item["function_id"],
                name=item["name"],
                description=item["description"],
                code_snippet=item["code"],
                creation_date=item["creation_date"],
                last_modified_date=item["creation_date"],
                signature_json=item["signature_json"],
                modules=[module(m) for m in item["modules"]],
                tags=[tag(t) for t in item["tags"]],
            )
        )

    def bulk_add(self, items: list[dict[str, Any]]) -> int:
        with Session(self.engine) as session:
            modules: dict[str, ModuleRow] = {}
            tags: dict[str, TagRow] = {}
            for item in items:
                self._add(session, item, modules, tags)
            session.commit()
        return len(items)

    def add_one_each(self, items: list[dict[str, Any]]) -> int:
        for item in items:
            with Session(self.engine) as session:
                self._add(session, item, {}, {})
                session.commit()
        return len(items)

    def get_by_id(self, ids: list[str]) -> int:
        found = 0
        for fid in ids:
            with Session(self.engine) as session:
                found += session.get(FunctionRow, fid) is not None
        return found

    def _listing(self, statement: Any) -> int:
        with Session(self.engine) as session:
            rows = [
                (f.function_id, f.name, [m.name for m in f.modules], [t.name for t in f.tags])
                for f in session.exec(statement).all()
            ]
        return len(rows)

    def list_all(self) -> int:
        return self._listing(select(FunctionRow).order_by(FunctionRow.name))

    def search(self, text: str) -> int:
        pattern = f"%{text}%"
        return self._listing(
            select(FunctionRow).where(
                or_(
                    FunctionRow.name.ilike(pattern),
                    FunctionRow.description.ilike(pattern),  # type: ignore[attr-defined]
                    FunctionRow.code_snippet.ilike(pattern),
                )
            )
        )  # type: ignore[attr-defined]

    def list_by_tag(self, tag: str) -> int:
        return self._listing(select(FunctionRow).join(FunctionTagLink).where(FunctionTagLink.tag == tag))

    def coverage(self) -> int:
        report = []
        with Session(self.engine) as session:
            for function in session.exec(select(FunctionRow)).all():
                tests = session.exec(
                    select(UnitTestRow).where(UnitTestRow.function_id == function.function_id)
                ).all()
                passed = failed = 0
                for test in tests:
                    latest = session.exec(
                        select(TestResultRow)
                        .where(TestResultRow.test_id == test.test_id)
                        .order_by(TestResultRow.execution_date.desc())
                    ).first()  # type: ignore[attr-defined]
                    passed += bool(latest and latest.status == "passed")
                    failed += bool(latest and latest.status == "failed")
                report.append((function.function_id, len(tests), passed, failed))
        return len(report)

    def transitive(self, root: str) -> int:
        seen: set[str] = set()
        frontier = [root]
        with Session(self.engine) as session:
            while frontier:
                following = []
                for fid in frontier:
                    for link in session.exec(
                        select(FunctionDependencyLink).where(FunctionDependencyLink.function_id == fid)
                    ):
                        if link.depends_on_id not in seen:
                            seen.add(link.depends_on_id)
                            following.append(link.depends_on_id)
                frontier = following
        return len(seen)

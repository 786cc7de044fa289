"""The GUI-builder assistant's project registry (`projects.json`) and its per-project
workflow files (`.pygubu-workflow.json`), as codedb projects and workflow events.

The registry has no ids: a project's id is derived from its registry name (uuid5), and an
event's from its project, time, action and text, so a second import adds only what the old
tool added since. A name that a project made in codedb already holds is skipped, noted."""

import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core.convert import now, parse_time
from ..domains.projects.records import Project, WorkflowEvent
from ..errors import InvalidInput

NAMESPACE = uuid.UUID("8f7c2d6e-1d4b-5a49-9a35-7c0f1e2b3a4d")  # codedb's, for the registry's names
WORKFLOW_FILE = ".pygubu-workflow.json"


def project_id(name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"project:{name}"))


class Registry:
    """Projects and events collected from a registry or a workflow file, with notes."""

    def __init__(self, coerced: list[str], skipped: list[str], found: dict[str, int]):
        self.coerced, self.skipped, self.found = coerced, skipped, found
        self.projects: dict[str, Project] = {}
        self.events: dict[str, WorkflowEvent] = {}

    def _time(self, value: Any, what: str) -> Any:
        if value in (None, ""):
            return None
        try:
            return parse_time(value) if isinstance(value, str) else None
        except InvalidInput:
            self.coerced.append(f"{what}: {value!r:.40} is not an ISO 8601 time; left out")
            return None

    def project(self, name: Any, entry: Any, active: bool, source: Path) -> str | None:
        if not isinstance(name, str) or not name.strip():
            self.skipped.append(f"a project without a name ({name!r:.40})")
            return None
        if isinstance(entry, str):
            entry = {"path": entry}
        if not isinstance(entry, dict):
            self.skipped.append(f"project {name}: {type(entry).__name__} entry, not a path or an object")
            return None
        created = self._time(entry.get("created"), f"project {name}: created") or now()
        modified = self._time(entry.get("modified"), f"project {name}: modified") or created
        tags = entry.get("tags") or []
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            self.coerced.append(f"project {name}: tags that are not a list of texts left out")
            tags = []
        path = entry.get("path")
        description = entry.get("description")
        pid = project_id(name)
        self.projects[pid] = Project(
            project_id=pid,
            user_id=None,
            name=name.strip(),
            description=description if isinstance(description, str) else "",
            project_type="pygubu",
            path=path if isinstance(path, str) else None,
            status="in_progress",
            config={"tags": tags, "active": active, "imported_from": str(source)},
            brief=None,
            created_at=created,
            updated_at=modified,
            started_at=created,
        )
        self.found["project"] = self.found.get("project", 0) + 1
        self.event(pid, created, entry.get("created"), "created", f"imported from {source.name}")
        return pid

    def event(
        self, pid: str, when: Any, raw_time: Any, action: str, description: str, actor: str = "pygubu"
    ) -> None:
        """An event; its id comes from the source's own text (not from a time codedb had to
        fill in), so that importing the same file again finds it."""
        stamp = when if when is not None else now()
        key = f"{pid}|{raw_time!r}|{action}|{description}"
        eid = str(uuid.uuid5(NAMESPACE, f"event:{key}"))
        self.events[eid] = WorkflowEvent(eid, pid, stamp, action, description, actor)
        self.found["workflow event"] = self.found.get("workflow event", 0) + 1

    def workflow(self, pid: str, data: Any, source: Path) -> None:
        """The history of a workflow file (or the older `changes`) as events of project `pid`."""
        entries = data.get("history")
        if entries is None:
            entries = [
                {"timestamp": c.get("timestamp"), "action": "file_changed", "description": c.get("file", "")}
                for c in data.get("changes") or []
                if isinstance(c, dict)
            ]
        if not isinstance(entries, list):
            self.skipped.append(f"{source}: 'history' is not a list")
            return
        for number, entry in enumerate(entries, 1):
            if not isinstance(entry, dict) or not isinstance(entry.get("action"), str) or not entry["action"]:
                self.skipped.append(f"{source}: history entry {number} has no action")
                continue
            when = self._time(entry.get("timestamp"), f"{source}: history entry {number}")
            text = entry.get("description")
            text = text if isinstance(text, str) else ""
            user = entry.get("user")  # newer files name who did it
            actor = user.strip() if isinstance(user, str) and user.strip() else "pygubu"
            self.event(pid, when, entry.get("timestamp"), entry["action"], text, actor)


def read_json_file(path: Path, on_error: Callable[[str], Exception]) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise on_error(f"{path} is not valid JSON ({str(exc)[:80]}); check the file") from None


def is_registry(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("projects"), dict | list)


def is_workflow(data: Any) -> bool:
    return isinstance(data, dict) and ("history" in data or "changes" in data) and "project" in data


def collect(path: Path, data: Any, registry: Registry, on_error: Callable[[str], Exception]) -> str:
    """Fill `registry` from a registry file (with each project's workflow file beside its
    folder) or from one workflow file; return the format's label."""
    if is_registry(data):
        projects = data["projects"]
        if isinstance(projects, list):  # a list of names or entries: the names are the keys
            projects = {p if isinstance(p, str) else (p or {}).get("name"): p for p in projects}
        active = data.get("active", data.get("active_project"))
        for name, entry in projects.items():
            pid = registry.project(name, entry, name == active, path)
            folder = registry.projects[pid].path if pid else None
            workflow = Path(folder) / WORKFLOW_FILE if folder else None
            if pid and workflow is not None and workflow.is_file():
                registry.workflow(pid, read_json_file(workflow, on_error) or {}, workflow)
        return "projects registry"
    if is_workflow(data):
        name = data.get("project")
        if not isinstance(name, str) or not name.strip():
            raise on_error(f"{path}: the workflow file names no project; check the file")
        pid = registry.project(name, {"path": str(path.resolve().parent)}, False, path)
        assert pid is not None
        registry.workflow(pid, data, path)
        return "project workflow file"
    raise on_error(f"{path} is JSON, but not a legacy format codedb knows; check the file")

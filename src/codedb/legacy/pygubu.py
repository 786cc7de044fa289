"""PygubuAI (a GUI-builder assistant) moving onto codedb: its SQLite database (pygubuai.db), as
docs/moving.md (PygubuAI) describes it; its older JSON registry and workflow files are read by
legacy.gui_projects.

- projects -> projects (no user: the tool has none), their meta_data as metadata; a project
  is the same codedb project as the registry's of the same name (its id comes from the name),
  so importing the registry and the database both adds each project once.
- templates -> templates with one version: its content, labelled with the tool's text version
  ('1.0.0'); its download count and rating as prior_downloads and prior_rating (codedb counts
  its own from then on), its meta_data as metadata.
- workflow_events -> workflow_events, analytics -> analytics.
Ids are the tool's integers, kept in external_ids."""

from typing import Any

from ..domains.analytics.records import Measurement
from ..domains.projects.records import Project, WorkflowEvent
from ..domains.templates.records import Template, TemplateVersion
from .gui_projects import project_id as registry_project_id
from .tool import ToolImport

TABLES = ("projects", "templates", "workflow_events", "analytics")


class Pygubu(ToolImport):
    system = "pygubu"
    label = "PygubuAI database"

    def _projects(self, row: dict[str, Any]) -> None:
        what = f"project {row.get('id')}"
        name = self.key_text(row.get("name"), f"{what} name").strip()
        if not name:
            self.leave_out("projects", str(row.get("id")), "no name")
            return
        project_id = self.known("projects", row.get("id")) or registry_project_id(name)
        self._ids[("projects", str(row.get("id")))] = project_id
        created = self.time(row.get("created_at"), f"{what} created_at")
        self.add(
            "projects",
            "projects",
            Project(
                project_id=project_id,
                user_id=None,
                name=self.unique_project_name(name, None, project_id, what),
                description=self.text(row.get("description"), f"{what} description"),
                project_type="pygubu",
                path=self.text(row.get("path"), f"{what} path") or None,
                status="in_progress",
                config={},
                brief=None,
                created_at=created,
                updated_at=self.time(row.get("updated_at"), f"{what} updated_at", default=created),
                started_at=created,
                metadata=self.json(row.get("meta_data"), f"{what} meta_data"),
            ),
        )

    def _templates(self, row: dict[str, Any]) -> None:
        what = f"template {row.get('id')}"
        name = self.key_text(row.get("name"), f"{what} name").strip()
        if not name:
            self.leave_out("templates", str(row.get("id")), "no name")
            return
        template_id = self.record_id("templates", row.get("id"))
        created = self.time(row.get("created_at"), f"{what} created_at")
        updated = self.time(row.get("updated_at"), f"{what} updated_at", default=created)
        rating = row.get("rating")
        self.add(
            "templates",
            "templates",
            Template(
                template_id,
                self.unique_template_name(name, template_id, what),
                self.text(row.get("description"), f"{what} description"),
                self.key_text(row.get("author"), f"{what} author"),
                created,
                updated,
                self.json(row.get("meta_data"), f"{what} meta_data"),
                self.whole(row.get("downloads"), f"{what} downloads"),
                None if rating in (None, "") else self.number(rating, f"{what} rating", high=5.0),
            ),
        )
        self.add(
            "templates",
            "template_versions",
            TemplateVersion(
                template_id,
                1,
                self.text(row.get("content"), f"{what} content"),
                "",
                updated,
                self.text(row.get("version"), f"{what} version", "1.0.0") or None,
            ),
            key=(template_id, 1),
        )

    def _workflow_events(self, row: dict[str, Any]) -> None:
        what = f"workflow event {row.get('id')}"
        project_id = self.known("projects", row.get("project_id"))
        if project_id is None:
            self.leave_out(
                "workflow_events",
                str(row.get("id")),
                f"its project {row.get('project_id')} is not in the file",
            )
            return
        self.add(
            "workflow_events",
            "workflow_events",
            WorkflowEvent(
                self.record_id("workflow_events", row.get("id")),
                project_id,
                self.time(row.get("timestamp"), f"{what} timestamp"),
                self.key_text(row.get("action"), f"{what} action", "event") or "event",
                self.text(row.get("description"), f"{what} description"),
                "pygubu",
            ),
        )

    def _analytics(self, row: dict[str, Any]) -> None:
        what = f"analytics record {row.get('id')}"
        name = self.key_text(row.get("metric_name"), f"{what} metric_name").strip()
        if not name:
            self.leave_out("analytics", str(row.get("id")), "no metric name")
            return
        external = row.get("project_id")
        project_id = None if external in (None, "") else self.known("projects", external)
        if external not in (None, "") and project_id is None:
            self.coerced.append(f"{what}: its project {external} is not in the file; kept without a project")
        self.add(
            "analytics",
            "analytics",
            Measurement(
                self.record_id("analytics", row.get("id")),
                project_id,
                name,
                self.number(row.get("metric_value"), f"{what} metric_value", low=float("-inf")),
                self.time(row.get("recorded_at"), f"{what} recorded_at"),
                self.json(row.get("meta_data"), f"{what} meta_data"),
            ),
        )

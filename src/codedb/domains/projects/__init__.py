"""Projects of the AI-assisted coding tools and what they keep about them: projects with a
lifecycle and workflow events, code generations, generated files, clarification sessions,
AI provider usage and its costs, autosaves and project analyses."""

from ...core.registry import Commands, Domain, Table

DOMAIN = Domain(
    name="projects",
    package=__name__,
    tables=(
        Table("projects", "records:Project"),
        Table("workflow_events", "records:WorkflowEvent"),
        Table("code_generations", "records:CodeGeneration"),
        Table("generated_files", "records:GeneratedFile"),
        Table("clarification_sessions", "records:ClarificationSession"),
        Table("ai_provider_usage", "records:ProviderUsage"),
        Table("autosaves", "records:Autosave"),
        Table("project_analyses", "records:ProjectAnalysis"),
        Table("cost_alert_dismissals", "records:AlertDismissal"),
    ),
    api=(
        ("projects", "api:Projects"),
        ("generations", "work:Generations"),
        ("generated_files", "work:GeneratedFiles"),
        ("clarifications", "work:Clarifications"),
        ("autosaves", "work:Autosaves"),
        ("analyses", "work:Analyses"),
        ("usage", "usage:Usage"),
    ),
    commands=Commands(
        title="Projects",
        module=f"{__name__}.commands",
        summaries=(
            (
                "projects",
                "projects: list, show, create, update, delete, lifecycle moves, history, export, import",
            ),
            ("generations", "a project's code generations: add, list, show, finish"),
            ("files", "a project's generated files: save, list, show"),
            ("clarify", "clarification sessions: start, answer, show, complete"),
            ("usage", "record and list AI provider requests"),
            ("costs", "spend per provider, model, project, user, day or month; budgets"),
            ("autosaves", "autosaves of edited files: save, list, show, restore"),
            ("analyses", "project analyses: add, list (the trend), latest"),
        ),
    ),
    requires=("users",),
    derived=("ai_provider_usage_daily",),  # spend per day, provider and model (migration 0008)
)

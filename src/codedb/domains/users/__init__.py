"""Users of the AI-assisted coding tools: accounts with preferences and an API key kept only
as a salted slow hash."""

from ...core.registry import Commands, Domain, Table

DOMAIN = Domain(
    name="users",
    package=__name__,
    tables=(Table("users", "records:User"),),
    api=(("users", "api:Users"),),
    commands=Commands(
        title="Users",
        module=f"{__name__}.commands",
        summaries=(
            ("users", "users: add, list, show, update, key, verify-key, activate, deactivate, delete"),
        ),
    ),
)

"""Users' preferences: one JSON value per (user, key), with defaults, upserts and a user's
whole set exported and imported as one JSON object."""

from ...core.registry import Commands, Domain, Table

DOMAIN = Domain(
    name="preferences",
    package=__name__,
    tables=(Table("user_preferences", "records:Preference"),),
    api=(("preferences", "api:Preferences"),),
    commands=Commands(
        title="Preferences",
        module=f"{__name__}.commands",
        summaries=(("prefs", "a user's preferences: get, set, delete, list, export, import"),),
    ),
    requires=("users",),
)

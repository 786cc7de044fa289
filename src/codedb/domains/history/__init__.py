"""Conversation history: the messages of users' sessions with an assistant, their sessions
with activity, counts and tokens, pruning by age, and a session as Markdown."""

from ...core.registry import Commands, Domain, Table

DOMAIN = Domain(
    name="history",
    package=__name__,
    tables=(
        Table("conversation_history", "records:Message"),
        Table("message_vectors", "records:MessageVector"),
    ),
    api=(("history", "api:History"),),
    commands=Commands(
        title="Conversation history",
        module=f"{__name__}.commands",
        summaries=(("history", "conversation history: save, show, sessions, delete, prune, export"),),
    ),
    requires=("users",),
    derived=("message_search",),  # the full-text index of the messages (migration 0019)
    search=("history",),
)

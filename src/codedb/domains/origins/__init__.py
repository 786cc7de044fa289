"""Where imported records came from: each one's id in the tool it was imported from
(codeobit's integers, YAGO's UUIDs, DuilioCode's user names), so that importing the same file
twice adds nothing, a larger snapshot adds only what is new, and each tool's own calls
(codedb.compat) keep finding rows by the ids they know."""

from ...core.registry import Domain, Table

DOMAIN = Domain(
    name="origins",
    package=__name__,
    tables=(Table("external_ids", "records:ExternalId"),),
    api=(("origins", "api:Origins"),),
)

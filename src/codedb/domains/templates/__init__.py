"""A template marketplace: templates with versions (each publish a new one, older ones kept
and installable), tags, one rating per user, downloads counted per install; the average
rating, its count and the downloads are computed from those rows."""

from ...core.registry import Commands, Domain, Table

DOMAIN = Domain(
    name="templates",
    package=__name__,
    tables=(
        Table("templates", "records:Template"),
        Table("template_versions", "records:TemplateVersion"),
        Table("template_tags", "records:TemplateTag"),
        Table("template_ratings", "records:TemplateRating"),
        Table("template_downloads", "records:TemplateDownload"),
        Table("template_vectors", "records:TemplateVector"),
    ),
    api=(("templates", "api:Templates"),),
    commands=Commands(
        title="Templates",
        module=f"{__name__}.commands",
        summaries=(
            (
                "templates",
                "the template marketplace: publish, list, search, show, install, rate, versions, unpublish",
            ),
        ),
    ),
    requires=("users",),
    # ratings, their average and downloads per template (migration 0015); the search index (0018)
    derived=("template_stats", "template_search"),
    search=("templates",),
)

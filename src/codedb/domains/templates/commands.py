"""The template marketplace commands: `codedb templates
publish|list|search|show|install|rate|versions|unpublish`."""

from typing import Any

from ...cli.common import open_db, out, output_format, split_names, whole_number
from ...cli.frame import FORMAT, command
from ...core.files import read_text

LIST_COLUMNS = ("name", "latest_version", "rating", "ratings", "downloads", "author", "tags", "description")
VERSION_COLUMNS = ("version", "published_at", "notes")


@command(
    """
Usage: codedb templates publish NAME --content-file=FILE [--description=TEXT] [--author=NAME]
                                [--tags=TAGS]... [--notes=TEXT] [options]
       codedb templates list [--tag=TAG] [--author=NAME] [--sort=SORT] [--limit=N] [--offset=N]
                             [--json | --csv] [options]
       codedb templates search TEXT [--tag=TAG] [--author=NAME] [--sort=SORT] [--limit=N]
                               [--offset=N] [--json | --csv] [options]
       codedb templates show TEMPLATE [--release=N] [--json] [options]
       codedb templates install TEMPLATE DEST [--release=N] [--user=USER] [--force] [options]
       codedb templates rate TEMPLATE USER RATING [options]
       codedb templates versions TEMPLATE [--json | --csv] [options]
       codedb templates unpublish TEMPLATE [--release=N] [options]

The template marketplace. TEMPLATE is a template's name, id or a unique prefix of the id.
'publish' makes version 1 of a new name, or the next version of an existing one (the older
versions stay installable). 'search' finds TEXT in names and descriptions. 'install' writes a
version (the latest by default) to DEST, refusing to replace a file without --force, and
counts a download. RATING is 1 to 5; a user's new rating replaces theirs. The rating shown is
the average of the users' ratings.

Options:
  --content-file=FILE  the template's content (- for standard input)
  --description=TEXT   what the template is for
  --author=NAME        who wrote it
  --tags=TAGS          comma-separated tags (repeatable)
  --notes=TEXT         what changed in this version
  --tag=TAG            only templates with this tag
  --sort=SORT          rating, downloads, newest or name [default: rating]
  --limit=N            show at most N templates [default: 20]
  --offset=N           skip the first N [default: 0]
  --release=N          a version other than the latest (its number)
  --user=USER          the user installing it (counted with the download)
  --force              replace DEST if it exists
"""
    + FORMAT
    + """
Example:
  codedb templates publish fastapi-app --content-file=app.py --tags=web,python
"""
)
def cmd_templates(args: dict[str, Any]) -> int:
    content = read_text(args["--content-file"], "content file") if args["publish"] else None
    version = whole_number(args["--release"], "--release", 1)
    with open_db(args) as db:
        if args["publish"]:
            return _publish(db, args, content or "")
        if args["list"] or args["search"]:
            return _list(db, args)
        template_id = db.templates.resolve(args["TEMPLATE"])
        act = next((handle for action, handle in _ON_ONE.items() if args[action]), _unpublish)
        return act(db, args, template_id, version)


def _publish(db: Any, args: dict[str, Any], content: str) -> int:
    published = db.templates.publish(
        args["NAME"],
        content,
        description=args["--description"],
        author=args["--author"],
        tags=split_names(args["--tags"]) if args["--tags"] else None,
        notes=args["--notes"] or "",
    )
    out(f"published {args['NAME'].strip()} version {published.version}")
    return 0


def _list(db: Any, args: dict[str, Any]) -> int:
    from ...cli.render import render

    found = db.templates.list(
        text=args["TEXT"],
        tag=args["--tag"],
        author=args["--author"],
        sort=args["--sort"],
        limit=whole_number(args["--limit"], "--limit", 1) or 20,
        offset=whole_number(args["--offset"], "--offset") or 0,
    )
    out(render(found, LIST_COLUMNS, output_format(args)))
    return 0


def _show(db: Any, args: dict[str, Any], template_id: str, version: int | None) -> int:
    from ...cli.render import as_json

    listing, chosen = db.templates.get(template_id), db.templates.version(template_id, version)
    if args["--json"]:
        from ...core.convert import to_dict

        out(as_json({**to_dict(listing), "version": to_dict(chosen)}))
        return 0
    stars = "not rated" if listing.rating is None else f"{listing.rating:.2f}"
    by, tags = listing.author or "unknown", ", ".join(listing.tags) or "none"
    out(
        f"{listing.name} version {chosen.version} of {listing.latest_version}, by {by}\n"
        f"{listing.description}\n"
        f"tags: {tags}; rating: {stars} ({listing.ratings} ratings); "
        f"downloads: {listing.downloads}\n"
        f"---\n{chosen.content}"
    )
    return 0


def _install(db: Any, args: dict[str, Any], template_id: str, version: int | None) -> int:
    user_id = db.users.resolve(args["--user"]) if args["--user"] else None
    installed = db.templates.install(
        template_id, args["DEST"], version=version, force=args["--force"], user_id=user_id
    )
    out(f"installed {args['TEMPLATE']} version {installed.version} to {args['DEST']}")
    return 0


def _rate(db: Any, args: dict[str, Any], template_id: str, version: int | None) -> int:
    listing = db.templates.rate(
        template_id, db.users.resolve(args["USER"]), whole_number(args["RATING"], "RATING")
    )
    plural = "" if listing.ratings == 1 else "s"
    out(f"{listing.name}: {listing.rating:.2f} from {listing.ratings} rating{plural}")
    return 0


def _versions(db: Any, args: dict[str, Any], template_id: str, version: int | None) -> int:
    from ...cli.render import render

    out(render(db.templates.versions(template_id), VERSION_COLUMNS, output_format(args)))
    return 0


def _unpublish(db: Any, args: dict[str, Any], template_id: str, version: int | None) -> int:
    name = db.templates.get(template_id).name
    db.templates.unpublish(template_id, version)
    out(f"unpublished {name}" + (f" version {version}" if version else ""))
    return 0


# The actions on one template (unpublish when none of these is given).
_ON_ONE = {"show": _show, "install": _install, "rate": _rate, "versions": _versions}

"""The template marketplace (db.templates): publish (each publish of a name a new version),
list and search, show, install a version to a file (counting the download), rate, versions,
unpublish a template or one version."""

# mypy: disable-error-code="no-any-return"
# (a named query returns the records its SQL names, which mypy sees as Any)

from __future__ import annotations

import builtins
from pathlib import Path
from typing import Any

from ...core.convert import (
    check_json,
    check_key_text,
    check_page,
    check_text,
    db_time,
    json_text,
    like_pattern,
    now,
    params,
)
from ...core.files import write_output
from ...core.ids import new_id, resolve_prefix
from ...core.textsearch import SEARCH_CANDIDATES, SearchHit, TextQuery, snippet, words
from ...core.vectors import Embedded, VectorQueries
from ...errors import Conflict, InvalidInput, NotFound
from .records import Template, TemplateDownload, TemplateListing, TemplateTag, TemplateVersion

HINT = "list templates with 'codedb templates list'"
SORTS = ("rating", "downloads", "newest", "name")
LISTINGS = {  # each sort's query, named in full so that a search finds its caller
    "rating": "list_templates_by_rating",
    "downloads": "list_templates_by_downloads",
    "newest": "list_templates_by_newest",
    "name": "list_templates_by_name",
}
MAX_PAGE = 1000
HEAD = 500  # the best rated templates a filtered listing by rating looks among first


def _text(value: Any, what: str, *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(f"{what} must be text, not {type(value).__name__}")
    if required and not value.strip():
        raise InvalidInput(f"empty {what}; give the template's {what}")
    return check_text(value.strip() if required else value, what)


def _tags(tags: Any) -> tuple[str, ...] | None:
    if tags is None:
        return None
    if isinstance(tags, str) or not all(isinstance(t, str) for t in tags):
        raise InvalidInput("tags must be a list of names")
    cleaned = sorted({check_text(t.strip(), "tag") for t in tags if t.strip()})
    return tuple(cleaned)


def _filters(text: str | None, tag: str | None, author: str | None) -> dict[str, str | None]:
    """The listing's filters as query parameters (None leaves one out)."""
    return {
        "pattern": None if text is None else like_pattern(check_text(text, "search text")),
        "author": None if author is None else check_text(author, "author"),
        "tag": None if tag is None else check_text(tag.strip(), "tag"),
    }


class Templates(Embedded):
    """Templates by unique name, their versions, ratings and downloads."""

    KIND = "template"
    _queries = VectorQueries(
        queue="template_vector_queue",
        count_queue="count_template_vector_queue",
        store="store_template_vectors",
        touch="touch_template_vectors",
        of_model="template_vectors_of_model",
        version="template_vectors_version",
        count_model="count_template_vectors_of_model",
        has_model="has_template_vectors_of_model",
        models="template_vectors_models",
        one="template_vector",
        forget="forget_template_vectors",
    )

    def _text(self, row: Any) -> str:
        """What a template's vector is made from: its name's words, its description and its
        latest version's content."""
        name, description, content = row
        return "\n".join(part for part in (" ".join(words(name)), description, content) if part)

    def text_hits(self, query: TextQuery, limit: int) -> builtins.list[SearchHit]:
        """The `limit` templates that best match a ranked full-text search (migration 0018:
        name, tags, description and the latest version's content, the columns name:, tag:,
        description: and code:), best first, for `codedb search`."""
        rows = self.sql.search_templates_ranked(
            self.conn, match=query.compiled(self.db.dialect), cap=SEARCH_CANDIDATES, limit=limit
        )
        return [
            SearchHit("template", tid, name, float(score), snippet(query, (description, content, tags, name)))
            for tid, name, score, description, content, tags in rows
        ]

    def reindex(self) -> int:
        """Rebuild the template search index in one transaction; the number of templates."""
        with self.db.transaction():
            self.sql.clear_template_search(self.conn)
            self.sql.fill_template_search(self.conn)
            self.sql.optimize_template_search(self.conn)
            return int(self.sql.count_template_search(self.conn))

    def stale_in_index(self) -> int:
        """Templates the search index does not hold as they are (0 unless its triggers were
        bypassed); reindex repairs them."""
        return int(self.sql.count_stale_template_search(self.conn))

    def resolve(self, template: str) -> str:
        """The id of a template given its name, its id or a unique prefix of the id."""
        if isinstance(template, str):
            found = self.sql.get_template_by_name(self.conn, name=template.strip())
            if found is not None:
                return str(found.template_id)
        return resolve_prefix(
            "template",
            template,
            lambda v: self.sql.get_template(self.conn, template_id=v) is not None,
            lambda p: [row[0] for row in self.sql.find_template_ids(self.conn, prefix=p)],
            HINT,
        )

    def find(self, name: str) -> Template | None:
        """A template by its name, or None."""
        return self.sql.get_template_by_name(self.conn, name=name)

    def get(self, template_id: str) -> TemplateListing:
        """A template with its latest version, tags, rating, ratings and downloads."""
        found = self.sql.get_listing(self.conn, template_id=template_id)
        if found is None:
            raise NotFound(f"template {template_id} not found; {HINT}")
        return found

    def publish(
        self,
        name: str,
        content: str,
        *,
        description: str | None = None,
        author: str | None = None,
        tags: builtins.list[str] | tuple[str, ...] | None = None,
        notes: str = "",
        label: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> TemplateVersion:
        """Publish `content` under `name`: version 1 of a new template, or the next version of
        an existing one (its older versions stay). Description, author, tags and metadata
        given replace the template's; those left out stay. `label` is the version as its
        author writes it ('1.0.0'). (Over 60 lines: a new template and a new version of one
        share the checks and the transaction.)"""
        name = _text(name, "name", required=True)
        if not isinstance(content, str):
            raise InvalidInput(f"content must be text, not {type(content).__name__}")
        content = check_text(content, "content")
        notes = _text(notes, "notes")
        given_tags = _tags(tags)
        label = None if label is None else check_key_text(_text(label, "label"), "label") or None
        given_metadata = None if metadata is None else check_json(metadata, "metadata", dict)
        stamp = now()
        with self.db.transaction():
            self.db.lock_record("templates", name)  # read, then written back; versions counted
            found = self.sql.get_template_by_name(self.conn, name=name)
            if found is None:
                found = Template(
                    new_id(),
                    name,
                    _text(description, "description"),
                    _text(author, "author"),
                    stamp,
                    stamp,
                    {} if given_metadata is None else given_metadata,
                )
                self.sql.load_templates(self.conn, [params(found)])
                version = 1
            else:
                self.sql.update_template(
                    self.conn,
                    template_id=found.template_id,
                    description=found.description
                    if description is None
                    else _text(description, "description"),
                    author=found.author
                    if author is None
                    else check_key_text(_text(author, "author"), "author"),
                    metadata=json_text(found.metadata if given_metadata is None else given_metadata),
                    updated_at=db_time(stamp),
                )
                version = int(self.sql.latest_version(self.conn, template_id=found.template_id) or 0) + 1
            published = TemplateVersion(found.template_id, version, content, notes, stamp, label)
            self.sql.load_template_versions(self.conn, [params(published)])
            if given_tags is not None:
                self.sql.clear_tags_of(self.conn, template_id=found.template_id)
                self.sql.load_template_tags(
                    self.conn, [params(TemplateTag(found.template_id, tag)) for tag in given_tags]
                )
        return published

    def list(
        self,
        *,
        text: str | None = None,
        tag: str | None = None,
        author: str | None = None,
        sort: str = "rating",
        limit: int = 20,
        offset: int = 0,
    ) -> builtins.list[TemplateListing]:
        """Templates matching text (in name or description), a tag and an author (None leaves
        one out), sorted by rating (then the number of ratings), downloads, newest or name."""
        if sort not in SORTS:
            raise InvalidInput(f"unknown sort {sort!r}; use one of {', '.join(SORTS)}")
        check_page(limit, offset, MAX_PAGE)
        filters = _filters(text, tag, author)
        if sort == "rating":
            found = self._by_rating(filters, limit, offset)
            if found is not None:
                return found
        rows = getattr(self.sql, LISTINGS[sort])(self.conn, **filters, limit=limit, offset=offset)
        return rows

    def _by_rating(
        self, filters: dict[str, Any], limit: int, offset: int
    ) -> builtins.list[TemplateListing] | None:
        """A page by rating from a walk of template_stats in rating order, when the best rated
        templates hold it (HEAD of them, or 25 a row of the page, when filtered; all when not);
        None when they do not."""
        if all(value is None for value in filters.values()):
            ids = [row[0] for row in self.sql.best_rated_template_ids(self.conn, limit=limit, offset=offset)]
        else:
            head = max(HEAD, 25 * (offset + limit))
            rows = self.sql.rated_template_ids(self.conn, **filters, head=head, limit=limit, offset=offset)
            ids = [row[0] for row in rows]
            if len(ids) < limit:
                return None  # a rarer match: rank every match instead
        return [self.get(template_id) for template_id in ids]

    def count(self, *, text: str | None = None, tag: str | None = None, author: str | None = None) -> int:
        """How many templates match the filters of `list`."""
        return int(self.sql.count_matching_templates(self.conn, **_filters(text, tag, author)))

    def versions(self, template_id: str) -> builtins.list[TemplateVersion]:
        """A template's versions, the newest first."""
        self.get(template_id)
        return self.sql.list_versions(self.conn, template_id=template_id)

    def version(self, template_id: str, version: int | None = None) -> TemplateVersion:
        """One version of a template (the latest without `version`)."""
        listing = self.get(template_id)
        wanted = listing.latest_version if version is None else version
        found = self.sql.get_version(self.conn, template_id=template_id, version=wanted)
        if found is None:
            raise NotFound(
                f"template {listing.name} has no version {wanted}; its latest is {listing.latest_version} "
                f"(see 'codedb templates versions {listing.name}')"
            )
        return found

    def install(
        self,
        template_id: str,
        dest: str | Path,
        *,
        version: int | None = None,
        force: bool = False,
        user_id: str | None = None,
    ) -> TemplateVersion:
        """Write a version's content (the latest by default) to `dest`, refusing to replace a
        file without `force`, and count the download: both or neither."""
        chosen = self.version(template_id, version)
        if user_id is not None:
            self.db.users.get(user_id)
        download = TemplateDownload(new_id(), template_id, chosen.version, user_id, now())
        with self.db.transaction():
            self.sql.load_template_downloads(self.conn, [params(download)])
            write_output(dest, chosen.content, force=force)
        return chosen

    def rate(self, template_id: str, user_id: str, rating: int) -> TemplateListing:
        """A user's rating, 1 to 5 (re-rating replaces theirs); the template as it now stands."""
        if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
            raise InvalidInput(f"a rating is a whole number from 1 to 5, not {rating!r:.20}")
        with self.db.transaction():
            self.get(template_id)
            self.db.users.get(user_id)
            self.sql.rate_template(
                self.conn, template_id=template_id, user_id=user_id, rating=rating, stamp=db_time(now())
            )
        return self.get(template_id)

    def unpublish(self, template_id: str, version: int | None = None) -> None:
        """Remove a template with all its versions, ratings and downloads, or one version of
        it (not its only one: unpublish the template then)."""
        with self.db.transaction():
            listing = self.get(template_id)
            if version is None:
                self.sql.delete_template(self.conn, template_id=template_id)
                return
            if self.sql.delete_version(self.conn, template_id=template_id, version=version) == 0:
                raise NotFound(f"template {listing.name} has no version {version}")
            if int(self.sql.count_versions(self.conn, template_id=template_id)) == 0:
                raise Conflict(
                    f"version {version} is the only version of {listing.name}; unpublish the template instead"
                )

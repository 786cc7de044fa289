"""The templates domain's records: one per table, and a template as listings show it."""

from datetime import datetime
from typing import Any

import attrs

from ...core.convert import KEY, json_field, optional_float, stored_names, stored_time


@attrs.frozen
class Template:
    template_id: str
    name: str = attrs.field(metadata=KEY)
    description: str
    author: str = attrs.field(metadata=KEY)
    created_at: datetime = attrs.field(converter=stored_time)
    updated_at: datetime = attrs.field(converter=stored_time)
    metadata: Any = json_field(factory=dict)  # free-form (PygubuAI's meta_data)
    prior_downloads: int = 0  # counted by the tool it came from, before the move
    prior_rating: float | None = attrs.field(converter=optional_float, default=None)


@attrs.frozen
class TemplateVersion:
    template_id: str
    version: int
    content: str
    notes: str
    published_at: datetime = attrs.field(converter=stored_time)
    label: str | None = None  # the version as the tool it came from wrote it ('1.0.0')


@attrs.frozen
class TemplateTag:
    template_id: str
    tag: str = attrs.field(metadata=KEY)


@attrs.frozen
class TemplateRating:
    template_id: str
    user_id: str
    rating: int
    created_at: datetime = attrs.field(converter=stored_time)
    updated_at: datetime = attrs.field(converter=stored_time)


@attrs.frozen
class TemplateDownload:
    download_id: str
    template_id: str
    version: int
    user_id: str | None
    downloaded_at: datetime = attrs.field(converter=stored_time)


@attrs.frozen
class TemplateListing:
    """A template with its latest version, tags, average rating (None: not rated), number of
    ratings and downloads, all computed from their rows."""

    template_id: str
    name: str
    description: str
    author: str
    latest_version: int
    tags: tuple[str, ...] = attrs.field(converter=stored_names)
    rating: float | None = attrs.field(converter=optional_float)
    ratings: int = 0
    downloads: int = 0
    created_at: datetime = attrs.field(converter=stored_time, default=None)
    updated_at: datetime = attrs.field(converter=stored_time, default=None)


@attrs.frozen
class TemplateVector:
    """A template's vector of one model for semantic search (codedb.core.vectors): its
    dimensions, the SHA-256 of the text it was made from, the float32 values (base64) and when
    that text was read."""

    template_id: str
    model: str = attrs.field(metadata=KEY)
    dimensions: int
    text_hash: str
    vector: str
    embedded_at: datetime = attrs.field(converter=stored_time)

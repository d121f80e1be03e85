"""The story store: the only place that knows SQL. See ``store.sqlite`` for the schema and migrations."""

from crosswire.store.sqlite import Store, StoredDocument, StoryInfo, VersionInfo, open_store

__all__ = ["Store", "StoredDocument", "StoryInfo", "VersionInfo", "open_store"]

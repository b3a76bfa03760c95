"""Indexes for the candidate search of claim matching (annotations/matching/candidates.py).

PostgreSQL: a GIN index over the claims' English full-text vectors (of their first 2,000
characters), partial (WHERE kind = 'claim', the only sentences matched). It is an expression index, not a model index: the
expression (`to_tsvector`) and the partial GIN index exist only on PostgreSQL, so the model's
Meta cannot name it for both databases. Its statistics (pg_stats, filled by ANALYZE) tell the
search which words are rare.

SQLite: an FTS5 table over the claims' text (external content: the rows live in
annotations_sentence), kept in step by triggers, and its vocabulary (fts5vocab: how many claims
hold each term), when this SQLite has FTS5. Other databases: nothing (the search scans).
"""

from django.db import migrations

POSTGRESQL_INDEX = [
    # gin_pending_list_limit: rows inserted wait in the index's pending list until it is
    # merged, and every search reads the whole list; at the default 4 MB that made searches
    # two to four times slower after an import (docs/performance.md, "Claim matching").
    # 128 kB kept the import as fast, fastupdate = off slowed it by a quarter.
    # The first 2,000 characters: a tsvector holds at most 1 MB of lexemes, and a longer
    # sentence must still be stored (no real claim is that long).
    "CREATE INDEX IF NOT EXISTS sentence_claim_search_idx ON annotations_sentence "
    "USING gin (to_tsvector('english'::regconfig, \"left\"(text, 2000))) "
    "WITH (gin_pending_list_limit = 128) WHERE kind = 'claim'",
    # ANALYZE keeps the 10,000 most common lexemes instead of 1,000 (a sample of 300,000
    # rows): a word not listed is then known to be in fewer than about 1 claim in 10,000, which
    # the search relies on to use a rare word alone.
    "ALTER INDEX sentence_claim_search_idx ALTER COLUMN 1 SET STATISTICS 1000",
    # Now, not when autovacuum gets to it: without statistics every word counts as rare and
    # a search of a large table reads every posting list of its words (about 30 s at
    # 1,000,000 sentences, once).
    "ANALYZE annotations_sentence",
]

# The FTS5 table holds the claims only: a sentence that becomes a claim is added, one that
# stops being one (or changes its text, or is deleted) is taken out with its old values, as an
# external-content FTS5 table requires.
SQLITE_FTS = [
    "CREATE VIRTUAL TABLE annotations_sentence_fts USING fts5(text, content='annotations_sentence',"
    " content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER annotations_sentence_fts_insert AFTER INSERT ON annotations_sentence"
    " WHEN new.kind = 'claim' BEGIN"
    " INSERT INTO annotations_sentence_fts (rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER annotations_sentence_fts_delete AFTER DELETE ON annotations_sentence"
    " WHEN old.kind = 'claim' BEGIN"
    " INSERT INTO annotations_sentence_fts (annotations_sentence_fts, rowid, text)"
    " VALUES ('delete', old.id, old.text); END",
    # One trigger for updates, so that the old entry goes before the new one comes (SQLite
    # fires separate triggers newest first: an insert before the delete corrupts the index).
    "CREATE TRIGGER annotations_sentence_fts_update AFTER UPDATE OF text, kind"
    " ON annotations_sentence BEGIN"
    " INSERT INTO annotations_sentence_fts (annotations_sentence_fts, rowid, text)"
    " SELECT 'delete', old.id, old.text WHERE old.kind = 'claim';"
    " INSERT INTO annotations_sentence_fts (rowid, text)"
    " SELECT new.id, new.text WHERE new.kind = 'claim'; END",
    "INSERT INTO annotations_sentence_fts (rowid, text)"
    " SELECT id, text FROM annotations_sentence WHERE kind = 'claim'",
    # How many claims hold each term: the search's statistics (rare words select alone).
    "CREATE VIRTUAL TABLE annotations_sentence_fts_terms"
    " USING fts5vocab(annotations_sentence_fts, 'row')",
]
SQLITE_FTS_DROP = [
    "DROP TABLE IF EXISTS annotations_sentence_fts_terms",
    "DROP TRIGGER IF EXISTS annotations_sentence_fts_insert",
    "DROP TRIGGER IF EXISTS annotations_sentence_fts_delete",
    "DROP TRIGGER IF EXISTS annotations_sentence_fts_update",
    # (the two update triggers of this migration's first version)
    "DROP TRIGGER IF EXISTS annotations_sentence_fts_update_old",
    "DROP TRIGGER IF EXISTS annotations_sentence_fts_update_new",
    "DROP TABLE IF EXISTS annotations_sentence_fts",
]


def _sqlite_has_fts5(cursor) -> bool:
    cursor.execute("SELECT sqlite_compileoption_used('ENABLE_FTS5')")
    return bool(cursor.fetchone()[0])


def search_create(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for statement in POSTGRESQL_INDEX:
                cursor.execute(statement)
        elif connection.vendor == "sqlite" and _sqlite_has_fts5(cursor):
            for statement in SQLITE_FTS:
                cursor.execute(statement)


def search_drop(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS sentence_claim_search_idx")
        elif connection.vendor == "sqlite":
            for statement in SQLITE_FTS_DROP:
                cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0011_claim_matches"),
    ]

    operations = [
        migrations.RunPython(search_create, search_drop, elidable=False),
    ]

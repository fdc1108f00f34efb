"""PostgreSQL only: the trigram index behind the accent-insensitive search (ADR 0006)."""

import pytest
from django.db import connection

from motcua.catalog.api import procedure_search

pytestmark = pytest.mark.postgres


def test_trigram_index_exists_and_is_used(postgres_only, catalog):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'catalog_version_search_trgm'"
        )
        (indexdef,) = cursor.fetchone()
        assert "gin_trgm_ops" in indexdef
        cursor.execute("SET enable_seqscan = off")
        # On a table this small the planner prefers the partial index of current versions;
        # with seq scans off, the word filter alone must be answered by the trigram index.
        cursor.execute(
            "EXPLAIN SELECT id FROM catalog_procedureversion WHERE search_text LIKE %s",
            ["%khuyen%"],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "catalog_version_search_trgm" in plan
    assert [v.procedure.code for v in procedure_search(q="khuyen mai")] == ["2.000004"]

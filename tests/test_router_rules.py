"""The database router's rules (config/routers.py, docs/adr/0044): writes and migrations on
the primary, objects of the primary and the replica related freely."""

from __future__ import annotations

from types import SimpleNamespace

from config.routers import REPLICA, PrimaryReplicaRouter


def _obj(alias: str | None) -> SimpleNamespace:
    return SimpleNamespace(_state=SimpleNamespace(db=alias))


def test_the_router_writes_on_the_primary_and_migrates_only_there() -> None:
    router = PrimaryReplicaRouter()
    assert router.db_for_read(object) is None
    assert router.db_for_write(object, instance=_obj(REPLICA)) == "default"
    assert router.db_for_write(object, instance=_obj("default")) is None
    assert router.db_for_write(object) is None
    assert router.allow_relation(_obj(REPLICA), _obj("default")) is True
    assert router.allow_relation(_obj("other"), _obj("default")) is None
    assert router.allow_migrate(REPLICA, "dossiers") is False
    assert router.allow_migrate("default", "dossiers") is None

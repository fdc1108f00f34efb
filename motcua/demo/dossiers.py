"""Demo dossiers (being built)."""


def demo_dossiers_load() -> list[str]:
    return []

from pathlib import Path

from motcua.dossiers.diagram import mermaid


def test_readme_state_diagram_matches_the_transition_table():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert mermaid() in readme

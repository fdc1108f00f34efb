"""Desk views, one module per page group (worklist, search, intake, dossier, papers, monitor)."""

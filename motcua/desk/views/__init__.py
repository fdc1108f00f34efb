"""Desk views, one module per page group: worklist, search, intake, dossier, papers, monitor
(deadlines), overview, payments (reconciliation), satisfaction; `common` holds what they share."""

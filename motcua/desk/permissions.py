"""Who may see each desk page (conventions C8: role rules of the desk live here).

Object-level access is decided by the dossiers app (`access_dossier_for_officer`,
`available_actions`); these decorators only say which roles may open a page at all."""

from __future__ import annotations

from motcua.accounts.api import roles_required
from motcua.accounts.data import Role

#: People who work on dossiers: they have a worklist and take actions.
WORKER_ROLES = (Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER)
#: People who may look dossiers up (read only for admins and supervisors).
VIEWER_ROLES = (*WORKER_ROLES, Role.AGENCY_ADMIN, Role.PROVINCE_ADMIN, Role.SUPERVISOR)
#: People who watch the deadlines of their agencies.
MONITOR_ROLES = (Role.LEADER, Role.DESK_OFFICER)

workers = roles_required(*WORKER_ROLES)
viewers = roles_required(*VIEWER_ROLES)
desk_officers = roles_required(Role.DESK_OFFICER)
monitors = roles_required(*MONITOR_ROLES)

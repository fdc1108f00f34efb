"""The public summary of approved simplification plans (issue 15): each plan with its items,
the compliance cost before and after a year, the saving and the per cent. No personal data,
no draft or submitted plan."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from motcua.core.access import public
from motcua.simplification.api import percent_text, plan_figures, plans_public, totals_sentence

MAX_PLANS = 50


@public
def simplification(request: HttpRequest) -> HttpResponse:
    plans = []
    for plan in plans_public()[:MAX_PLANS]:
        rows, total = plan_figures(plan)
        plans.append(
            {
                "plan": plan,
                "rows": [{"item": i, "f": f, "percent": percent_text(f)} for i, f in rows],
                "total": total,
                "percent": percent_text(total),
                "sentence": totals_sentence(total),
            }
        )
    return render(request, "portal/simplification.html", {"plans": plans})

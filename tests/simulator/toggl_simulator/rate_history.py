"""Rate history: billable rates and labor costs per level, with start/end periods.

Every way of setting a rate (POST /workspaces/{id}/rates, a workspace's default_hourly_rate,
a workspace user's rate or labor_cost, an organization user's labour_cost) records a period
here, and every read of "the rate" (workspace user lists, workspace settings, GET rates)
asks which period is active now. So a rate written one way shows up through the others.

How a new rate closes the earlier ones follows the rate change modes:
- override-all: every earlier period is deleted; the new one starts where the first began.
- override-current: the period active now is deleted; the new one takes its start.
- start-today / an explicit start: the period active at that moment ends there, periods
  starting later are deleted, and the new one starts there.
"""

from datetime import datetime, time

from .state import Rate, State

BILLABLE = "billable_rates"
LABOR = "labor_costs"


def rates_for(state: State, workspace_id: int, level: str, level_id: int, rate_type: str) -> list[Rate]:
    """Every period of one rate, deleted ones included, in start order."""
    return sorted(
        (
            r
            for r in state.rates.values()
            if r.workspace_id == workspace_id and r.level == level and r.level_id == level_id and r.type == rate_type
        ),
        key=lambda r: (r.start, r.id),
    )


def active_rate(
    state: State, now: datetime, workspace_id: int, level: str, level_id: int, rate_type: str
) -> Rate | None:
    live = [r for r in rates_for(state, workspace_id, level, level_id, rate_type) if r.deleted_at is None]
    current = [r for r in live if r.start <= now and (r.end is None or r.end > now)]
    return current[-1] if current else None


def current_amount(
    state: State, now: datetime, workspace_id: int, level: str, level_id: int, rate_type: str
) -> float | None:
    rate = active_rate(state, now, workspace_id, level, level_id, rate_type)
    return rate.amount if rate else None


def last_updated(state: State, workspace_id: int, level: str, level_id: int, rate_type: str) -> datetime | None:
    periods = rates_for(state, workspace_id, level, level_id, rate_type)
    return max((r.updated_at for r in periods), default=None)


def record_workspace_user_rate(state: State, now: datetime, workspace, row, rate_type: str, amount, mode, creator_id):
    """A rate or labor cost set through a workspace user's own settings (a PUT of the workspace
    user, or of the organization user with its workspaces): a period starting now, by ``mode``."""
    return record_rate(
        state,
        now,
        workspace_id=workspace.id,
        level="workspace_user",
        level_id=row.id,
        rate_type=rate_type,
        amount=amount,
        mode=mode,
        start=None,
        creator_id=creator_id,
    )


def record_rate(
    state: State,
    now: datetime,
    *,
    workspace_id: int,
    level: str,
    level_id: int,
    rate_type: str,
    amount: float,
    mode: str | None,
    start: datetime | None,
    creator_id: int | None,
) -> Rate:
    """Adds a rate period and closes or deletes the earlier ones as its mode says."""
    live = [r for r in rates_for(state, workspace_id, level, level_id, rate_type) if r.deleted_at is None]

    if start is None and mode == "start-today":
        start = datetime.combine(now.date(), time.min, tzinfo=now.tzinfo)

    if start is not None:
        new_start = start
        for period in live:
            if period.start >= new_start:
                period.deleted_at = now
            elif period.end is None or period.end > new_start:
                period.end = new_start
                period.updated_at = now
    elif mode == "override-all":
        new_start = min((r.start for r in live), default=now)
        for period in live:
            period.deleted_at = now
    else:  # override-current, the API's default mode
        current = active_rate(state, now, workspace_id, level, level_id, rate_type)
        new_start = current.start if current else now
        if current:
            current.deleted_at = now

    later_starts = [r.start for r in live if r.deleted_at is None and r.start > new_start]
    rate = Rate(
        id=state.ids.next(),
        workspace_id=workspace_id,
        level=level,
        level_id=level_id,
        type=rate_type,
        amount=amount,
        start=new_start,
        end=min(later_starts, default=None),
        created_at=now,
        updated_at=now,
        creator_id=creator_id,
        rate_change_mode=mode or ("" if start is not None else "override-current"),
    )
    state.rates[rate.id] = rate
    return rate


def clear_rate(state: State, now: datetime, workspace_id: int, level: str, level_id: int, rate_type: str) -> None:
    """Explicit null for a rate: the period active now ends now."""
    current = active_rate(state, now, workspace_id, level, level_id, rate_type)
    if current:
        current.end = now
        current.updated_at = now

"""The audit log: who did what, when, with the state before and after. The one way entries are written."""

from images.models import AuditLogEntry, Namespace


def audit_record(
    *,
    actor,
    action: str,
    target_type: str,
    target: str,
    namespace: Namespace | None = None,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
) -> AuditLogEntry:
    """Record one action. `action` is `<target_type>.<verb>` (repository.delete, verification.approve ...).

    Call it inside the transaction that makes the change, so the entry exists if and only if the change does.
    Never pass secrets in `before`/`after`: entries are shown to namespace owners.
    """
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditLogEntry.objects.create(
        actor=actor if authenticated else None,
        actor_name=(getattr(actor, "username", "") or "") if authenticated else "",
        action=action,
        namespace=namespace,
        target_type=target_type,
        target=target[:512],
        before=before,
        after=after,
        note=note,
    )

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


def repository_audit(*, actor, action: str, repository, detail: str = "", before=None, after=None) -> AuditLogEntry:
    """audit_record for something of a repository: in its namespace's log, the target named after the
    repository (`ns/name`, and `detail` after it: `:tag`, ` webhook-name`), the type from `action`."""
    return audit_record(
        actor=actor,
        action=action,
        target_type=action.split(".", 1)[0],
        target=f"{repository.full_name}{detail}",
        namespace=repository.namespace,
        before=before,
        after=after,
    )

"""Who may do what to a repository or a namespace: the one module that decides, for every surface.

The registry's token service, the Hub API, the web pages, the publisher and curator consoles,
search, `/v2/_catalog`, the SBOM and vulnerability exports, webhooks, mirrors and organizations all
ask here: per object (`may`, `authorize`, `repository_actions`) or, for lists, as a filter on
Repository (`readable_filter`); the two always agree, and tests/test_permission_matrix.py checks
every surface against one table of agents and actions.

Agents: None or an anonymous user (nobody), a User, an OrganizationAgent (an organization access
token), or SYSTEM (Hub's own work: the demo seeding, mirror syncs in the worker).

The rules:
- A superuser (admin) may do everything; so may SYSTEM.
- A user namespace belongs to its user, who may do everything in it.
- In an organization (Namespace of kind `org`), a member's role applies to every repository:
  member -> pull (private ones too), editor -> pull and push (and create repositories, edit
  listings), owner -> everything. A team permission on one repository adds to that:
  read -> pull, write -> pull and push, admin -> pull, push and delete (and repository settings).
- Anyone, signed in or not, may pull a public repository.
- An organization access token acts for its organization: everything within it (its scope then
  narrows that), and outside it no more than anonymous. It is no person: it edits no listing,
  administers no repository and manages no organization.
- Curators (the `curators` group, or images.curate_trusted_content) may curate trusted content and
  get no repository rights from it.
- A credential's scope (a personal access token's, "read" = pull ...) narrows what its agent may
  do: each action needs the registry action of SCOPE_NEEDS in the scope.
Nothing else grants anything: no private repository is visible to anyone these rules leave out.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from images.models import Membership, Namespace, Repository, TeamRepositoryPermission

# Registry actions (the words of Docker's token scopes), and the rights built on them.
PULL = "pull"  # see the repository and read its content, on every surface
PUSH = "push"  # push content; create repositories in the namespace
DELETE = "delete"  # delete manifests, tags and the repository
REGISTRY_ACTIONS = frozenset({PULL, PUSH, DELETE})
EDIT_LISTING = "listing.edit"  # descriptions, categories, links, logo (people only)
ADMINISTER = "repository.admin"  # visibility, archive, delete, webhooks, mirrors, settings (people only)
ORGANIZATION_VIEW = "organization.view"  # an organization's member and team lists
ORGANIZATION_MANAGE = "organization.manage"  # members, teams, tokens, settings, verification
AUDIT_VIEW = "audit.view"  # a namespace's audit log (the whole log: namespace None)
STORAGE_VIEW = "storage.view"  # a namespace's storage use, private repositories included
CURATE = "trusted_content.curate"  # Verified Publisher, Sponsored OSS and Official Image grants

# The registry action a credential's scope must allow for each action.
SCOPE_NEEDS = {
    PULL: PULL,
    PUSH: PUSH,
    DELETE: DELETE,
    EDIT_LISTING: PUSH,
    ADMINISTER: DELETE,
    ORGANIZATION_VIEW: PULL,
    ORGANIZATION_MANAGE: DELETE,
    AUDIT_VIEW: PULL,
    STORAGE_VIEW: PULL,
    CURATE: DELETE,
}

# Roles and team permissions by name (images.models.Role and TeamPermission hold the same values).
OWNER, EDITOR, MEMBER = "owner", "editor", "member"
ROLE_ACTIONS = {MEMBER: frozenset({PULL}), EDITOR: frozenset({PULL, PUSH}), OWNER: REGISTRY_ACTIONS}
TEAM_ACTIONS = {"read": frozenset({PULL}), "write": frozenset({PULL, PUSH}), "admin": REGISTRY_ACTIONS}
CURATORS_GROUP = "curators"
CURATE_PERMISSION = "images.curate_trusted_content"


@dataclass(frozen=True)
class OrganizationAgent:
    """Who is acting when an organization access token is used (`docker login -u ORG`).

    Not a user: it has no row in the users table, so it owns nothing, stars nothing, and is never
    a member of anything. It quacks like a user just enough for these rules and for tokens.
    """

    namespace_id: int
    username: str  # the organization's name, the `sub` of its registry tokens
    token_id: int

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_superuser = False
    is_staff = False
    pk = None
    id = None


@dataclass(frozen=True)
class SystemAgent:
    """Hub itself, for work no person asked for at that moment (demo seeding, a mirror sync in the worker)."""

    username: str = "hub"

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_superuser = True
    is_staff = False
    pk = None
    id = None


SYSTEM = SystemAgent()


def _signed_in(agent) -> bool:
    return agent is not None and agent.is_authenticated and agent.is_active


def _person(agent) -> bool:
    return _signed_in(agent) and not isinstance(agent, OrganizationAgent | SystemAgent)


def namespace_role(agent, namespace: Namespace | None) -> str | None:
    """The agent's role in a namespace: "owner", "editor", "member" or None (shown on organization pages).

    A user is the owner of their own namespace; a superuser is an owner everywhere.
    """
    if namespace is None or not _person(agent):
        return None
    if agent.is_superuser:
        return OWNER
    if namespace.kind == Namespace.Kind.USER:
        return OWNER if namespace.user_id == agent.pk else None
    return (
        Membership.objects.filter(organization_id=namespace.pk, user_id=agent.pk).values_list("role", flat=True).first()
    )


def _team_actions(agent, repository: Repository) -> set[str]:
    granted: set[str] = set()
    for permission in TeamRepositoryPermission.objects.filter(
        repository_id=repository.pk, team__members__user_id=agent.pk
    ).values_list("permission", flat=True):
        granted |= TEAM_ACTIONS.get(permission, frozenset())
    return granted


def _registry_actions(agent, namespace: Namespace | None, repository: Repository | None) -> set[str]:
    public = {PULL} if repository is not None and not repository.is_private else set()
    if not _signed_in(agent):
        return public
    if agent.is_superuser:
        return set(REGISTRY_ACTIONS)
    if namespace is None:
        return public
    if isinstance(agent, OrganizationAgent):
        return set(REGISTRY_ACTIONS) if namespace.pk == agent.namespace_id else public
    granted = set(public)
    role = namespace_role(agent, namespace)
    if role is not None:
        granted |= ROLE_ACTIONS[role]
    if repository is not None and namespace.kind == Namespace.Kind.ORGANIZATION and granted != REGISTRY_ACTIONS:
        granted |= _team_actions(agent, repository)
    return granted


def repository_actions(
    agent, repository: Repository | None, *, namespace_name: str = "", scope: frozenset[str] | None = None
) -> frozenset[str]:
    """Every action the agent may take on a repository, narrowed by a credential's `scope` if given.

    `repository` None is a name not pushed yet in `namespace_name`: only those who may push into
    the namespace get anything, so a missing name and a private one look the same to everyone else.
    """
    if repository is not None:
        namespace = repository.namespace
    else:
        namespace = Namespace.objects.filter(name=namespace_name).first()
    actions = _registry_actions(agent, namespace, repository)
    if _person(agent) or isinstance(agent, SystemAgent):
        if PUSH in actions:
            actions.add(EDIT_LISTING)
        if DELETE in actions:
            actions.add(ADMINISTER)
    return _scoped(actions, scope)


def registry_actions(agent, repository: Repository | None, *, namespace_name: str = "") -> frozenset[str]:
    """Only the registry actions (pull, push, delete) of repository_actions: what a registry token may grant."""
    return repository_actions(agent, repository, namespace_name=namespace_name) & REGISTRY_ACTIONS


def namespace_actions(agent, namespace: Namespace, *, scope: frozenset[str] | None = None) -> frozenset[str]:
    """What the agent may do to a namespace itself: create repositories in it (PUSH), see and manage
    an organization, read the namespace's audit log and storage use."""
    actions = {PUSH} & _registry_actions(agent, namespace, None)
    role = namespace_role(agent, namespace) if not isinstance(agent, SystemAgent) else OWNER
    if role == OWNER or (isinstance(agent, SystemAgent)):
        actions.add(AUDIT_VIEW)
        actions.add(STORAGE_VIEW)  # what the namespace stores is its owners' to see (quotas will bill them)
    if namespace.kind == Namespace.Kind.ORGANIZATION and role is not None:
        actions.add(ORGANIZATION_VIEW)
        if role == OWNER:
            actions.add(ORGANIZATION_MANAGE)
    return _scoped(actions, scope)


def global_actions(agent, *, scope: frozenset[str] | None = None) -> frozenset[str]:
    """What the agent may do beyond any one namespace: curate trusted content, read the whole audit log."""
    actions = set()
    if isinstance(agent, SystemAgent) or (_person(agent) and agent.has_perm(CURATE_PERMISSION)):
        actions.add(CURATE)
    if _signed_in(agent) and agent.is_superuser:
        actions.add(AUDIT_VIEW)
    return _scoped(actions, scope)


def _scoped(actions: set[str], scope: frozenset[str] | None) -> frozenset[str]:
    if scope is None:
        return frozenset(actions)
    return frozenset(action for action in actions if SCOPE_NEEDS[action] in scope)


def may(
    agent,
    action: str,
    *,
    repository: Repository | None = None,
    namespace: Namespace | None = None,
    namespace_name: str = "",
    scope: frozenset[str] | None = None,
) -> bool:
    """Whether the agent may take `action` on the repository (or the not yet pushed name in
    `namespace_name`), on the namespace, or (neither given) beyond any one namespace."""
    if repository is not None or namespace_name:
        return action in repository_actions(agent, repository, namespace_name=namespace_name, scope=scope)
    if namespace is not None:
        return action in namespace_actions(agent, namespace, scope=scope)
    return action in global_actions(agent, scope=scope)


def authorize(agent, action: str, *, message: str = "", **target) -> None:
    """Raise PermissionDenied (with `message`, or one naming the action) unless the agent may take `action`."""
    if not may(agent, action, **target):
        raise PermissionDenied(message or f"you may not do this ({action})")


def may_see_base_upkeep(agent, repository: Repository) -> bool:
    """Which of a repository's images are on an outdated base is shown to its publishers: those who may push."""
    return may(agent, PUSH, repository=repository)


def may_manage_saved_search(agent, saved_search) -> bool:
    """A saved search (and its alerts) is its owner's alone: nobody else sees, changes or deletes it, an
    admin and an organization token included. Its results are searched as the owner, so it shows
    nothing the owner may not read."""
    return _person(agent) and saved_search.user_id == agent.pk


def may_save_searches(agent) -> bool:
    """Saved searches and CVE alerts are for signed-in people (no organization token, no anonymous)."""
    return _person(agent)


def readable_filter(agent) -> Q:
    """A filter on Repository for the ones `agent` may pull (the same rules as above, as a query).

    Subqueries, not joins: search walks an index of images_repository and tests this per row.
    """
    public = Q(is_private=False)
    if not _signed_in(agent):
        return public
    if agent.is_superuser:
        return Q()
    if isinstance(agent, OrganizationAgent):
        return public | Q(namespace_id=agent.namespace_id)
    return (
        public
        | Q(namespace_id__in=Namespace.objects.filter(user_id=agent.pk).values("id"))
        | Q(namespace_id__in=Membership.objects.filter(user_id=agent.pk).values("organization_id"))
        | Q(id__in=TeamRepositoryPermission.objects.filter(team__members__user_id=agent.pk).values("repository_id"))
    )

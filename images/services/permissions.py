"""Who may do what to a repository or a namespace: the one place that decides.

The registry's token service, the Hub API, the web pages, search and `/v2/_catalog` all ask here,
either per repository (repository_permissions) or as a filter on Repository
(repository_readable_filter); the two must always agree, and tests/test_permission_matrix.py
checks that they do, surface by surface.

The rules:
- A superuser (admin) may do everything.
- A user namespace belongs to its user, who may do everything in it.
- In an organization (Namespace of kind `org`), a member's role applies to every repository:
  member → pull (private ones too), editor → pull and push (and create repositories, edit
  listings), owner → everything. A team permission on one repository adds to that:
  read → pull, write → pull and push, admin → pull, push and delete (and repository settings).
- Anyone, signed in or not, may pull a public repository.
- An organization access token acts for its organization: everything within it (its scope then
  narrows that), and outside it no more than anonymous.
- Curators (the `curators` group) get no repository rights from being curators.
Nothing else grants anything: no private repository is visible to anyone these rules leave out.
"""

from dataclasses import dataclass

from django.db.models import Q

from images.models import Membership, Namespace, Repository, TeamRepositoryPermission

PULL = "pull"
PUSH = "push"
DELETE = "delete"
ALL_ACTIONS = frozenset({PULL, PUSH, DELETE})

# Roles and team permissions by name (images.models.organizations' Role and TeamPermission hold the same values).
OWNER = "owner"
EDITOR = "editor"
MEMBER = "member"
ROLE_ACTIONS = {MEMBER: frozenset({PULL}), EDITOR: frozenset({PULL, PUSH}), OWNER: ALL_ACTIONS}
TEAM_ACTIONS = {"read": frozenset({PULL}), "write": frozenset({PULL, PUSH}), "admin": ALL_ACTIONS}
CURATORS_GROUP = "curators"


@dataclass(frozen=True)
class OrganizationAgent:
    """Who is acting when an organization access token is used (`docker login -u ORG`).

    Not a user: it has no row in the users table, so it owns nothing, stars nothing, and is never
    a member of anything. It quacks like a user just enough for the permission checks and tokens.
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


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def _is_person(user) -> bool:
    return _signed_in(user) and not isinstance(user, OrganizationAgent)


CURATE_PERMISSION = "images.curate_trusted_content"


def user_is_curator(user) -> bool:
    """Curators hold images.curate_trusted_content (the `curators` group has exactly that; admins have all)."""
    return _is_person(user) and user.is_active and user.has_perm(CURATE_PERMISSION)


def namespace_role(user, namespace: Namespace | None) -> str | None:
    """The user's role in a namespace: "owner", "editor", "member" or None.

    A user is the owner of their own namespace; a superuser is an owner everywhere.
    """
    if namespace is None or not _is_person(user):
        return None
    if user.is_superuser:
        return OWNER
    if namespace.kind == Namespace.Kind.USER:
        return OWNER if namespace.user_id == user.pk else None
    return (
        Membership.objects.filter(organization_id=namespace.pk, user_id=user.pk).values_list("role", flat=True).first()
    )


def _team_permissions(user, repository: Repository) -> set[str]:
    granted: set[str] = set()
    for permission in TeamRepositoryPermission.objects.filter(
        repository_id=repository.pk, team__members__user_id=user.pk
    ).values_list("permission", flat=True):
        granted |= TEAM_ACTIONS.get(permission, frozenset())
    return granted


def repository_permissions(user, namespace_name: str, repository: Repository | None) -> set[str]:
    """The actions `user` (None or anonymous for nobody) may take on a repository of a namespace.

    `repository` is None when it does not exist yet: only those who may push into the namespace
    get anything, so a missing name and a private one look the same to everyone else.
    """
    public = {PULL} if repository is not None and not repository.is_private else set()
    if not _signed_in(user):
        return public
    if user.is_superuser:
        return set(ALL_ACTIONS)
    namespace = (
        repository.namespace if repository is not None else Namespace.objects.filter(name=namespace_name).first()
    )
    if namespace is None:
        return public
    if isinstance(user, OrganizationAgent):
        return set(ALL_ACTIONS) if namespace.pk == user.namespace_id else public
    granted = set(public)
    role = namespace_role(user, namespace)
    if role is not None:
        granted |= ROLE_ACTIONS[role]
    if repository is not None and namespace.kind == Namespace.Kind.ORGANIZATION and granted != ALL_ACTIONS:
        granted |= _team_permissions(user, repository)
    return granted


def repository_readable_filter(user) -> Q:
    """A filter on Repository for the ones `user` may pull (the same rules as above, as a query).

    Subqueries, not joins: search walks an index of images_repository and tests this per row.
    """
    public = Q(is_private=False)
    if not _signed_in(user):
        return public
    if user.is_superuser:
        return Q()
    if isinstance(user, OrganizationAgent):
        return public | Q(namespace_id=user.namespace_id)
    return (
        public
        | Q(namespace_id__in=Namespace.objects.filter(user_id=user.pk).values("id"))
        | Q(namespace_id__in=Membership.objects.filter(user_id=user.pk).values("organization_id"))
        | Q(id__in=TeamRepositoryPermission.objects.filter(team__members__user_id=user.pk).values("repository_id"))
    )


# --- what the web console asks ---------------------------------------------------------------------


def can_push_namespace(user, namespace: Namespace) -> bool:
    """May create repositories in (and push new names into) the namespace."""
    return PUSH in repository_permissions(user, namespace.name, None)


def can_edit_listing(user, repository: Repository) -> bool:
    """Short and full description, categories: whoever may push (editors, owners, write and admin teams).

    The same rule the Hub API's PATCH applies, so the console and the API never disagree.
    """
    return _is_person(user) and PUSH in repository_permissions(user, repository.namespace.name, repository)


def can_admin_repository(user, repository: Repository) -> bool:
    """Visibility, deletion, webhooks and other repository settings: whoever may delete (owners, admin teams)."""
    return _is_person(user) and DELETE in repository_permissions(user, repository.namespace.name, repository)


def can_manage_organization(user, namespace: Namespace) -> bool:
    """Members, teams, tokens and settings of an organization: its owners (and superusers)."""
    return namespace.kind == Namespace.Kind.ORGANIZATION and namespace_role(user, namespace) == OWNER


def can_view_organization_members(user, namespace: Namespace) -> bool:
    """The member and team lists are for the organization's own people."""
    return namespace.kind == Namespace.Kind.ORGANIZATION and namespace_role(user, namespace) is not None

# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Toggl organization group: found by name or ``group_id`` in the organization's group list.

The API has no read of one group, so both identities cost the same one read
(``GET /organizations/{id}/groups``, memoised by the Resolver). Members are user ids in the
API; the description compares and shows them as the organization users' emails, which needs
the organization's user list (paginated, 200 per page): it is read whenever ``users`` is set,
ids included, so the diff and the result can name every member.

Writes, fewest first: membership alone changes through one ``PATCH`` carrying only the
additions and removals (Swagger: a top-level array of ``{op, path, value}``, ``add``/``remove`` on
``/users`` and ``/workspaces``). The Swagger says scalar fields cannot be patched, so a rename is
the whole-group ``PUT`` (``group.Payload``: name, users, workspaces). Other administrators may
change the members between this task's read and that write, so a rename reads the group again
right before its ``PUT``, sends the lists as they are then with only this task's additions and
removals applied, and after the write reads until the new name shows (``engine.settle``): a
member or workspace the latest read before the write had, which this task did not remove and
which the group no longer has, is added back with one ``PATCH``. Members another admin added
meanwhile are kept (the task warns), also with exact lists; the next run decides on them.

The group's own ``name`` is always a name, also when it is all digits ("2026"); only ``id`` is
an id. Toggl refuses a second group of a name, so a name is the group's identity: when a race of
creates left two groups of the name anyway, the one with the lowest id is kept and the others
are deleted (``removed_duplicates`` in the result), provided their members and workspaces are
all in the kept group's target; otherwise the task fails naming them.

``emoji`` exists only in the Toggl Focus API, which edits the same groups with its own key.
Focus requests are spent only when ``emoji`` is set: the current emoji is one read of the
Focus teams list filtered to the group (it needs a ``workspace_id``: one of the group's
workspaces, else one of the wanted ones, else the organization's first from
``/me/workspaces``). A group created with an emoji is one Focus ``POST`` carrying everything;
an emoji change is one Focus ``PUT`` carrying only the emoji (and a rename's name): the Focus
pages mark no field of it required and it leaves a list it is not given as it is, so no list
read earlier is sent; membership changes of the same task then go through Track's ``PATCH``.
With a Focus key, deletion goes through Focus too (its ``DELETE`` takes a ``workspace_id``: one
of the group's); without one, through Track.
"""

from ansible_collections.trackops.toggl.plugins.module_utils.client import has_focus_key, require_focus_key
from ansible_collections.trackops.toggl.plugins.module_utils.engine import ObjectExists, settle
from ansible_collections.trackops.toggl.plugins.module_utils.errors import (
    TogglAnswerLostError,
    TogglApiError,
    TogglReferenceError,
    TogglStateError,
    TogglValidationError,
)
from ansible_collections.trackops.toggl.plugins.module_utils.resource import Field, Resource, same_set
from ansible_collections.trackops.toggl.plugins.module_utils.resources.organization_user import protected_as

NAME_MAX_LENGTH = 200  # "Group name too long, maximum length is 200"
NAME_TAKEN = "Name has already been taken"
# Swagger limits of PATCH: at most 100 operations per request, 100 values per operation.
PATCH_MAX_OPERATIONS = 100
PATCH_MAX_VALUES = 100
MEMBERSHIP_LISTS = (("users", "/users"), ("workspaces", "/workspaces"))
PROTECTED_MEMBERS_RULE = "an exact users list never removes the organization owner or the token's own user"


def own_or_adopted(resource, found, desired, why):
    """After a create whose answer was lost: the object found is this task's creation when it
    shows what was asked (the engine reports it created); otherwise it is adopted and updated."""
    if not resource.changes(resource.state_of(found), desired):
        return found
    raise ObjectExists(found, why)


def chunks(values, size):
    return [values[start : start + size] for start in range(0, len(values), size)]


def sorted_members(labels):
    """Emails alphabetically (case-insensitive), then ids of users without a known email."""
    return sorted(labels, key=lambda label: (not isinstance(label, str), str(label).lower()))


class Group(Resource):
    kind = "group"
    # Swagger: POST/PUT/PATCH/DELETE of groups answer 403 to non-admins of the organization.
    admin_needed_for = "create, change or delete groups"
    references = {"organization_id": ("organization", "organization")}
    # Declared once: the module's options (argument_spec), the comparison and the local checks.
    fields = {
        "name": Field(max_length=NAME_MAX_LENGTH, not_blank=True, kind="str"),
        "users": Field(compare=same_set, kind="list", elements="str"),
        # raw: a registered result of the task that manages a workspace is one too (references).
        "workspaces": Field(compare=same_set, kind="list", elements="raw"),
        "emoji": Field(kind="str"),
    }

    def __init__(self, params, client, resolver):
        super().__init__(params, client, resolver)
        self._wanted = None  # the resolved `users` (emails) and `workspaces` (ids)
        self._user_id_of = {}  # member label (email, or id when unknown) -> user id
        self._member_of = {}  # user id -> the organization user
        self._focus_member_of = {}  # user id -> organization user id, from the Focus answers
        self._kept_meanwhile = {}  # option -> labels another admin added since the first read

    @property
    def manages_users(self):
        return self.params.get("users") is not None

    @property
    def manages_emoji(self):
        return self.params.get("emoji") is not None

    # -- local checks -----------------------------------------------------------------

    def validate(self):
        super().validate()
        if not self.params.get("organization"):
            raise TogglValidationError("organization", "is required: Toggl groups live in an organization")
        if not self.params.get("id") and not self.params.get("name"):
            raise TogglValidationError("name", "is required unless id is given")
        for option, _path in MEMBERSHIP_LISTS:
            values = self.params.get(option)
            if values is None:
                continue
            if self.state == "absent":
                raise TogglValidationError(
                    option,
                    "is not used with state=absent, which deletes the group; to take members out, "
                    "list the ones to keep with state=present",
                )
            for position, value in enumerate(values, 1):
                if value is None or not str(value).strip():
                    raise TogglValidationError(option, "entry %d is blank" % position)
        if self.manages_emoji:
            if self.state == "absent":
                raise TogglValidationError("emoji", "is not used with state=absent, which deletes the group")
            require_focus_key(self.client, "emoji: is read and written through the Toggl Focus API")

    # -- current state ---------------------------------------------------------------------

    def find(self):
        org_id = self.organization_id
        if self.params.get("id"):
            group = self._by_id(self.resolver.groups(org_id), self.params["id"])
            if group is None and self.state == "present":
                # An id names an existing group; it is never created from one.
                raise TogglReferenceError("group %s not found in organization %s" % (self.params["id"], org_id))
        else:
            group = self._keep_lowest(self._named(self.resolver.groups(org_id)))
        if self.state == "present":
            self._check_rename(group)
            self.resolve_references()  # a no-op after the engine's step; find may run on its own
        shown = self._shown(group)
        others = self._other_groups_of_the_name(group)
        if shown is not None and others:
            # What vet, update and delete know the duplicates by (``_duplicates_of``).
            shown["duplicates"] = [g["group_id"] for g in others]
        if shown is not None and self.manages_emoji and self.state == "present":
            shown["emoji"] = self._focus_team(shown).get("emoji")
        return shown

    @staticmethod
    def _by_id(groups, group_id):
        return next((g for g in groups if g.get("group_id") == int(group_id)), None)

    def _named(self, groups):
        """The groups of exactly this task's name: a name, also when it is all digits."""
        return [g for g in groups if g.get("name") == self.params["name"]]

    @staticmethod
    def _keep_lowest(matches):
        """Of several groups of the name (a race of creates), the lowest id is the group; the
        others are duplicates, deleted by the write (see ``vet``)."""
        return min(matches, key=lambda g: g.get("group_id") or 0) if matches else None

    def _other_groups_of_the_name(self, group):
        """The duplicates of a group found by name: the other groups of the name."""
        if group is None or self.params.get("id"):
            return []
        named = self._named(self.resolver.groups(self.organization_id))
        return sorted((g for g in named if g is not group), key=lambda g: g.get("group_id") or 0)

    def _duplicates_of(self, current):
        """The duplicates ``current`` lists (by id, as ``find`` noted them), as shown, from the
        groups the task read."""
        ids = set((current or {}).get("duplicates") or [])
        groups = self.resolver.groups(self.organization_id)
        return [
            self._shown(g) for g in sorted(groups, key=lambda g: g.get("group_id") or 0) if g.get("group_id") in ids
        ]

    # -- Focus --------------------------------------------------------------------------------

    def _focus_path(self, group_id=None):
        path = "/organizations/%s/groups" % self.organization_id
        return path if group_id is None else "%s/%s" % (path, group_id)

    def _focus_workspace_id(self, group):
        """The workspace_id Focus needs for its permission check (teams list, DELETE)."""
        candidates = list(group.get("workspaces") or []) or list((self._wanted or {}).get("workspaces") or [])
        if candidates:
            return sorted(candidates)[0]
        own = sorted(
            ws.get("id") for ws in self.resolver.my_workspaces() if ws.get("organization_id") == self.organization_id
        )
        if not own:
            raise TogglReferenceError(
                "%s: reading its emoji through Focus needs a workspace of organization %s, and the token's user "
                "sees none" % (self.label(group), self.organization_id)
            )
        return own[0]

    def _focus_team(self, group):
        """The group as the Focus teams list shows it (one request, filtered to this group)."""
        answer = self.client.get(
            "/organizations/%s/teams" % self.organization_id,
            params={"workspace_id": self._focus_workspace_id(group), "group_ids": group["group_id"]},
            what="Focus teams of organization %s" % self.organization_id,
            service="focus",
        )
        teams = answer.get("data") if isinstance(answer, dict) else answer
        team = next((t for t in teams or [] if t.get("id") == group["group_id"]), None)
        if team is None:
            raise TogglStateError(
                "%s: the Focus teams list of organization %s does not show it"
                % (self.label(group), self.organization_id)
            )
        self._note_focus_members(team)
        return team

    def _note_focus_members(self, focus_group):
        for user in focus_group.get("users") or []:
            if user.get("user_account_id") is not None and user.get("organization_user_id") is not None:
                self._focus_member_of[user["user_account_id"]] = user["organization_user_id"]

    def _organization_user_ids(self, user_ids):
        """Focus names members by organization user id; Track by user id."""
        found = []
        for user_id in user_ids:
            member_id = self._focus_member_of.get(user_id) or (self._member_of.get(user_id) or {}).get("id")
            if member_id is None:
                raise TogglReferenceError(
                    "%s: user %s has no known organization user id for the Focus API" % (self.label(None), user_id)
                )
            found.append(member_id)
        return sorted(found)

    def _from_focus(self, answer, base):
        """The group in this module's (Track) shape, from a Focus answer over ``base``."""
        if not isinstance(answer, dict):
            return base
        self._note_focus_members(answer)
        result = dict(base)
        if answer.get("id") is not None:
            result["group_id"] = answer["id"]
        if answer.get("name") is not None:
            result["name"] = answer["name"]
        result["emoji"] = answer.get("emoji")
        if isinstance(answer.get("workspaces"), list):
            result["workspaces"] = sorted(ws.get("workspace_id") for ws in answer["workspaces"])
        if isinstance(answer.get("users"), list):
            known = {user.get("user_id"): user for user in base.get("users") or []}
            result["users"] = [
                known.get(user.get("user_account_id"))
                or self._user_entry(user.get("user_account_id"), {"name": user.get("display_name")})
                for user in sorted(answer["users"], key=lambda user: user.get("user_account_id") or 0)
            ]
        return result

    def _check_rename(self, group):
        """A rename onto another group's name fails here, from the list already read."""
        name = self.params.get("name")
        if group is None or not name or group.get("name") == name:
            return
        taken = [g for g in self.resolver.groups(self.organization_id) if g.get("name") == name]
        if taken:
            raise TogglValidationError(
                "name", "group %r (id %s) already has that name" % (name, taken[0].get("group_id"))
            )

    def resolve_references(self):
        """The organization, then for a group that stays the members' emails and the workspaces'
        names (ids for both), before the engine decides; unknown ones fail naming them."""
        super().resolve_references()
        if self.state == "present" and self._wanted is None:
            self._resolve_wanted()

    def _resolve_wanted(self):
        wanted = {}
        if self.manages_users:
            for member in self.resolver.organization_users(self.organization_id):
                self._member_of[member.get("user_id")] = member
            labels = []
            for ref in self.params["users"]:
                user = self.resolver.organization_user(self.organization_id, ref)
                labels.append(self._label_of(user["user_id"]))
            wanted["users"] = sorted_members(set(labels))
        if self.params.get("workspaces") is not None:
            ids = {self.resolver.workspace_id(ref, self.organization_id) for ref in self.params["workspaces"]}
            wanted["workspaces"] = sorted(ids)
        self._wanted = wanted

    def _label_of(self, user_id):
        """How a member is compared and shown: the email, or the id when no email is known."""
        member = self._member_of.get(user_id) or {}
        label = member.get("email") or user_id
        self._user_id_of[label] = user_id
        return label

    def _shown(self, group):
        """The API's group; each member carries its email when ``users`` is managed."""
        if group is None:
            return None
        shown = dict(group)
        shown["users"] = [self._user_entry(user.get("user_id"), user) for user in group.get("users") or []]
        return shown

    def _user_entry(self, user_id, entry=None):
        shown = dict(entry or {})
        shown["user_id"] = user_id
        if self.manages_users:
            member = self._member_of.get(user_id) or {}
            shown["email"] = member.get("email")
            if entry is None:  # predicted: the fields the API shows, from the organization user
                shown.update(name=member.get("name"), inactive=bool(member.get("inactive")))
                shown["joined"] = bool(member.get("joined", True))
        return shown

    # -- desired state and comparison ---------------------------------------------------------

    def desired(self):
        desired = {}
        if self.params.get("name"):
            desired["name"] = self.params["name"]
        desired.update(self._wanted or {})
        if self.manages_emoji:
            desired["emoji"] = self.params["emoji"] or None  # "" is no emoji
        return desired

    def state_of(self, obj):
        if obj is None:
            return None
        state = {"name": obj.get("name"), "workspaces": sorted(obj.get("workspaces") or [])}
        if self.manages_users:
            state["users"] = sorted_members(self._label_of(user.get("user_id")) for user in obj.get("users") or [])
        if self.manages_emoji:
            state["emoji"] = obj.get("emoji") or None
        if obj.get("duplicates") or "removed_duplicates" in obj:
            # The diff shows the duplicates before and none after.
            state["duplicates"] = sorted(obj.get("duplicates") or [])
        return state

    def changes(self, current_state, desired):
        """With ``append``, a list's target is the current members plus the wanted ones; members
        another admin added while this task wrote (see ``_rename``) are kept in the target."""
        desired = self._keep_protected_members(current_state, desired)
        desired = dict(desired)
        for option, _path in MEMBERSHIP_LISTS:
            if option not in desired:
                continue
            merged = set(desired[option]) | set(self._kept_meanwhile.get(option) or [])
            if self.params.get("append"):
                merged |= set(current_state.get(option) or [])
            desired[option] = sorted_members(merged) if option == "users" else sorted(merged)
        found = super().changes(current_state, desired)
        if current_state.get("duplicates"):
            found["duplicates"] = []
        return found

    def vet(self, decision):
        """Duplicates are deleted only when the kept group's target holds all they hold, so no
        member or workspace is lost with them; otherwise the task fails, naming them."""
        super().vet(decision)
        duplicates = self._duplicates_of(decision.current)
        if not duplicates or decision.action != "update":
            return
        target = self.predict_update(decision.current, decision.changes)
        kept = self._lists_of(target)
        for duplicate in duplicates:
            extra = {option: sorted(values - kept[option]) for option, values in self._lists_of(duplicate).items()}
            extra = {option: values for option, values in extra.items() if values}
            if extra:
                raise TogglStateError(
                    "found %d groups named %r in organization %s (ids %s); the lowest id is kept and the others "
                    "would be deleted, but group %s has %s that the kept one would not: give id, or list them"
                    % (
                        len(duplicates) + 1,
                        self.params.get("name"),
                        self.organization_id,
                        ", ".join(str(g) for g in [decision.current["group_id"]] + decision.current["duplicates"]),
                        duplicate["group_id"],
                        " and ".join("%s %s" % (option, values) for option, values in sorted(extra.items())),
                    )
                )

    @staticmethod
    def _lists_of(group):
        """A group's members (user ids) and workspaces (ids), as sets."""
        return {
            "users": {user.get("user_id") for user in group.get("users") or []},
            "workspaces": set(group.get("workspaces") or []),
        }

    def _keep_protected_members(self, current_state, desired):
        """An exact ``users`` list never drops the organization owner or the token's own user.

        They stay in the group and the task warns instead. The token's user costs one
        ``GET /me``, spent only when the list would drop somebody.
        """
        if self.params.get("append") or "users" not in desired:
            return desired
        dropped = set(current_state.get("users") or []) - set(desired["users"])
        if not dropped:
            return desired
        protected = set()
        for label in dropped:
            user_id = self._user_id_of.get(label, label)
            # The owner is known from the user list already read; only others need GET /me.
            member = self._member_of.get(user_id) or {"user_id": user_id, "owner": False}
            if protected_as(self.resolver, self.organization_id, member):
                protected.add(label)
        if not protected:
            return desired
        kept = ", ".join(sorted(str(label) for label in protected))
        warning = "%s: kept %s in the group: %s" % (self.label(None), kept, PROTECTED_MEMBERS_RULE)
        if warning not in self.warnings:
            self.warnings.append(warning)
        return dict(desired, users=sorted_members(set(desired["users"]) | protected))

    def label(self, obj):
        obj = obj or {}
        name = obj.get("name") or self.params.get("name")
        ident = obj.get("group_id") or self.params.get("id")
        if ident:
            return "group %r (id %s)" % (name, ident) if name else "group %s" % ident
        return "group %r" % name

    # -- predictions --------------------------------------------------------------------------

    def _user_ids(self, labels):
        return sorted(self._user_id_of[label] for label in labels)

    def predict_create(self, desired):
        predicted = {
            "group_id": None,
            "name": desired.get("name"),
            "permissions": [],
            "users": [self._user_entry(user_id) for user_id in self._user_ids(desired.get("users") or [])],
            "workspaces": list(desired.get("workspaces") or []),
        }
        if self.manages_emoji:
            predicted["emoji"] = desired.get("emoji")
        return predicted

    def predict_update(self, current, changes):
        predicted = dict(current)
        duplicates = predicted.pop("duplicates", None)
        if "duplicates" in changes:
            predicted["removed_duplicates"] = list(duplicates or [])
        if "name" in changes:
            predicted["name"] = changes["name"]
        if "users" in changes:
            kept = {user.get("user_id"): user for user in current.get("users") or []}
            predicted["users"] = [
                kept.get(user_id) or self._user_entry(user_id) for user_id in self._user_ids(changes["users"])
            ]
        if "workspaces" in changes:
            predicted["workspaces"] = list(changes["workspaces"])
        if "emoji" in changes:
            predicted["emoji"] = changes["emoji"]
        return predicted

    # -- the API --------------------------------------------------------------------------------

    def _path(self, group_id=None):
        path = "/organizations/%s/groups" % self.organization_id
        return path if group_id is None else "%s/%s" % (path, group_id)

    def create(self, desired):
        if self.manages_emoji:
            return self._create_through_focus(desired)
        body = {"name": desired["name"]}
        if "users" in desired:
            body["users"] = self._user_ids(desired["users"])
        if "workspaces" in desired:
            body["workspaces"] = list(desired["workspaces"])
        try:
            created = self.client.post(self._path(), body=body, what="organization %s" % self.organization_id)
        except TogglAnswerLostError:
            # The POST may have been applied: the group of the name, once it shows, is this one.
            return own_or_adopted(self, self._settled_by_name(), desired, "the answer to the create was lost")
        except TogglApiError as error:
            if error.status == 400 and NAME_TAKEN in (error.api_message or ""):
                raise ObjectExists(self._made_meanwhile(), NAME_TAKEN) from None
            raise
        # Swagger: the create answers the group (group.OrganizationGroupResponse).
        return self._shown(created) if isinstance(created, dict) else self._settled_by_name()

    def _create_through_focus(self, desired):
        """One Focus POST carries the name, the emoji, the members and the workspaces."""
        body = {"name": desired["name"], "emoji": desired.get("emoji") or ""}
        if "users" in desired:
            body["organization_users"] = self._organization_user_ids(self._user_ids(desired["users"]))
        if "workspaces" in desired:
            body["workspaces"] = list(desired["workspaces"])
        try:
            created = self.client.post(
                self._focus_path(), body=body, what="organization %s" % self.organization_id, service="focus"
            )
        except TogglAnswerLostError:
            shown = self._settled_by_name()
            shown["emoji"] = self._focus_team(shown).get("emoji")
            return own_or_adopted(self, shown, desired, "the answer to the create was lost")
        except TogglApiError as error:
            # Focus answers every refusal with "Invalid request"; another run's group of that
            # name is told apart by reading the list again.
            if error.status == 400:
                self.resolver.forget(("groups", self.organization_id))
                existing = self._keep_lowest(self._named(self.resolver.groups(self.organization_id)))
                if existing is not None:
                    shown = self._shown(existing)
                    shown["emoji"] = self._focus_team(shown).get("emoji")
                    raise ObjectExists(shown, "a group of that name exists") from None
            raise
        if not isinstance(created, dict) or created.get("id") is None:
            # Pages: no body is documented for the 201: find the new group in Track's list.
            return dict(self._settled_by_name(), emoji=desired.get("emoji"))
        return self._from_focus(created, self.predict_create(desired))

    def _reread(self, group_id=None):
        """The group as the organization's list shows it now (one read, memo dropped): by id, or
        by this task's name (the lowest id of the name)."""
        self.resolver.forget(("groups", self.organization_id))
        groups = self.resolver.groups(self.organization_id)
        if group_id is not None:
            return self._by_id(groups, group_id)
        return self._keep_lowest(self._named(groups))

    def _settled_by_name(self):
        """The group of this task's name once the list shows it (reads lag behind writes)."""
        found = settle(
            self._reread,
            lambda group: group is not None,
            "group %r in the groups of organization %s" % (self.params["name"], self.organization_id),
        )
        return self._shown(found)

    def _made_meanwhile(self):
        """The group another run created since this task read the list (read again; as reads
        lag behind writes, until it shows, unless a group of a similar name is in the way)."""
        name = self.params["name"]
        group = self._reread()
        if group is None:
            folded = name.strip().casefold()
            similar = ", ".join(
                "%r (id %s)" % (g.get("name"), g.get("group_id"))
                for g in self.resolver.groups(self.organization_id)
                if (g.get("name") or "").strip().casefold() == folded
            )
            if similar:
                raise TogglReferenceError(
                    "Toggl refused to create group %r (%s), and no group has exactly that name; the same name in "
                    "other case or spacing: %s" % (name, NAME_TAKEN, similar)
                )
            try:
                return self._settled_by_name()
            except TogglStateError:
                raise TogglReferenceError(
                    "Toggl refused to create group %r (%s), and no group has exactly that name" % (name, NAME_TAKEN)
                ) from None
        return self._shown(group)

    def update(self, current, changes):
        removed = self._remove_duplicates(current) if "duplicates" in changes else []
        current = {key: value for key, value in current.items() if key != "duplicates"}
        target_lists = {}
        if "users" in changes:
            target_lists["users"] = self._user_ids(changes["users"])
        if "workspaces" in changes:
            target_lists["workspaces"] = sorted(changes["workspaces"])
        lists = {option: changes[option] for option in ("users", "workspaces") if option in changes}
        if "emoji" in changes:
            written = self._update_through_focus(current, changes)
            if target_lists:
                self._patch_lists(current, target_lists)
                written = self.predict_update(written, lists)
        elif "name" in changes:
            written = self._rename(current, changes["name"], target_lists)
        elif target_lists:
            self._patch_lists(current, target_lists)
            # PATCH answers the operations' outcome, not the group: all succeeded, so the group
            # is the prediction.
            written = self.predict_update(current, lists)
        else:
            written = dict(current)
        if self.manages_emoji and "emoji" not in changes:
            written["emoji"] = current.get("emoji")  # Track neither shows nor changes it
        if "duplicates" in changes:
            written["removed_duplicates"] = removed
        return written

    def _remove_duplicates(self, current):
        """Deletes the other groups of the name (``vet`` made sure they hold nothing more)."""
        removed = []
        for duplicate in self._duplicates_of(current):
            self._delete_one(duplicate)
            removed.append(duplicate["group_id"])
        return removed

    def _update_through_focus(self, current, changes):
        """One Focus PUT with the emoji (and the new name, for a rename), nothing else.

        Pages: no field of the Focus PUT is marked required, and it leaves a list it is not given
        as it is; so no list read earlier goes with it (another admin's members stay). Should an
        answer show members or workspaces gone all the same, they are added back with one PATCH.
        """
        body = {"emoji": changes["emoji"] or ""}
        if "name" in changes:
            body["name"] = changes["name"]
        answer = self.client.put(
            self._focus_path(current["group_id"]), body=body, what=self.label(current), service="focus"
        )
        base = self.predict_update(current, {key: changes[key] for key in ("name", "emoji") if key in changes})
        written = self._from_focus(answer, base)
        if isinstance(answer, dict):
            had, has = self._lists_of(current), self._lists_of(written)
            lost = {option: sorted(had[option] - has[option]) for option in had}
            if any(lost.values()):
                self._add_back(current, lost)
                written["users"] = list(written.get("users") or []) + [
                    self._user_entry(user_id) for user_id in lost["users"]
                ]
                written["workspaces"] = sorted(set(written.get("workspaces") or []) | set(lost["workspaces"]))
        return written

    def _rename(self, current, name, target_lists):
        """The whole-group PUT, with the lists as they are right before it.

        Swagger: PATCH cannot change scalar fields, so a rename is ``PUT`` with ``group.Payload``
        (name, users, workspaces). Other admins may have changed the lists since this task's read:
        the group is read again just before the PUT, which carries those fresh lists with only this
        task's additions and removals. After the write the group is read until it shows the new
        name (reads lag behind writes); a member or workspace that the latest read before the write
        showed, that this task did not remove and that is gone now, is added back with one PATCH.
        A change another admin makes in the instant between the last read and the PUT is not
        visible to any read of this task and cannot be told from this task's own write.
        """
        group_id = current["group_id"]
        first = self._lists_of(current)
        adds = {option: set(target_lists[option]) - first[option] for option in target_lists}
        removes = {option: first[option] - set(target_lists[option]) for option in target_lists}

        fresh = self._reread(group_id)
        if fresh is None:
            raise TogglStateError("%s: it was deleted since this task read it" % self.label(current))
        before_write = [self._lists_of(fresh)]
        body = {"name": name}
        for option, _path in MEMBERSHIP_LISTS:
            body[option] = sorted((before_write[0][option] | adds.get(option, set())) - removes.get(option, set()))
        self.client.put(self._path(group_id), body=body, what=self.label(current))

        def read():
            group = self._reread(group_id)
            if group is not None and group.get("name") != name:
                before_write[0] = self._lists_of(group)  # still the state the PUT replaced
            return group

        final = settle(
            read,
            lambda group: group is not None and group.get("name") == name,
            "%s renamed to %r" % (self.label(current), name),
        )
        shown = self._shown(final)
        has = self._lists_of(final)
        lost = {
            option: sorted(before_write[0][option] - removes.get(option, set()) - has[option])
            for option in before_write[0]
        }
        if any(lost.values()):
            self._add_back(current, lost)
            shown["users"] = list(shown.get("users") or []) + [self._user_entry(user_id) for user_id in lost["users"]]
            shown["workspaces"] = sorted(has["workspaces"] | set(lost["workspaces"]))
        self._note_kept_meanwhile(shown, target_lists)
        return shown

    def _add_back(self, current, lost):
        operations = [
            {"op": "add", "path": path, "value": chunk}
            for option, path in MEMBERSHIP_LISTS
            for chunk in chunks(sorted(lost.get(option) or []), PATCH_MAX_VALUES)
        ]
        self.warnings.append(
            "%s: the write dropped %s that another administrator had added meanwhile; added back"
            % (self.label(current), " and ".join("%s %s" % (o, v) for o, v in sorted(lost.items()) if v))
        )
        for batch in chunks(operations, PATCH_MAX_OPERATIONS):
            self._patch(current, batch)

    def _note_kept_meanwhile(self, shown, target_lists):
        """Members and workspaces another admin added meanwhile stay (this task did not read them
        before it decided); they are kept in the target, and the task says so."""
        has = self._lists_of(shown)
        for option, target in target_lists.items():
            extra = sorted(has[option] - set(target))
            if not extra:
                continue
            labels = [self._label_of(value) for value in extra] if option == "users" else extra
            self._kept_meanwhile[option] = labels
            self.warnings.append(
                "%s: kept %s %s, added by someone else while this task wrote; the next run decides on them"
                % (self.label(shown), option, ", ".join(str(label) for label in labels))
            )

    def _patch_lists(self, current, target_lists):
        """One PATCH with only the additions and removals (split at the Swagger's limits)."""
        first = self._lists_of(current)
        operations = []
        for option, path in MEMBERSHIP_LISTS:
            if option not in target_lists:
                continue
            have, want = first[option], set(target_lists[option])
            for op, values in (("add", sorted(want - have)), ("remove", sorted(have - want))):
                operations.extend(
                    {"op": op, "path": path, "value": chunk} for chunk in chunks(values, PATCH_MAX_VALUES)
                )
        for batch in chunks(operations, PATCH_MAX_OPERATIONS):
            self._patch(current, batch)

    def _patch(self, current, batch):
        # Swagger: the body is a top-level array of {op, path, value}; the reference pages show it
        # wrapped in {"items": [...]}. One request carries additions and removals.
        answer = self.client.patch(self._path(current["group_id"]), body=batch, what=self.label(current))
        failures = answer.get("failure") if isinstance(answer, dict) else None
        if failures:
            raise TogglStateError(
                "%s: Toggl applied the membership change only in part (patches are applied one by one); "
                "failed: %s" % (self.label(current), "; ".join(self._describe_failure(f) for f in failures))
            )

    @staticmethod
    def _describe_failure(failure):
        patch = failure.get("patch") or {}
        return "%s %s %s: %s" % (patch.get("op"), patch.get("path"), patch.get("value"), failure.get("message"))

    def delete(self, current):
        """With a Focus key, the group is deleted where its emoji lives, through Focus, whose
        DELETE needs a ``workspace_id`` for its permission check: one of the group's workspaces
        (no extra read), else the organization's first. Without a key, through Track (Swagger:
        DELETE answers "OK"). Duplicates of the name go with it."""
        if self.state == "absent":
            for duplicate in self._duplicates_of(current):
                self._delete_one(duplicate)
        self._delete_one(current)

    def _delete_one(self, group):
        if has_focus_key(self.client):
            self.client.request(
                "DELETE",
                self._focus_path(group["group_id"]),
                params={"workspace_id": self._focus_workspace_id(group)},
                what=self.label(group),
                service="focus",
            )
            return
        self.client.delete(self._path(group["group_id"]), what=self.label(group))

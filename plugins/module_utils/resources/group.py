# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Toggl organization group: found by name or ``group_id`` in the organization's group list.

The API has no read of one group, so both identities cost the same one read
(``GET /organizations/{id}/groups``, memoised by the Resolver). Members are user ids in the
API; the description compares and shows them as the organization users' emails, which needs
the organization's user list (paginated, 200 per page): it is read whenever ``users`` is set,
ids included, so the diff and the result can name every member.

Writes, fewest first: membership alone changes through one ``PATCH`` carrying only the
additions and removals; a rename is a ``PUT`` that also carries the target (or current) lists,
so a rename with membership changes is still one request.

``emoji`` exists only in the Toggl Focus API, which edits the same groups with its own key.
Focus requests are spent only when ``emoji`` is set: the current emoji is one read of the
Focus teams list filtered to the group (it needs a ``workspace_id``: one of the group's
workspaces, else one of the wanted ones, else the organization's first from
``/me/workspaces``). A group created with an emoji is one Focus ``POST`` carrying everything;
an emoji change is one Focus ``PUT`` carrying every other change too (members as
organization user ids). With a Focus key, deletion goes through Focus too (its ``DELETE``
takes a ``workspace_id``: one of the group's); without one, through Track.
"""

from ansible_collections.trackops.toggl.plugins.module_utils.client import has_focus_key, require_focus_key
from ansible_collections.trackops.toggl.plugins.module_utils.engine import ObjectExists
from ansible_collections.trackops.toggl.plugins.module_utils.errors import (
    TogglApiError,
    TogglReferenceError,
    TogglStateError,
    TogglValidationError,
)
from ansible_collections.trackops.toggl.plugins.module_utils.references import require
from ansible_collections.trackops.toggl.plugins.module_utils.resource import Field, Resource, same_set

NAME_MAX_LENGTH = 200  # "Group name too long, maximum length is 200"
NAME_TAKEN = "Name has already been taken"
# Swagger limits of PATCH: at most 100 operations per request, 100 values per operation.
PATCH_MAX_OPERATIONS = 100
PATCH_MAX_VALUES = 100
MEMBERSHIP_LISTS = (("users", "/users"), ("workspaces", "/workspaces"))
PROTECTED_MEMBERS_RULE = "an exact users list never removes the organization owner or the token's own user"


def chunks(values, size):
    return [values[start : start + size] for start in range(0, len(values), size)]


def sorted_members(labels):
    """Emails alphabetically (case-insensitive), then ids of users without a known email."""
    return sorted(labels, key=lambda label: (not isinstance(label, str), str(label).lower()))


class Group(Resource):
    kind = "group"
    fields = {
        "name": Field(max_length=NAME_MAX_LENGTH, not_blank=True),
        "users": Field(compare=same_set),
        "workspaces": Field(compare=same_set),
        "emoji": Field(),
    }

    def __init__(self, params, client, resolver):
        super().__init__(params, client, resolver)
        self.organization_id = None
        self._wanted = None  # the resolved `users` (emails) and `workspaces` (ids)
        self._user_id_of = {}  # member label (email, or id when unknown) -> user id
        self._member_of = {}  # user id -> the organization user
        self._focus_member_of = {}  # user id -> organization user id, from the Focus answers

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
        org_id = self.resolver.organization_id(self.params["organization"])
        self.organization_id = org_id
        if self.params.get("id"):
            group = self.resolver.find_group(org_id, self.params["id"])
            if group is None and self.state == "present":
                # An id names an existing group; it is never created from one.
                raise TogglReferenceError("group %s not found in organization %s" % (self.params["id"], org_id))
        else:
            group = self.resolver.find_group(org_id, self.params["name"])
        if self.state == "present":
            self._check_rename(group)
            self._resolve_wanted()
        shown = self._shown(group)
        if shown is not None and self.manages_emoji and self.state == "present":
            shown["emoji"] = self._focus_team(shown).get("emoji")
        return shown

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

    def _resolve_wanted(self):
        """Emails and names to ids, all before the first write; unknown ones fail naming them."""
        wanted = {}
        if self.manages_users:
            for member in self.resolver.organization_users(self.organization_id):
                self._member_of[member.get("user_id")] = member
            labels = []
            for ref in self.params["users"]:
                user = self.resolver.find_organization_user(self.organization_id, ref)
                require("user", ref, user, " in organization %s" % self.organization_id)
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
        return state

    def changes(self, current_state, desired):
        """With ``append``, a list's target is the current members plus the wanted ones."""
        desired = self._keep_protected_members(current_state, desired)
        if self.params.get("append"):
            desired = dict(desired)
            for option, _path in MEMBERSHIP_LISTS:
                if option in desired:
                    merged = set(current_state.get(option) or []) | set(desired[option])
                    desired[option] = sorted_members(merged) if option == "users" else sorted(merged)
        return super().changes(current_state, desired)

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
            if (self._member_of.get(user_id) or {}).get("owner") or user_id == self.resolver.me().get("id"):
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
        except TogglApiError as error:
            if error.status == 400 and NAME_TAKEN in (error.api_message or ""):
                raise ObjectExists(self._made_meanwhile(), NAME_TAKEN) from None
            raise
        return self._shown(created) if isinstance(created, dict) else None

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
        except TogglApiError as error:
            # Focus answers every refusal with "Invalid request"; another run's group of that
            # name is told apart by reading the list again.
            if error.status == 400:
                self.resolver.forget(("groups", self.organization_id))
                existing = self.resolver.find_group(self.organization_id, self.params["name"])
                if existing is not None:
                    shown = self._shown(existing)
                    shown["emoji"] = self._focus_team(shown).get("emoji")
                    raise ObjectExists(shown, "a group of that name exists") from None
            raise
        if not isinstance(created, dict) or created.get("id") is None:
            # The reference documents no body for the 201: find the new group in Track's list.
            self.resolver.forget(("groups", self.organization_id))
            found = self.resolver.find_group(self.organization_id, self.params["name"])
            return dict(self._shown(found), emoji=desired.get("emoji")) if found else None
        return self._from_focus(created, self.predict_create(desired))

    def _made_meanwhile(self):
        """The group another run created since this task read the list (one read again)."""
        self.resolver.forget(("groups", self.organization_id))
        name = self.params["name"]
        group = self.resolver.find_group(self.organization_id, name)
        if group is None:
            folded = name.strip().casefold()
            similar = ", ".join(
                "%r (id %s)" % (g.get("name"), g.get("group_id"))
                for g in self.resolver.groups(self.organization_id)
                if (g.get("name") or "").strip().casefold() == folded
            )
            raise TogglReferenceError(
                "Toggl refused to create group %r (%s), and no group has exactly that name%s"
                % (name, NAME_TAKEN, "; the same name in other case or spacing: " + similar if similar else "")
            )
        return self._shown(group)

    def update(self, current, changes):
        if "emoji" in changes:
            return self._update_through_focus(current, changes)
        written = self._update_through_track(current, changes)
        if self.manages_emoji and isinstance(written, dict):
            written = dict(written, emoji=current.get("emoji"))  # Track neither shows nor changes it
        return written

    def _update_through_focus(self, current, changes):
        """One Focus PUT with the emoji and every other change; both lists always go with it
        (the target ones, or else the current ones), as with Track's rename."""
        target = self.predict_update(current, changes)
        body = {
            "name": target["name"],
            "emoji": changes["emoji"] or "",
            "organization_users": self._organization_user_ids(user.get("user_id") for user in target["users"] or []),
            "workspaces": sorted(target.get("workspaces") or []),
        }
        written = self.client.put(
            self._focus_path(current["group_id"]), body=body, what=self.label(current), service="focus"
        )
        return self._from_focus(written, target)

    def _update_through_track(self, current, changes):
        group_id = current["group_id"]
        current_lists = {
            "users": sorted(user.get("user_id") for user in current.get("users") or []),
            "workspaces": sorted(current.get("workspaces") or []),
        }
        target_lists = {}
        if "users" in changes:
            target_lists["users"] = self._user_ids(changes["users"])
        if "workspaces" in changes:
            target_lists["workspaces"] = sorted(changes["workspaces"])

        if "name" in changes:
            # PUT replaces the group. Whether it keeps a list left out is undocumented, so both
            # lists always go with it: the target ones, or else the current ones unchanged.
            body = {"name": changes["name"]}
            for option, _path in MEMBERSHIP_LISTS:
                body[option] = target_lists.get(option, current_lists[option])
            written = self.client.put(self._path(group_id), body=body, what=self.label(current))
            return self._shown(written) if isinstance(written, dict) else None

        operations = []
        for option, path in MEMBERSHIP_LISTS:
            if option not in target_lists:
                continue
            have, want = set(current_lists[option]), set(target_lists[option])
            for op, values in (("add", sorted(want - have)), ("remove", sorted(have - want))):
                operations.extend(
                    {"op": op, "path": path, "value": chunk} for chunk in chunks(values, PATCH_MAX_VALUES)
                )
        for batch in chunks(operations, PATCH_MAX_OPERATIONS):
            # The Swagger's body, a top-level array of {op, path, value}; the reference pages
            # show it wrapped in {"items": [...]}. One request carries additions and removals.
            answer = self.client.patch(self._path(group_id), body=batch, what=self.label(current))
            failures = answer.get("failure") if isinstance(answer, dict) else None
            if failures:
                raise TogglStateError(
                    "%s: Toggl applied the membership change only in part (patches are applied one by one); "
                    "failed: %s" % (self.label(current), "; ".join(self._describe_failure(f) for f in failures))
                )
        # PATCH answers with the operations' outcome, not the group: all succeeded, so the
        # group is the prediction.
        return self.predict_update(current, changes)

    @staticmethod
    def _describe_failure(failure):
        patch = failure.get("patch") or {}
        return "%s %s %s: %s" % (patch.get("op"), patch.get("path"), patch.get("value"), failure.get("message"))

    def delete(self, current):
        """With a Focus key, the group is deleted where its emoji lives, through Focus, whose
        DELETE needs a ``workspace_id`` for its permission check: one of the group's workspaces
        (no extra read), else the organization's first. Without a key, through Track."""
        if has_focus_key(self.client):
            self.client.request(
                "DELETE",
                self._focus_path(current["group_id"]),
                params={"workspace_id": self._focus_workspace_id(current)},
                what=self.label(current),
                service="focus",
            )
            return
        self.client.delete(self._path(current["group_id"]), what=self.label(current))

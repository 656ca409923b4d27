# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The vocabulary in which a Toggl object is described once: fields and a Resource base.

A description declares its managed fields (option name -> API key, how values compare,
limits checked before any request) and implements find / create / update / delete with
the client. The engine does the rest.
"""

from ansible_collections.trackops.toggl.plugins.module_utils.errors import TogglReferenceError, TogglValidationError
from ansible_collections.trackops.toggl.plugins.module_utils.references import is_id

# The reference kinds resolved within the object's workspace (Resource.references).
WITHIN_WORKSPACE = ("project", "workspace_users", "groups")


def same_value(current, desired):
    return current == desired


def same_set(current, desired):
    """Order-insensitive list comparison (ids, emails, roles)."""
    return sorted(current or [], key=repr) == sorted(desired or [], key=repr)


class Field:
    """One managed option of a resource.

    ``api_name``: the key in the API's objects and payloads (default: the option name).
    ``compare``: how a current value is compared with the desired one; None means the
    field is written on create only and never compared (e.g. an initial workspace name).
    ``max_length`` / ``not_blank`` / ``minimum`` / ``maximum``: checked locally, before the first
    request. ``kind`` (an argument spec type), ``elements``, ``choices`` and ``aliases``: the module option the
    field is (``Resource.argument_spec``), so an option is declared once; None for a field that
    is compared but not an option of its own.
    """

    def __init__(
        self,
        api_name=None,
        compare=same_value,
        max_length=None,
        not_blank=False,
        minimum=None,
        maximum=None,
        kind=None,
        choices=None,
        aliases=None,
        elements=None,
    ):
        self.api_name = api_name
        self.compare = compare
        self.max_length = max_length
        self.not_blank = not_blank
        self.minimum = minimum
        self.maximum = maximum
        self.kind = kind
        self.choices = choices
        self.aliases = aliases
        self.elements = elements

    def spec(self):
        """The option's argument spec (without defaults: a bulk entry's unset option takes the
        top level's)."""
        spec = {"type": self.kind}
        if self.elements:
            spec["elements"] = self.elements
        if self.choices:
            spec["choices"] = list(self.choices)
        if self.aliases:
            spec["aliases"] = list(self.aliases)
        return spec

    def key(self, option):
        return self.api_name or option

    def check(self, option, value):
        if value is None:
            return
        if self.not_blank and not str(value).strip():
            raise TogglValidationError(option, "must contain non-space characters")
        if self.max_length is not None and len(value) > self.max_length:
            raise TogglValidationError(
                option, "is %d characters long; Toggl allows at most %d" % (len(value), self.max_length)
            )
        if self.minimum is not None and value < self.minimum:
            raise TogglValidationError(option, "must be at least %s, got %s" % (self.minimum, value))
        if self.maximum is not None and value > self.maximum:
            raise TogglValidationError(option, "must be at most %s, got %s" % (self.maximum, value))


class Resource:
    """Base of every resource description.

    Subclasses set ``kind`` (the result key and the word used in messages) and ``fields``
    and implement ``find``, ``create``, ``update`` and, where the API has one, ``delete``.
    ``create`` and ``update`` return the object the API answered with, or None when the
    API answers only "OK" (the engine then takes its prediction as the result).
    """

    kind = "object"
    fields = {}
    # What a write of this kind needs the organization admin right for, in the words of the
    # failure ("the token's user is not an admin of organization X (needed to <this>)"), e.g.
    # "create or change workspaces". None: the engine checks no right. Set by descriptions;
    # the engine calls Resolver.require_admin for every decision that writes (check mode too).
    admin_needed_for = None
    # Whose admin right: "organization" (admin_organization_id) or "workspace" (the
    # description's workspace_id), for objects Toggl lets workspace admins manage.
    admin_scope = "organization"
    # The key of the API object's own id: the engine refuses two entries of one task that find
    # the same object (Reconciler.ensure_all), whatever each entry called it (an id, an email).
    id_key = "id"
    # The option of a module's bulk list of these objects, named in that refusal.
    entries_option = None
    # The objects this one refers to, resolved as one step before the engine decides
    # (``resolve_references``): attribute -> (kind, the option naming it). Kinds:
    # "organization" (Resolver.organization_id); "workspace" (Resolver.workspace_id, within the
    # task's ``organization`` when given); within the object's ``workspace_id``: "project" (an
    # id), "workspace_users" (sorted user ids; an id costs nothing, an email the workspace's
    # users) and "groups" (sorted group ids of its organization). An unset option of the last
    # three resolves to None. ``find`` and ``vet`` read the attributes; neither sets them.
    references = {}

    def __init__(self, params, client, resolver):
        self.params = params
        self.client = client
        self.resolver = resolver
        self.warnings = []

    @property
    def state(self):
        return self.params.get("state") or "present"

    @classmethod
    def argument_spec(cls):
        """The module options the fields declare (those with a ``kind``)."""
        return {option: field.spec() for option, field in cls.fields.items() if field.kind}

    # -- references -------------------------------------------------------------------

    def resolve_references(self):
        """Resolve the declared ``references`` (names cost the reads the Resolver memoises). The
        engine calls it for every object before deciding any; a reference read before that
        (a method called on its own) resolves itself (``__getattr__``), so no method depends on
        another having run first."""
        for attribute in self.references:
            getattr(self, attribute)

    def resolve_names(self):
        """Every name the task gives, for ``validate_names``: the references, and the names a
        description resolves only for the decision that needs them (an invitation's workspaces)."""
        self.resolve_references()

    def __getattr__(self, name):
        # Only for attributes not set yet: the declared references, resolved once on first use.
        references = type(self).references
        if name not in references:
            raise AttributeError("%s has no attribute %r" % (type(self).__name__, name))
        kind, option = references[name]
        ref = self.params.get(option)
        if kind == "organization":
            value = self.resolver.organization_id(ref)
        elif kind == "workspace":
            value = self.resolver.workspace_id(ref, self.params.get("organization"))
        elif kind not in WITHIN_WORKSPACE:
            raise ValueError("unknown reference kind %r" % kind)
        elif ref is None:
            value = None
        else:
            value = self._within_workspace(kind, option, ref)
        setattr(self, name, value)
        return value

    def _within_workspace(self, kind, option, ref):
        workspace_id = self.workspace_id  # its own failure names its own option
        try:
            if kind == "project":
                # A project name of digits only is a name when such a project exists (Resolver.project_id).
                return self.resolver.project_id(workspace_id, ref)
            if kind == "workspace_users":
                return sorted({self._workspace_user_id(user) for user in ref})
            # A group name of digits only is a name when such a group exists (Resolver.group_id).
            return sorted({self.resolver.group_id(self._workspace_organization_id(), group) for group in ref})
        except TogglReferenceError as error:
            if str(error).startswith(option):  # "project 'X' not found ...": it names the option already
                raise
            raise TogglReferenceError("%s: %s" % (option, error)) from None

    def _workspace_organization_id(self):
        # The task's organization when given (an id costs nothing), else one read of the workspace.
        return self.resolver.organization_of_workspace(self.workspace_id, self.params.get("organization"))

    def _workspace_user_id(self, ref):
        if is_id(ref):
            return int(ref)
        return self.resolver.workspace_user(self._workspace_organization_id(), self.workspace_id, ref)["user_id"]

    # -- local checks -----------------------------------------------------------------

    def validate(self):
        """Raise TogglValidationError for bad input; sends no request."""
        for option, field in self.fields.items():
            field.check(option, self.params.get(option))

    @classmethod
    def validate_many(cls, resources, params):
        """Local checks of the task as a whole (no request), after each entry's ``validate``:
        ``params`` are the module's, ``resources`` its entries (none for an empty list)."""

    def vet(self, decision):
        """Refuse a decision before any write of the task (e.g. removing the owner).

        Called for every object of a task after all were decided; raise a TogglError to stop.
        """

    @classmethod
    def confirm(cls, decisions, outcomes):
        """After the task's writes (some decisions write): read back until they show, so that a
        rerun right after sees them (the live API lists a write only after a while, see
        engine.settle). Default: nothing; descriptions whose writes answer "OK" implement it."""

    def admin_organization_id(self):
        """The id of the organization whose admin right a write needs (after ``find``), or None.

        Default: the ``organization_id`` the description found, when it keeps one."""
        organization_id = getattr(self, "organization_id", None)
        return int(organization_id) if organization_id is not None else None

    def admin_need(self, decision):
        """What ``decision`` needs the admin right for (default: ``admin_needed_for``)."""
        return self.admin_needed_for

    @classmethod
    def summary(cls, resources, outcomes):
        """The result keys of a bulk task, when the description words them itself; None: the
        objects under ``<kind>s``."""
        return None

    @classmethod
    def vet_many(cls, decisions):
        """Refuse the task's decisions together, after each was vetted alone (see ``vet``): for
        checks that depend on what the task as a whole would write, and in which order."""

    # -- the quota the writes need (engine.plan_quota) ------------------------------------------

    def writes_needed(self, decision):
        """The requests writing ``decision`` sends at least: 1 when it writes, else 0.

        A description whose write costs more (a write per workspace, a read before a PUT that
        replaces a list) overrides this, or ``writes_needed_many`` for what its batches share.
        Re-reads while a write does not show yet (engine.settle) depend on the API's lag and
        are not counted: the figure is the least the task sends, so a refusal is never wrong."""
        return 1 if decision.writes else 0

    @classmethod
    def writes_needed_many(cls, decisions):
        """The requests the task's write phase sends at least (default: the sum of
        ``writes_needed``); a description whose ``create_many`` / ``update_many`` /
        ``delete_many`` or ``confirm`` shares or adds requests counts them here."""
        return sum(decision.resource.writes_needed(decision) for decision in decisions)

    # -- desired and current state ------------------------------------------------------

    def desired(self):
        """The managed options the user set; an option left unset is left alone."""
        return {option: self.params[option] for option in self.fields if self.params.get(option) is not None}

    def compared_fields(self):
        return {option: field for option, field in self.fields.items() if field.compare is not None}

    def state_of(self, obj):
        """The comparable view of an API object, keyed by option name (also the diff)."""
        if obj is None:
            return None
        return {option: obj.get(field.key(option)) for option, field in self.compared_fields().items()}

    def changes(self, current_state, desired):
        """The desired options whose current value differs."""
        compared = self.compared_fields()
        return {
            option: value
            for option, value in desired.items()
            if option in compared and not compared[option].compare(current_state.get(option), value)
        }

    def payload(self, values):
        """API body for the given options (only those: updates send the changed keys)."""
        return {self.fields[option].key(option): value for option, value in values.items()}

    def predict_create(self, desired):
        predicted = {"id": None}
        predicted.update(self.payload(desired))
        return predicted

    def predict_update(self, current, changes):
        predicted = dict(current)
        predicted.update(self.payload(changes))
        return predicted

    def label(self, obj):
        """How messages and diff headers name the object."""
        obj = obj or {}
        name = obj.get("name") or self.params.get("name")
        ident = obj.get("id") or self.params.get("id")
        if ident:
            return "%s %r (id %s)" % (self.kind, name, ident) if name else "%s %s" % (self.kind, ident)
        return "%s %r" % (self.kind, name)

    # -- the API (subclasses) -------------------------------------------------------------

    def find(self):
        raise NotImplementedError

    def create(self, desired):
        raise NotImplementedError

    def update(self, current, changes):
        raise NotImplementedError

    def delete(self, current):
        raise NotImplementedError

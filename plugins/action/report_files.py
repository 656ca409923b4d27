# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write report files on the controller, in this process.

A report of a large organization is megabytes of text; ``ansible.builtin.copy`` in a loop costs a
module run (and a copy of the content through AnsiballZ) per file, about 0.7 s each. The reports
are the playbook's output on the controller, so they are written here, each atomically (a
temporary file in the same directory, then a rename) and readable by their owner only.
"""

import os
import tempfile

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

ARGUMENT_SPEC = {
    "dest": {"type": "path", "required": True},
    "files": {"type": "dict", "required": True},
    "mode": {"type": "raw", "default": "0600"},
}


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        _validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        dest = args["dest"]
        try:
            mode = int(str(args["mode"]), 8)
        except ValueError:
            raise AnsibleActionFail("mode: must be an octal mode such as 0600, got %r" % args["mode"]) from None
        if self._play_context.check_mode:
            return dict(result, changed=False, skipped=True, msg="check mode: no file written")
        os.makedirs(dest, mode=0o755, exist_ok=True)
        written, changed = [], False
        for name, content in sorted(args["files"].items()):
            if os.path.basename(name) != name or name in ("", ".", ".."):
                raise AnsibleActionFail("files: %r is not a plain file name" % name)
            path = os.path.join(dest, name)
            data = str(content).encode("utf-8")
            changed = changed or not _same(path, data)
            handle, temporary = tempfile.mkstemp(dir=dest, prefix=".%s." % name)
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(data)
                os.chmod(temporary, mode)
                os.replace(temporary, path)
            except OSError as error:
                if os.path.exists(temporary):
                    os.unlink(temporary)
                raise AnsibleActionFail("cannot write %s: %s" % (path, error)) from None
            written.append(path)
        return dict(result, changed=changed, paths=written)


def _same(path, data):
    try:
        with open(path, "rb") as stream:
            return stream.read() == data
    except OSError:
        return False

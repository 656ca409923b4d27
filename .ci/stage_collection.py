"""Copy the collection into DEST, as a commit of the work tree would hold it.

Usage: python .ci/stage_collection.py DEST

Copies every file git tracks plus every untracked file that .gitignore does not exclude
(`git ls-files -co --exclude-standard`), keeping symlinks as symlinks. DEST is emptied first.
`ansible-test sanity` runs in such a copy: it must sit in a real
ansible_collections/<namespace>/<name> directory, which a symlink to the checkout is not.

The copy gets an empty git repository of its own: ansible-test lists content with git from the
nearest directory holding a .git, and without one it would find this checkout, whose
.gitignore hides the copy (.build/), and test nothing.
"""

import os
import shutil
import subprocess
import sys


def main(argv):
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    dest = os.path.abspath(argv[1])
    root = subprocess.check_output(["git", "rev-parse", "--show-toplevel"], text=True).strip()
    listing = subprocess.check_output(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=root)
    if os.path.lexists(dest):
        shutil.rmtree(dest)
    count = 0
    for relpath in sorted(set(listing.decode("utf-8").split("\0")) - {""}):
        source = os.path.join(root, relpath)
        if not os.path.lexists(source):  # tracked but deleted in the work tree
            continue
        target = os.path.join(dest, relpath)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if os.path.islink(source):
            os.symlink(os.readlink(source), target)
        else:
            shutil.copy2(source, target)
        count += 1
    subprocess.check_call(["git", "init", "--quiet", dest])
    print(f"Staged {count} files in {os.path.relpath(dest, root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

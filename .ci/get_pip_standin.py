"""Offline stand-in for the get-pip.py bootstrap script that ansible-test downloads.

trackops get-pip stand-in (this marker lets `make sanity` refresh its cached copy)

`ansible-test sanity` creates one virtual environment per sanity test and bootstraps pip into
each with a get-pip.py it downloads from a host these machines cannot reach. It uses a cached
copy, ~/.ansible/test/cache/get_pip_<pip version with dots as underscores>.py, when one exists;
`make sanity` installs this file there. ansible-test runs it inside the new virtual environment
as `python get_pip.py [pip options] pip==<version> --no-setuptools --no-wheel`.

It does what get-pip.py does with what is already on the machine: `ensurepip` installs the pip
that ships with the interpreter, then that pip installs the requested packages from the
package index. That step may not see the machine's pip configuration (ansible-test controls its
environment), so the system CA bundle is passed explicitly.
"""

import os
import ssl
import subprocess
import sys

DROPPED = ("--no-setuptools", "--no-wheel")


def ca_bundle():
    """Return the system CA bundle, as the ssl module resolves it."""
    paths = ssl.get_default_verify_paths()
    for candidate in (os.environ.get("PIP_CERT"), paths.cafile, paths.openssl_cafile):
        if candidate and os.path.isfile(candidate):
            return candidate
    return None


def main():
    args = [arg for arg in sys.argv[1:] if arg not in DROPPED]
    subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"])
    if not any(not arg.startswith("-") for arg in args):
        return 0
    command = [sys.executable, "-m", "pip", "install"]
    cert = ca_bundle()
    if cert:
        command += ["--cert", cert]
    return subprocess.call(command + args)


if __name__ == "__main__":
    sys.exit(main())

"""pyproject.toml: `pip install "./footfall-src[postgres]"` (docs/deploy.md) gives the optional
dependency, from a checkout as it is after use: scripts/serve.py has made demo/ beside static/."""

import email
import os
import shutil
import subprocess
import sys
import zipfile

from footfall_testing import ROOT


def checkout_after_the_demo(target):
    """The tracked files of this checkout, copied to target, and the demo folder serve.py makes."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
    for name in listed.stdout.decode().split("\0"):
        if name and os.path.isfile(os.path.join(ROOT, name)):
            os.makedirs(os.path.join(target, os.path.dirname(name)), exist_ok=True)
            shutil.copy(os.path.join(ROOT, name), os.path.join(target, name))
    os.makedirs(os.path.join(target, "demo"))
    with open(os.path.join(target, "demo", "footfall.db"), "wb"):
        pass


def test_pip_builds_the_checkout_with_a_demo_folder_into_a_wheel_of_metadata_only(tmp_path):
    source = str(tmp_path / "footfall-src")
    checkout_after_the_demo(source)
    # No build isolation: offline, with the setuptools of the dev group.
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                             "--no-build-isolation", "--wheel-dir", str(tmp_path / "wheels"),
                             source], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    [wheel] = os.listdir(tmp_path / "wheels")
    assert wheel == "footfall-0.1.0-py3-none-any.whl"
    with zipfile.ZipFile(tmp_path / "wheels" / wheel) as archive:
        # The app runs from its checkout (cgi-bin/, or gunicorn --chdir): nothing to install
        # into site-packages, neither static/ nor demo/ as a package.
        assert {name.split("/")[0] for name in archive.namelist()} == {"footfall-0.1.0.dist-info"}
        metadata = email.message_from_bytes(archive.read("footfall-0.1.0.dist-info/METADATA"))
    assert metadata.get_all("Requires-Dist") == ['psycopg[binary]>=3.1; extra == "postgres"']

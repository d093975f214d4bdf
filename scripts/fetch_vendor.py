#!/usr/bin/env python3
"""Re-fetch the dashboard's vendored jQuery and flot from npm and check them (dev-only).

    python3 scripts/fetch_vendor.py          # `npm pack` both, compare with static/vendor/
    python3 scripts/fetch_vendor.py --write  # also (re)write static/vendor/ and its README

The pinned sha256 below is what the dashboard was tested with: a package that no longer matches it
(a re-published tarball, a tampered mirror) stops the script instead of silently changing the site.
Needs `npm` on PATH; the app itself never runs this.
"""

import argparse
import hashlib
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor"

# npm spec -> {file inside the package: (path under static/vendor, sha256)}.
# flot 4.2.6 breaks on jQuery 4 ($.isFunction / $.trim are gone), hence jQuery 3.7.x.
# flot's package also ships an old jQuery in source/; it is deliberately not taken.
PACKAGES = {
    "jquery@3.7.1": {
        "dist/jquery.min.js": (
            "jquery-3.7.1/jquery.min.js",
            "fc9a93dd241f6b045cbff0481cf4e1901becd0e12fb45166a8f17f95823f0b1a",
        ),
        "LICENSE.txt": (
            "jquery-3.7.1/LICENSE.txt",
            "d4db9ebe6f29f5168eac45ad713f055623ac5d0dcd5ba92da23d650ae012020d",
        ),
    },
    "flot@4.2.6": {
        "dist/es5/jquery.flot.js": (
            "flot-4.2.6/jquery.flot.js",
            "775119ee654dac890cad0ed810ffefaa69c27e6b75929fcad2632de6958e139a",
        ),
        "LICENSE.txt": (
            "flot-4.2.6/LICENSE.txt",
            "52cb566b16d84314b92b91361ed072eaaf166e8d3dfa3d0fd3577613925f205c",
        ),
    },
}


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def npm_pack(spec, workdir):
    """Download one package tarball with npm and return {member name: bytes}."""
    out = subprocess.run(
        ["npm", "pack", "--silent", spec], cwd=workdir, check=True, capture_output=True, text=True
    ).stdout.split()[-1]
    with tarfile.open(Path(workdir) / out) as tar:
        # npm tarballs put everything under "package/".
        files = [m for m in tar.getmembers() if m.isfile()]
        return {m.name.split("/", 1)[1]: tar.extractfile(m).read() for m in files}


def readme_text():
    lines = [
        "Third-party files served by the dashboard, copied unmodified from their npm packages",
        "(re-fetch and verify with: python3 scripts/fetch_vendor.py).",
        "",
    ]
    for spec, files in PACKAGES.items():
        name, version = spec.split("@")
        lines.append(
            f"{name} {version}  source: npm package {name}@{version} (npm pack {name}@{version})"
        )
        for member, (dest, digest) in files.items():
            lines.append(f"  {dest}  (package/{member})")
            lines.append(f"    sha256 {digest}")
        lines.append("")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write the files into static/vendor/")
    args = parser.parse_args(argv)
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        for spec, files in PACKAGES.items():
            contents = npm_pack(spec, tmp)
            for member, (dest, digest) in files.items():
                data = contents[member]
                if sha256(data) != digest:
                    got = sha256(data)
                    problems.append(f"{spec} {member}: npm gave sha256 {got}, pinned {digest}")
                    continue
                target = VENDOR / dest
                if args.write:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
                elif not target.exists() or target.read_bytes() != data:
                    problems.append(f"{target.relative_to(ROOT)} differs from {spec} {member}")
    if args.write and not problems:
        (VENDOR / "README").write_text(readme_text(), encoding="utf-8")
    for problem in problems:
        print(problem, file=sys.stderr)
    print("vendor files OK" if not problems else "vendor check FAILED")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

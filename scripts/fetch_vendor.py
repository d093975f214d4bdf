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
        # The dashboard's: jQuery without its ajax and effects, which neither it nor flot uses
        # (6 KB less gzipped). The full build is the jQuery snippet's, for $.post.
        "dist/jquery.slim.min.js": (
            "jquery-3.7.1/jquery.slim.min.js",
            "9261efb3407e3a9096e4654750d8eff6b3a663422f48845c7fbcc65034c340cf",
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
        # The readable sources of the parts the dashboard uses, from which
        # scripts/build_flot.py makes the file the page loads.
        **{f"source/{name}": (f"flot-4.2.6/source/{name}", digest) for name, digest in (
            ("jquery.canvaswrapper.js",
             "605eaf1c2db1186e2995c5a86caae7a3454327979208b74d011949a1ee07e843"),
            ("jquery.colorhelpers.js",
             "309ef2983409b79d337423e8254796b596426a3eeef3a8b54bd5f7cb52181246"),
            ("jquery.flot.js",
             "2c2b85ef9791613ed0a5af7e791e0fa94f7db5704e8e394bcd45c87045d96e39"),
            ("jquery.flot.saturated.js",
             "aed54087354d370cc711465d728a5259779d4e4bd90358f23de6ff7c73bdbd0a"),
            ("jquery.flot.browser.js",
             "222de9943e2c5961498cb03bceac3467e79c3910e9a1399285eeed6d25b9690a"),
            ("jquery.flot.drawSeries.js",
             "b655bebac9a5660179a69ab114c1e68957d9fd1f2009b617863bfc969423f9ff"),
            ("jquery.flot.uiConstants.js",
             "7241ad2ce2c97437555991d0f6ba7c56ed19dd0958826695c36f15fdaba143d5"),
            ("jquery.flot.hover.js",
             "ced095004142a943a2254e75c5879f8055305693b094ffae67491e36f66509a2"),
            ("jquery.flot.time.js",
             "6dedee81d1f679774fe338423c935c818d8eb7c362fa59c85673ab1ed208a605"),
        )},
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
    lines += [
        "Built here (not copied): flot-4.2.6/jquery.flot.dashboard.min.js, the page's flot: the",
        "sources above concatenated in flot's own build order and minified by terser (pinned in",
        "scripts/flot-build/package-lock.json). Re-build and check with python3 scripts/build_flot.py",
        "(--check); its docstring gives the command, and tests/test_vendor.py checks the result.",
        "",
    ]
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

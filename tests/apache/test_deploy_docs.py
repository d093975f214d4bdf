"""docs/deploy.md shows what the tests run: its Apache block, its shell steps, its
passenger_wsgi.py. A guide that drifts from the tested setup fails here."""

import os
import re
import subprocess
import sys

from footfall_apache import BROWSER_UA, CGI_PATH, HERE, ROOT, run_cgi

GUIDE = os.path.join(ROOT, "docs", "deploy.md")


def guide():
    with open(GUIDE, encoding="utf-8") as f:
        return f.read()


def code_block(language, containing):
    """The one fenced block of the guide in language whose text contains a marker."""
    blocks = [b for b in re.findall(rf"```{language}\n(.*?)```", guide(), re.S) if containing in b]
    assert len(blocks) == 1, f"expected one {language} block containing {containing!r}"
    return blocks[0]


def snippet_of(template_name):
    with open(os.path.join(HERE, template_name), encoding="utf-8") as f:
        template = f.read()
    snippet = re.search(r"# BEGIN deploy snippet.*?\n(.*?)# END deploy snippet", template, re.S)
    return (snippet.group(1).replace("@HOME@", "/home/you")
            .replace("@FCGI_SOCKET@", "/run/fcgiwrap.socket"))


def test_the_apache_block_in_the_guide_is_the_tested_config():
    assert code_block("apache", "ScriptAlias") == snippet_of("httpd.conf.in")


def test_the_nginx_block_in_the_guide_is_the_tested_config():
    assert code_block("nginx", "fcgiwrap") == snippet_of("nginx.conf.in")


def test_the_guide_links_its_sections_and_the_readme_links_the_guide():
    text = guide()
    for anchor in re.findall(r"\]\(#([^)]+)\)", text):
        headings = [re.sub(r"[^\w\- ]", "", h).strip().lower().replace(" ", "-")
                    for h in re.findall(r"^#+ (.*)$", text, re.M)]
        assert anchor in headings, anchor
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        assert "docs/deploy.md" in f.read()


def test_the_ssh_install_steps_give_a_working_private_install(tmp_path):
    # The shell block run as written, in a fresh home with footfall unpacked to ~/footfall-src.
    home = tmp_path / "you"
    home.mkdir()
    (home / "footfall-src").symlink_to(ROOT)
    steps = code_block("sh", "compileall")
    result = subprocess.run(["bash", "-euc", steps], cwd=home, capture_output=True, text=True,
                            env={"HOME": str(home), "PATH": CGI_PATH}, check=False)
    assert result.returncode == 0, result.stderr
    key = re.search(r"read key: (\S+)", result.stdout).group(1)

    cgi_bin = home / "public_html" / "cgi-bin"
    assert oct(os.stat(cgi_bin / "stats.py").st_mode & 0o777) == "0o755"
    assert oct(os.stat(cgi_bin / "footfall" / "app.py").st_mode & 0o777) == "0o644"
    assert (home / "public_html" / "view_stats.html").exists()
    assert (home / "footfall" / "footfall.db").exists()

    # The deployed script finds ~/footfall by itself and keeps the stats private.
    script = str(cgi_bin / "stats.py")
    hit, _ = run_cgi(None, body=b"page=/install-check", script=script, home=str(home))
    assert hit.json()["counted"] is True
    refused, _ = run_cgi(None, method="GET", script=script, home=str(home))
    assert refused.status == 401
    read, _ = run_cgi(None, method="GET", script=script, home=str(home),
                      headers={"X-Footfall-Key": key})
    assert read.json()["totals"]["pageviews"] == 1


def test_the_passenger_wsgi_file_in_the_guide_serves_footfall(tmp_path):
    # Laid out as the guide says: stats.py, footfall/ and passenger_wsgi.py in ~/footfall-app.
    app_root = tmp_path / "footfall-app"
    app_root.mkdir()
    (app_root / "passenger_wsgi.py").write_text(code_block("python", "passenger_wsgi.py"))
    subprocess.run(["cp", "-R", os.path.join(ROOT, "cgi-bin", "stats.py"),
                    os.path.join(ROOT, "cgi-bin", "footfall"), str(app_root)], check=True)
    # A fresh interpreter imports it the way Passenger does, and serves two requests.
    probe = f"""
import io, json, os, sys
sys.path.insert(0, {str(app_root)!r})
os.chdir({str(app_root)!r})
from passenger_wsgi import application
def call(method, body=b""):
    seen = {{}}
    env = {{"REQUEST_METHOD": method, "QUERY_STRING": "", "REMOTE_ADDR": "192.0.2.5",
           "HTTP_USER_AGENT": {BROWSER_UA!r}, "CONTENT_LENGTH": str(len(body)),
           "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr, "wsgi.run_once": False}}
    out = b"".join(application(env, lambda status, headers: seen.update(status=status)))
    return seen["status"], json.loads(out)
print(call("POST", b"page=/passenger")[1]["counted"])
print(call("GET")[1]["totals"]["pageviews"])
"""
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            env={"PATH": CGI_PATH, "HOME": str(tmp_path)}, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "1"]
    assert (app_root / "data" / "footfall.db").exists()

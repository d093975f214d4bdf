"""scripts/report.py: the weekly report's text, and mail through a real SMTP server on loopback
(aiosmtpd, dev-only): plain, STARTTLS and TLS with a throwaway certificate, a refused login."""

import datetime
import email
import email.policy
import os
import random
import socket
import ssl
import subprocess

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from footfall.storage import breakdowns, database, events, record
from footfall_testing import NOON, ROOT
from test_scripts import run_script

# Runs against SQLite and against PostgreSQL (conftest.py). aiosmtpd cannot tell that a server
# started with ssl_context is TLS from the first byte, so the tls case turns auth_require_tls
# off, and aiosmtpd warns about it.
pytestmark = [pytest.mark.both_backends,
              pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")]

# The report runs "now": Saturday 2026-11-28, 09:30 UTC. Its week is 11-21 to 11-27.
NOW = "2026-11-28T09:30"
TODAY = datetime.date(2026, 11, 28)
PAGES = ("/", "/about", "/blog/", "/blog/hello-world", "/pricing")
REFERRERS = ("www.google.com", "news.ycombinator.com", "duckduckgo.com")
USER, PASSWORD = "owner@example.org", "correct horse battery"


POOL = []  # the visitor hashes the days draw from
WEEK_PEOPLE = {}  # True: the distinct hashes of the report's week; False: of the week before


@pytest.fixture
def week_db(db_path):
    """Fourteen days before today, drawn from a fixed seed, written into the rollups."""
    rng = random.Random(12)
    conn = database.connect(db_path)

    def write(c):
        for n in range(14, 0, -1):
            day = (TODAY - datetime.timedelta(days=n)).isoformat()
            site_visitors = site_views = 0
            for page in PAGES:
                visitors = rng.randint(0, 20 - 3 * PAGES.index(page))
                views = visitors + rng.randint(0, visitors)
                record.add_page_day(c, day, "example.com", page, visitors, views)
                site_visitors += visitors
                site_views += views
                if visitors and rng.random() < 0.6:
                    record.add_referral(c, day, "example.com", rng.choice(REFERRERS),
                                        rng.randint(1, visitors))
            record.add_site_day(c, day, "example.com", site_visitors - n % 3, site_views)
            # The day's summary as footfall keeps it when a day ends: a sketch of who came
            # (people from a pool of 150, so many come back within the week) and two events.
            came = people.sample(POOL, site_visitors - n % 3)
            WEEK_PEOPLE.setdefault(n <= 7, set()).update(came)
            breakdowns.add_summary(c, day, "example.com", {}, {}, {("", ""): set(came)}, [])
            signups = people.randint(0, 4)
            events.add_sums(c, day, "example.com", {
                ("", "", "signup"): [signups, signups + people.randint(0, 1)],
                ("", "", "outbound: github.com"): [n % 3, n % 3 * 2]})

    people = random.Random(13)
    POOL[:] = [people.randbytes(16) for _ in range(150)]
    WEEK_PEOPLE.clear()
    database.in_transaction(conn, write)
    conn.close()
    return db_path


WEEKLY_TEXT = """\
Subject: footfall: 249 visits last week (-11%)

footfall: Sat 2026-11-21 to Fri 2026-11-27

Visits                249   -11% (week before: 281)
Unique visitors       133   -2% (week before: 136)
Pageviews             399   -5% (week before: 419)
Busiest day Wed 2026-11-25, 46 visits

A visit is one visitor on one day; unique visitors count each person once over the
week, estimated within about 2%.

Top pages                                   visits  pageviews
  /                                             86        128
  /blog/                                        56         83
  /blog/hello-world                             48         86
  /about                                        48         78
  /pricing                                      18         24

Top referrers                                        pageviews
  news.ycombinator.com                                     71
  www.google.com                                           37
  duckduckgo.com                                           12

Top events                                  visitors      times  conversion
  signup                                          17         21        6.8%
  outbound: github.com                             7         14        2.8%
"""


def report(db, *args, env=None, home):
    return run_script("report.py", "--db", db, "--now", NOW, *args, env=env, home=home)


def test_weekly_report_text_for_a_seeded_week(week_db, tmp_path):
    result = report(week_db, home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == WEEKLY_TEXT


def test_weekly_unique_visitors_are_the_distinct_people_of_each_week_within_2_percent(
        week_db, tmp_path):
    # 131 different people came in the week, 135 in the one before: the report says 133, 136.
    assert (len(WEEK_PEOPLE[True]), len(WEEK_PEOPLE[False])) == (131, 135)
    for line, people in (("Unique visitors       133", 131), ("(week before: 136)", 135)):
        assert line in WEEKLY_TEXT
        estimate = int(line.split()[-1].strip("()")) if "before" in line else int(line.split()[-1])
        assert abs(estimate - people) <= 0.02 * people


def test_weekly_unique_visitors_never_exceed_the_visits(db_path, tmp_path):
    """80 visitors who each fill a register of their own: the sketch says 81, but 80 visits
    cannot hold 81 people (the dashboard's totals cap it the same way)."""
    # The top 12 bits of a hash choose its register: visitor n lands in register n.
    came = {((n << 52) | (1 << 40)).to_bytes(8, "big") * 2 for n in range(80)}
    conn = database.connect(db_path)

    def write(c):
        record.add_site_day(c, "2026-11-25", "example.com", 80, 80)
        breakdowns.add_summary(c, "2026-11-25", "example.com", {}, {}, {("", ""): came}, [])

    database.in_transaction(conn, write)
    conn.close()
    result = report(db_path, home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Visits                 80" in result.stdout
    assert "Unique visitors        80" in result.stdout


def test_weeks_kept_without_day_summaries_have_no_unique_visitor_line(db_path, tmp_path):
    conn = database.connect(db_path)
    database.in_transaction(conn, lambda c: record.add_site_day(c, "2026-11-25", "example.com",
                                                                 5, 9))
    conn.close()
    result = report(db_path, home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Visits                  5" in result.stdout
    assert "Unique" not in result.stdout and "unique" not in result.stdout
    assert "Top events" not in result.stdout


# ---------------------------------------------------------------------------------------------
# A real SMTP server on loopback
# ---------------------------------------------------------------------------------------------

class Mailbox:
    """aiosmtpd's handler: keeps every message it accepts, and whether it came over TLS."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append({"from": envelope.mail_from, "to": envelope.rcpt_tos,
                              # STARTTLS or TLS from the first byte: either way an ssl_object
                              "tls": server.transport.get_extra_info("ssl_object") is not None,
                              "authenticated": session.authenticated,
                              "message": email.message_from_bytes(envelope.content,
                                                                  policy=email.policy.default)})
        return "250 OK"


def check_login(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode()
          and auth_data.password == PASSWORD.encode())
    # handled=False: aiosmtpd answers the client itself (235, or 535 on a refusal).
    return AuthResult(success=ok, handled=False)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A throwaway self-signed certificate for 127.0.0.1, made by the openssl command."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(certificate):
    """start(security) runs an aiosmtpd server on loopback; returns (mailbox, settings env)."""
    controllers = []

    def start(security, login=True):
        mailbox = Mailbox()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*certificate)
        options = {}
        if security == "starttls":
            options = {"tls_context": context, "require_starttls": True}
        elif security == "tls":
            options = {"ssl_context": context}
        if login:
            options.update(authenticator=check_login, auth_required=True)
            if security == "tls":
                options["auth_require_tls"] = False  # aiosmtpd sees implicit TLS as plain
        port = free_port()
        controller = Controller(mailbox, hostname="127.0.0.1", port=port,
                                                    **options)
        controller.start()
        controllers.append(controller)
        env = {"FOOTFALL_SMTP_HOST": "127.0.0.1", "FOOTFALL_SMTP_PORT": str(port),
               "FOOTFALL_SMTP_SECURITY": security, "FOOTFALL_MAIL_FROM": "footfall@example.org",
               "FOOTFALL_MAIL_TO": "me@example.org, partner@example.org",
               "SSL_CERT_FILE": str(certificate[0])}  # the only certificate trusted
        if login:
            env.update(FOOTFALL_SMTP_USER=USER, FOOTFALL_SMTP_PASSWORD=PASSWORD)
        return mailbox, env

    yield start
    for controller in controllers:
        controller.stop()


@pytest.mark.parametrize("security, login", [("starttls", True), ("tls", True), ("none", False)],
                         ids=["starttls-with-login", "tls-with-login", "plain-local-server"])
def test_report_is_mailed_through_the_configured_server(week_db, tmp_path, smtp, security, login):
    mailbox, env = smtp(security, login)
    result = report(week_db, "--send", env=env, home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ("sent 'footfall: 249 visits last week (-11%)' to me@example.org, "
                             "partner@example.org\n")
    [mail] = mailbox.messages
    assert mail["to"] == ["me@example.org", "partner@example.org"]
    assert mail["tls"] is (security != "none")
    assert bool(mail["authenticated"]) is login
    message = mail["message"]
    assert message["Subject"] == "footfall: 249 visits last week (-11%)"
    assert message["From"] == "footfall@example.org"
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")  # CRLF on the wire
    assert "Subject: " + message["Subject"] + "\n\n" + text == WEEKLY_TEXT
    page = message.get_body(("html",)).get_content()
    assert "<td>news.ycombinator.com</td><td align=right>71</td>" in page


def test_password_can_come_from_the_config_file(week_db, tmp_path, smtp):
    mailbox, env = smtp("starttls")
    del env["FOOTFALL_SMTP_PASSWORD"]
    config = tmp_path / "footfall.ini"
    config.write_text(f"[footfall]\nsmtp_password = {PASSWORD}\n")
    env["FOOTFALL_CONFIG"] = str(config)
    assert report(week_db, "--send", env=env, home=tmp_path).returncode == 0
    assert len(mailbox.messages) == 1


def test_password_is_never_taken_from_the_command_line(week_db, tmp_path):
    result = report(week_db, "--password", PASSWORD, home=tmp_path)
    assert result.returncode == 2
    assert "unrecognized arguments: --password" in result.stderr


def test_refused_login_is_a_clear_error_and_exit_1(week_db, tmp_path, smtp):
    mailbox, env = smtp("starttls")
    env["FOOTFALL_SMTP_PASSWORD"] = "wrong"
    result = report(week_db, "--send", env=env, home=tmp_path)
    assert result.returncode == 1
    assert result.stderr == ("report: the SMTP server refused the login of "
                             "'owner@example.org': 535 5.7.8 Authentication credentials invalid\n")
    assert "wrong" not in result.stderr
    assert mailbox.messages == []


def test_untrusted_certificate_is_refused(week_db, tmp_path, smtp):
    mailbox, env = smtp("starttls")
    del env["SSL_CERT_FILE"]  # the system's authorities never signed the throwaway certificate
    result = report(week_db, "--send", env=env, home=tmp_path)
    assert result.returncode == 1
    assert "CERTIFICATE_VERIFY_FAILED" in result.stderr
    assert mailbox.messages == []


@pytest.mark.parametrize("drop, message", [
    ("FOOTFALL_SMTP_HOST", "report: smtp_host is not set (FOOTFALL_SMTP_HOST or the config file)"),
    ("FOOTFALL_MAIL_TO", "report: mail_to is not set (FOOTFALL_MAIL_TO or the config file)"),
], ids=["no-host", "no-recipient"])
def test_missing_mail_setting_is_named(week_db, tmp_path, smtp, drop, message):
    _mailbox, env = smtp("none", login=False)
    del env[drop]
    result = report(week_db, "--send", env=env, home=tmp_path)
    assert result.returncode == 1
    assert result.stderr == message + "\n"


def test_every_missing_mail_setting_is_named_at_once(week_db, tmp_path):
    result = report(week_db, "--send", home=tmp_path)
    assert result.returncode == 1
    assert result.stderr == ("report: smtp_host, mail_to and mail_from are not set "
                             "(FOOTFALL_SMTP_HOST, FOOTFALL_MAIL_TO and FOOTFALL_MAIL_FROM, or "
                             "the config file)\n")


# ---------------------------------------------------------------------------------------------
# The spike alert
# ---------------------------------------------------------------------------------------------

def hourly_db(db_path, today_visitors):
    """28 days of 2 visitors in each hour, 20 by 09:59; today's visitors all at 08:00."""
    conn = database.connect(db_path)
    rows = [((TODAY - datetime.timedelta(days=n)).isoformat(), hour, 2)
            for n in range(1, 29) for hour in range(24)]
    rows.append((TODAY.isoformat(), 8, today_visitors))
    database.in_transaction(conn, lambda conn: conn.executemany(
        "insert into hourly_site (day, site, hour, visitors, pageviews) "
        "values (:day, 'example.com', :hour, :visitors, :visitors)",
        [{"day": day, "hour": hour, "visitors": visitors} for day, hour, visitors in rows]))
    conn.close()
    return db_path


def test_alert_stays_quiet_at_the_multiple(db_path, tmp_path, smtp):
    mailbox, env = smtp("none", login=False)
    env["FOOTFALL_TIMEZONE"] = "UTC"
    result = report(hourly_db(db_path, 60), "--alert", "--send", env=env, home=tmp_path)
    assert result.returncode == 0
    assert result.stdout == "no spike: 60 visitors today so far, alert above 60\n"
    assert mailbox.messages == []


def test_alert_mails_above_the_multiple_of_the_median_of_the_same_hours(db_path, tmp_path, smtp):
    mailbox, env = smtp("none", login=False)
    env["FOOTFALL_TIMEZONE"] = "UTC"
    result = report(hourly_db(db_path, 61), "--alert", "--send", env=env, home=tmp_path)
    assert result.returncode == 0, result.stderr
    [mail] = mailbox.messages
    assert mail["message"]["Subject"] == "footfall: 61 visitors today by 10:00, a spike"
    # Lines travel as CRLF, as SMTP wants them.
    assert mail["message"].get_body(("plain",)).get_content().replace("\r\n", "\n") == (
        "Today (Sat 2026-11-28), 61 visitors came up to 10:00.\n"
        "On the last 28 days, the median by that hour was 20; this alert mails above 3 times "
        "that (60).\n")


def test_alert_multiple_is_a_setting(db_path, tmp_path):
    result = report(hourly_db(db_path, 61), "--alert", home=tmp_path,
                    env={"FOOTFALL_TIMEZONE": "UTC", "FOOTFALL_ALERT_MULTIPLE": "4"})
    assert result.stdout == "no spike: 61 visitors today so far, alert above 80\n"


def documented_commands():
    """The arguments of every report.py command line in docs/reports.md (shell and crontab)."""
    with open(os.path.join(ROOT, "docs", "reports.md"), encoding="utf-8") as f:
        text = f.read()
    commands = []
    for line in text.splitlines():
        if "scripts/report.py" in line and not line.startswith("`"):
            args = line.split("scripts/report.py", 1)[1].split("#", 1)[0].split()
            commands.append(args)
    return commands


def test_docs_show_the_crontab_lines():
    assert ["--send"] in documented_commands() and ["--alert", "--send"] in documented_commands()


@pytest.mark.parametrize("args", documented_commands(), ids=" ".join)
def test_every_documented_report_command_runs(week_db, tmp_path, args):
    with_hours = hourly_db(week_db, 0)
    if "--now" not in args:
        args = args + ["--now", NOW]
    result = run_script("report.py", "--db", with_hours, *args, home=tmp_path)
    if "--send" in args:  # no SMTP server configured here: the command parses, then says so
        assert result.stderr.startswith("report: smtp_host, mail_to and mail_from are not set")
    else:
        assert result.returncode == 0, result.stderr


def test_a_week_in_a_month_gone_by_counts_its_people_once_a_day(db_path, tmp_path):
    """The month's sketches are gone once it has ended (storage/people.py): the report counts
    those days' people day by day, and says so."""
    from test_insights import FIREFOX, Site

    site = Site(db_path, now=NOON - 8 * 86400)  # 2026-11-20: one visit before the week
    site.view("10.0.0.9", FIREFOX, "/a")
    site.clock.now = NOON + 2 * 86400  # 2026-11-30: three people, then again Dec 1
    for _day in range(2):
        for n in range(3):
            site.view(f"10.0.0.{n}", FIREFOX, "/a")
        site.clock.now += 86400
    result = run_script("report.py", "--db", db_path, "--now", "2026-12-02T09:30", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Visits                  6" in result.stdout
    assert "Unique visitors         6" in result.stdout
    assert "once a day on the days of a month gone by" in result.stdout

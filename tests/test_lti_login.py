"""Login from the LMS with LTI 1.3, for real: a JupyterHub on loopback and a fake LTI platform.

The hub (``tests/hub_harness.py``) loads the deploy files as the deployments do:
``deploy/tljh/jupyterhub_config.d/clinician-course.py`` (spawn settings) as TLJH
loads it, and ``lti-login.py`` (the login) as Zero to JupyterHub runs
hub.extraConfig, inside the configuration that holds the platform's issuer,
client id, authorize URL and JWKS URL. The platform (``tests/fake_lti_platform.py``)
signs id_tokens with its own RSA key and publishes the public half as a JWKS.

Each launch is driven as a browser would, with cookies: the LMS posts the
third-party login initiation to the hub -> the hub redirects to the platform's
authorization endpoint (with its nonce and state) -> the platform's page posts
the signed id_token to the hub's callback -> the hub logs the user in.

Checked: a learner and an instructor are logged in under "lms-<Canvas user id>",
only the instructor is in the graders' group, both servers start with the right
environment (instructor settings for the instructor only) and each browser
session reaches its own server and not the other's; tokens that were tampered
with, expired, signed by a key outside the JWKS, meant for another tool, or
lacking the user id are refused (4xx, no login cookie, no hub user).

Root only (OS users for the spawner); skipped with the reason elsewhere.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import sys
from html import unescape
from pathlib import Path

import pytest
import requests  # a JupyterHub dependency

import hub_harness as hh
from fake_lti_platform import INSTRUCTOR_ROLES, LEARNER_ROLES, FakePlatform, LmsUser

DEPLOY = Path(__file__).resolve().parent.parent / "deploy" / "tljh" / "jupyterhub_config.d"
LEARNER = LmsUser("1001", "Åse Ødegård", LEARNER_ROLES)
INSTRUCTOR = LmsUser("1002", "Tor Lærer", INSTRUCTOR_ROLES)
OUTSIDER = LmsUser("1003", "Per Prøve", LEARNER_ROLES)  # logs in once, at the end
SPOILED = {mode: LmsUser(str(1100 + i), "Per Prøve", LEARNER_ROLES)  # one user per spoiled token
           for i, mode in enumerate(("tamper", "expired", "foreign-key", "wrong-audience"))}
NO_ID = LmsUser("$Canvas.user.id", "Kari Uten", LEARNER_ROLES)  # the custom field was not substituted
LOGIN_COOKIE = "jupyterhub-hub-login"

REASON = hh.why_not_runnable()
pytestmark = pytest.mark.skipif(REASON is not None, reason=f"LTI login test skipped: {REASON}")

HUB_LTI_CONFIG = """
# What an admin sets (tljh-config / hub.config), here pointing at the fake platform.
c.LTI13Authenticator.issuer = {issuer!r}
c.LTI13Authenticator.client_id = {{{client_id!r}}}
c.LTI13Authenticator.authorize_url = {authorize!r}
c.LTI13Authenticator.jwks_endpoint = {jwks!r}
load_subconfig({course!r})  # as TLJH loads its jupyterhub_config.d
exec(compile(open({lti!r}, encoding="utf-8").read(), {lti!r}, "exec"))  # as Z2JH runs hub.extraConfig
# Only for this test: /srv/clinician-course does not exist here, so graders' servers start at home.
_course_hook = c.Spawner.pre_spawn_hook
def _hook(spawner):
    _course_hook(spawner)
    spawner.notebook_dir = ""
c.Spawner.pre_spawn_hook = _hook
"""


@pytest.fixture(scope="module", autouse=True)
def _system_users_one_file_at_a_time(system_users_to_myself):
    """This file creates or uses the test system users: no other such file runs meanwhile (conftest.py)."""



def hub_name(user: LmsUser) -> str:
    return f"lms-{user.canvas_id}"


@pytest.fixture(scope="module")
def setup():
    base = hh.make_base()
    homes = base / "home"
    names = [hub_name(LEARNER), hub_name(INSTRUCTOR)]
    for name in names:
        hh.delete_user(name)
    platform = FakePlatform().start()
    for user in (LEARNER, INSTRUCTOR, OUTSIDER, NO_ID, *SPOILED.values()):
        platform.users[user.sub] = user
    hub = None
    try:
        for name in names:
            entry = hh.create_user(name, homes / name)
            hh.chown_tree(homes / name, entry.pw_uid, entry.pw_gid)
        extra = HUB_LTI_CONFIG.format(issuer=platform.issuer, client_id=platform.client_id,
                                      authorize=platform.authorize_url, jwks=platform.jwks_url,
                                      course=str(DEPLOY / "clinician-course.py"), lti=str(DEPLOY / "lti-login.py"))
        scripts = str(Path(sys.executable).parent)
        environment = {"COURSE_HEADLESS": "1", "PATH": f"{scripts}:/usr/local/bin:/usr/bin:/bin"}
        hub = hh.start_hub(base, [], environment, extra_config=extra)
        yield {"hub": hub, "platform": platform}
    finally:
        if hub is not None:
            hub.users = names
            hub.stop()
        platform.stop()
        for name in names:
            hh.delete_user(name)
        shutil.rmtree(base, ignore_errors=True)


def _form(page: str) -> tuple[str, dict]:
    """The action and hidden fields of the platform's auto-posting form."""
    action = re.search(r'<form method="post" action="([^"]+)"', page)
    assert action, page[:500]
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    return unescape(action[1]), {k: unescape(v) for k, v in fields.items()}


def launch(setup, user: LmsUser, mode: str = "ok"):
    """One launch from the LMS; returns the browser session and the hub's answer to the id_token."""
    hub, platform = setup["hub"], setup["platform"]
    platform.mode = mode
    session = requests.Session()
    start = session.post(hub.url + "/hub/lti13/oauth_login", allow_redirects=False, timeout=30,
                         data=platform.login_initiation(user.sub, hub.url + "/hub/home"))
    assert start.status_code == 302, (start.status_code, start.text[:300])
    assert start.headers["Location"].startswith(platform.authorize_url + "?")
    page = session.get(start.headers["Location"], timeout=30)
    assert page.status_code == 200, page.text
    action, fields = _form(page.text)
    assert action == hub.url + "/hub/lti13/oauth_callback"
    answer = session.post(action, data=fields, allow_redirects=False, timeout=30)
    return session, answer


@pytest.fixture(scope="module")
def logged_in(setup):
    """The learner and the instructor launched from the LMS; both servers started."""
    sessions = {}
    for user in (LEARNER, INSTRUCTOR):
        session, answer = launch(setup, user)
        assert answer.status_code == 302, (answer.status_code, answer.text[:500], setup["hub"].tail())
        sessions[hub_name(user)] = (session, answer)
    setup["hub"].start_servers(list(sessions))
    return sessions


def _server_process(hub, name: str) -> tuple[str, dict[str, str]]:
    """The OS user and the environment of ``name``'s running single-user server (from /proc, as root)."""
    pid = hub.api("GET", f"/users/{name}")["servers"][""]["state"]["pid"]
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    owner = pwd.getpwuid(os.stat(f"/proc/{pid}").st_uid).pw_name
    return owner, dict(item.decode().split("=", 1) for item in raw if b"=" in item)


def test_learner_and_instructor_are_logged_in_under_their_lms_ids(setup, logged_in):
    for name, (session, answer) in logged_in.items():
        assert answer.headers["Location"] == "/hub/home"  # the target link the LMS asked for
        assert session.cookies.get(LOGIN_COOKIE), f"{name} got no login cookie"
        assert session.get(setup["hub"].url + "/hub/home", timeout=30).url.endswith("/hub/home")
    users = {u["name"]: u for u in setup["hub"].api("GET", "/users")}
    assert set(users) == {hub_name(LEARNER), hub_name(INSTRUCTOR)}


def test_only_the_instructor_is_a_grader(setup, logged_in):
    hub = setup["hub"]
    assert hub.api("GET", f"/users/{hub_name(INSTRUCTOR)}")["groups"] == ["clinician-graders"]
    assert hub.api("GET", f"/users/{hub_name(LEARNER)}")["groups"] == []
    assert not any(hub.api("GET", f"/users/{hub_name(u)}")["admin"] for u in (LEARNER, INSTRUCTOR))


def test_servers_get_the_settings_of_their_role(setup, logged_in):
    learner_owner, learner = _server_process(setup["hub"], hub_name(LEARNER))
    instructor_owner, instructor = _server_process(setup["hub"], hub_name(INSTRUCTOR))
    assert learner["JUPYTERHUB_USER"] == "lms-1001" and instructor["JUPYTERHUB_USER"] == "lms-1002"
    # nbgrader's student id: the OS user here and on TLJH (jupyter-<name> there), the hub user on Z2JH.
    assert (learner_owner, instructor_owner) == ("lms-1001", "lms-1002")
    for env in (learner, instructor):
        assert env["COURSE_EXCHANGE_ROOT"] == "/srv/nbgrader/exchange"
    assert "JUPYTER_CONFIG_PATH" not in learner and "COURSE_ROOT" not in learner
    assert instructor["JUPYTER_CONFIG_PATH"] == "/etc/jupyter/instructor"
    assert instructor["COURSE_ROOT"] == "/srv/clinician-course"


def test_each_browser_reaches_its_own_server_only(setup, logged_in):
    """JupyterLab through the hub's OAuth hand-over, with the cookies the LTI login left."""
    hub = setup["hub"]
    learner_session = logged_in[hub_name(LEARNER)][0]
    own = learner_session.get(f"{hub.url}/user/{hub_name(LEARNER)}/lab", timeout=60)
    assert own.status_code == 200 and own.url == f"{hub.url}/user/{hub_name(LEARNER)}/lab", own.url
    other = learner_session.get(f"{hub.url}/user/{hub_name(INSTRUCTOR)}/lab", timeout=60)
    assert other.status_code == 403, (other.status_code, other.url)


@pytest.mark.parametrize("mode, status", [("tamper", 400), ("expired", 400), ("foreign-key", 400),
                                          ("wrong-audience", 401)])
def test_bad_tokens_are_refused(setup, mode, status):
    session, answer = launch(setup, SPOILED[mode], mode)
    assert answer.status_code == status, (mode, answer.status_code, answer.text[:300])
    assert not session.cookies.get(LOGIN_COOKIE)
    names = {u["name"] for u in setup["hub"].api("GET", "/users")}
    assert hub_name(SPOILED[mode]) not in names


def test_a_launch_without_the_user_id_is_refused_with_a_sentence(setup):
    session, answer = launch(setup, NO_ID)
    assert answer.status_code == 400
    assert "lms_user_id=$Canvas.user.id" in unescape(answer.text)
    assert not session.cookies.get(LOGIN_COOKIE)


def test_the_same_launch_is_accepted_unspoiled(setup):
    """The refusals above are the spoiling's doing: the same kind of launch, unspoiled, logs in."""
    session, answer = launch(setup, OUTSIDER, "ok")
    assert answer.status_code == 302 and session.cookies.get(LOGIN_COOKIE)
    setup["hub"].api("DELETE", f"/users/{hub_name(OUTSIDER)}")

"""Login from the LMS (Canvas) with LTI 1.3, for the clinician course's JupyterHub.

One file for both deployments: The Littlest JupyterHub loads it from
/opt/tljh/config/jupyterhub_config.d/ (deploy/tljh/setup.sh installs it), Zero to
JupyterHub runs the same text from hub.extraConfig in deploy/z2jh/values.yaml
(tests/test_deploy_config.py checks that the two stay identical). It does nothing
until the platform's issuer is set, so a hub without LTI keeps its authenticator.

Settings the admin fills in (deploy/README.md, "Login from Canvas (LTI 1.3)"):
    LTI13Authenticator.issuer         e.g. https://canvas.instructure.com
    LTI13Authenticator.client_id      the Canvas developer key's client id
    LTI13Authenticator.authorize_url  e.g. https://sso.canvaslms.com/api/lti/authorize_redirect
    LTI13Authenticator.jwks_endpoint  e.g. https://sso.canvaslms.com/api/lti/security/jwks
(TLJH: `sudo tljh-config set auth.LTI13Authenticator.issuer ...`; Z2JH: hub.config.)

Who is who:
- hub user name = "lms-" + the LMS's own user id, sent in the custom field
  lms_user_id (Canvas: lms_user_id=$Canvas.user.id). That id is a number that never
  changes and is never reused; with the prefix it is lower-case and a valid Unix user
  name, it is the nbgrader student id, and it is the "ID" column of Canvas's
  gradebook import (course/grader/canvas_export.py). Names and e-mail addresses
  change; `sub` is stable but a 36-character opaque string nobody can read back.
- graders = anyone whose LTI context role is Instructor or one of its sub-roles
  (TeachingAssistant, Grader, ...): the hub puts them in the group
  "clinician-graders" at each login (and takes them out when the role is gone),
  and the spawn hook gives that group the instructor settings. Institution and
  system roles (an instructor elsewhere, a Canvas admin) do not count.
"""

GRADERS_GROUP = "clinician-graders"
USER_ID_FIELD = "lms_user_id"
USER_PREFIX = "lms-"
CUSTOM_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/custom"
ROLES_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/roles"
MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership"
GRADER_ROLES = frozenset({f"{MEMBERSHIP}#Instructor", "Instructor", "TeachingAssistant"})


def hub_username(claims: dict) -> str:
    """The hub user name for a verified id_token's claims: "lms-" + the LMS user id.

    The id is lower-cased and any character other than a-z and 0-9 becomes "_"
    and its hex code, so the name is always a safe Unix user name. Canvas's ids
    are digits, which pass unchanged; for another LMS, choose an id field that
    is not case-sensitive. Raises ValueError with a sentence when the LMS did
    not send the id.
    """
    custom = claims.get(CUSTOM_CLAIM) or {}
    raw = str(custom.get(USER_ID_FIELD) or "").strip()
    if not raw or raw.startswith("$"):  # Canvas sends "$Canvas.user.id" itself when it cannot substitute
        raise ValueError(
            f"The LMS did not send the user id this hub uses as the user name: add the custom field "
            f"{USER_ID_FIELD}=$Canvas.user.id to the tool's settings in the LMS (deploy/README.md).")
    safe = "".join(ch if ch.isascii() and ch.isalnum() else f"_{ord(ch):x}" for ch in raw.lower())
    return USER_PREFIX + safe


def is_grader(roles) -> bool:
    """True if any LTI role is Instructor or an Instructor sub-role (TeachingAssistant, Grader, ...)."""
    return any(r in GRADER_ROLES or r.startswith(f"{MEMBERSHIP}/Instructor#") for r in roles or ())


def login_groups(claims: dict) -> list:
    """The hub groups a login puts the user in: the graders' group, or none."""
    return [GRADERS_GROUP] if is_grader(claims.get(ROLES_CLAIM)) else []


def course_authenticator():
    """LTI13Authenticator with the course's user names and grader group (imported only when used)."""
    from ltiauthenticator.lti13.auth import LTI13Authenticator
    from ltiauthenticator.lti13.error import LoginError

    class CourseLTI13Authenticator(LTI13Authenticator):
        """Reads LTI13Authenticator's settings; names users and sets groups as the course needs."""

        def get_username(self, token):
            try:
                return hub_username(token)
            except ValueError as e:
                raise LoginError(str(e)) from None

        async def authenticate(self, handler, data=None):
            authenticated = await super().authenticate(handler, data)
            authenticated["groups"] = login_groups(data or {})
            return authenticated

    return CourseLTI13Authenticator


def lti_settings(config) -> dict:
    """The LTI13Authenticator settings the admin filled in.

    Zero to JupyterHub runs this text inside the hub's configuration, where
    hub.config's values are already in ``c``. TLJH loads it as a separate file that
    does not see config.yaml's values, so they are read from TLJH's own loader.
    """
    found = dict(config.LTI13Authenticator) if "LTI13Authenticator" in config else {}
    if found.get("issuer"):
        return found
    try:
        from tljh.configurer import load_config
    except ImportError:  # not on TLJH
        return found
    return dict((load_config().get("auth") or {}).get("LTI13Authenticator") or {})


# `c` is the hub's configuration: provided by JupyterHub's config loader (TLJH) or by
# the chart's jupyterhub_config.py, which runs hub.extraConfig in its own namespace.
if lti_settings(c).get("issuer"):  # noqa: F821
    c.JupyterHub.authenticator_class = course_authenticator()  # noqa: F821
    # Whoever the LMS launches with a valid, signed token may log in: the course's
    # enrolment in the LMS is the list of users. Install the tool in the course only.
    c.Authenticator.allow_all = True  # noqa: F821
    # The grader group follows the LTI role at every login (hub admins cannot edit it).
    c.Authenticator.manage_groups = True  # noqa: F821

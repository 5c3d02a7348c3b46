"""JupyterHub settings for the clinician course on The Littlest JupyterHub (TLJH).

Copy this file to /opt/tljh/config/jupyterhub_config.d/clinician-course.py and
run `sudo tljh-config reload hub` (deploy/tljh/setup.sh does both). TLJH reads
every .py file in that folder after its own config.yaml, as the root user that
runs the hub. Memory, CPU and idle culling stay in config.yaml (tljh-config),
where setup.sh sets them; this file only adds what tljh-config cannot express:

- every learner's environment points at the shared nbgrader exchange;
- graders (the members of the TLJH group "clinician-graders", or, with login
  from the LMS, of the hub group of that name: lti-login.py) get the
  instructor's nbgrader and server settings, the gradebook address, and a
  server that opens in the course folder, which the formgrader requires.
"""

import os

COURSE_ROOT = "/srv/clinician-course"          # the instructors' clone of the course repository
EXCHANGE_ROOT = "/srv/nbgrader/exchange"       # shared by everyone; mode 0777, see setup.sh
INSTRUCTOR_CONFIG_DIR = "/etc/jupyter/instructor"  # nbgrader_config.py + jupyter_server_config.json
GRADEBOOK_URL_FILE = "/etc/clinician-course/gradebook-url"  # root-only (0600), one line
GRADERS_GROUP = "clinician-graders"

c = get_config()  # noqa: F821 (provided by JupyterHub when it reads this file)


def graders() -> frozenset[str]:
    """Hub user names of the graders, as listed in TLJH's config.yaml.

    Managed with tljh-config, which also puts their system users (jupyter-<name>)
    in the Unix group that may write to the course folder:
        sudo tljh-config add-item users.extra_user_groups.clinician-graders <hub user name>
        sudo tljh-config reload
    Read at every spawn (TLJH loads this file on its own, without its config.yaml values).
    """
    try:
        from tljh.configurer import load_config
    except ImportError:  # not on a TLJH hub (e.g. the repository's tests)
        return frozenset()
    groups = load_config().get("users", {}).get("extra_user_groups") or {}
    return frozenset(groups.get(GRADERS_GROUP) or [])


def _gradebook_url() -> str | None:
    """The PostgreSQL address for graders, read from a file only root can read."""
    try:
        with open(GRADEBOOK_URL_FILE, encoding="utf-8") as f:
            return f.read().strip() or None
    except OSError:
        return None


def is_grader(spawner) -> bool:
    """Listed in TLJH's grader group, or put in the hub group of that name by the LTI login."""
    hub_groups = {g.name for g in getattr(spawner.user, "groups", None) or ()}
    return spawner.user.name in graders() or GRADERS_GROUP in hub_groups


def course_environment(spawner):
    """Per-user settings, applied just before each server starts."""
    env = dict(spawner.environment)
    # The course's own nbgrader_config.py reads this; learners' global file sets the same path.
    env["COURSE_EXCHANGE_ROOT"] = EXCHANGE_ROOT
    if is_grader(spawner):
        # TLJH adds the system user to the Unix groups of user_groups when the server
        # starts: graders from the LMS need the one that may write to the course folder.
        groups = getattr(spawner, "user_groups", None)
        if isinstance(groups, dict) and spawner.user.name not in groups.get(GRADERS_GROUP, ()):
            spawner.user_groups = {**groups, GRADERS_GROUP: [*groups.get(GRADERS_GROUP, ()), spawner.user.name]}
        # First on the config path: the instructor's nbgrader settings and, for the
        # formgrader's frame, Content-Security-Policy "frame-ancestors 'self'".
        env["JUPYTER_CONFIG_PATH"] = INSTRUCTOR_CONFIG_DIR
        env["COURSE_ROOT"] = COURSE_ROOT
        url = _gradebook_url()
        if url:
            env["COURSE_GRADEBOOK_URL"] = url
        # The formgrader only works when the course folder lies inside the server's root.
        spawner.notebook_dir = COURSE_ROOT
    spawner.environment = env


c.Spawner.pre_spawn_hook = course_environment

# Slow first starts (a new system user, a cold disk cache) should not fail the spawn.
c.Spawner.start_timeout = 120

#!/usr/bin/env bash
# Set up the clinician course on one Ubuntu server with The Littlest JupyterHub (TLJH).
#
#   sudo git clone https://github.com/clinician-course/clinician-course /opt/clinician-course
#   sudo bash /opt/clinician-course/deploy/tljh/setup.sh ADMIN [GRADER ...]
#
# ADMIN is the hub user name of the first administrator (TLJH creates it);
# ADMIN and every GRADER become graders of the course. Run it again after
# `git pull` in /opt/clinician-course to update the installed course; it only
# creates what is missing and never touches learners' files, the course
# folder's grading/ or the gradebook. deploy/README.md explains each step.
set -euo pipefail

ADMIN="${1:?usage: sudo bash deploy/tljh/setup.sh ADMIN_HUB_USER [GRADER_HUB_USER ...]}"
GRADERS=("$@")
COURSE_PKG="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"  # this clone: package + data for everyone
COURSE_ROOT=/srv/clinician-course        # the graders' course folder (nbgrader's course root)
EXCHANGE=/srv/nbgrader/exchange          # nbgrader's shared exchange
GROUP=clinician-graders                  # TLJH puts graders' system users (jupyter-NAME) in it
USER_ENV=/opt/tljh/user                  # TLJH's environment for every user's server
TLJH_CONFIG=/opt/tljh/config
GRADEBOOK_URL_FILE=/etc/clinician-course/gradebook-url

[ "$(id -u)" = 0 ] || { echo "Run this as root (sudo)." >&2; exit 1; }

# 1. The Littlest JupyterHub itself, with ADMIN as its first admin (skipped if installed).
if [ ! -x "$USER_ENV/bin/python" ]; then
  curl -fsSL https://tljh.jupyter.org/bootstrap.py | python3 - --admin "$ADMIN"
fi

# 2. The course requires Python 3.11 (pyproject.toml); TLJH's user environment must match.
pyver="$("$USER_ENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
if [ "$pyver" != "3.11" ]; then
  echo "TLJH's user environment ($USER_ENV) runs Python $pyver; the course needs 3.11." >&2
  echo "Give TLJH a Python 3.11 user environment (see TLJH's documentation), then run this again." >&2
  exit 1
fi

# 3. The course's packages (JupyterLab, nbgrader, the scientific stack) and the course
#    package itself, for every user. nbgitpuller serves the content links; psycopg (3)
#    lets nbgrader talk to PostgreSQL.
chmod -R a+rX "$COURSE_PKG"
"$USER_ENV/bin/python" -m pip install --quiet -e "$COURSE_PKG"
"$USER_ENV/bin/python" -m pip install --quiet nbgitpuller "psycopg[binary]>=3.2,<4"
#    JupyterLab settings as on Binder: no news pop-up or update check, cell run
#    times recorded in the notebook (recordTiming, for the time-on-task report).
mkdir -p "$USER_ENV/share/jupyter/lab/settings"
cp "$COURSE_PKG/jupyterlab-overrides.json" "$USER_ENV/share/jupyter/lab/settings/overrides.json"
#    Links in lesson text underlined (jupyterlab-custom/custom.css says why): Jupyter Server
#    serves custom.css from its own package's static/custom/ when LabApp.custom_css is on.
custom_dir="$("$USER_ENV/bin/python" -c 'import jupyter_server, os; print(os.path.join(os.path.dirname(jupyter_server.__file__), "static", "custom"))')"
install -D -m 0644 "$COURSE_PKG/jupyterlab-custom/custom.css" "$custom_dir/custom.css"
install -D -m 0644 /dev/stdin "$USER_ENV/etc/jupyter/jupyter_server_config.d/clinician-course.json" <<'JSON'
{"LabApp": {"custom_css": true}}
JSON

# 4. nbgrader settings. Learners: a global file in the user environment. Graders: a folder
#    the hub puts first on their JUPYTER_CONFIG_PATH, with the instructor settings and the
#    server setting that lets the formgrader be shown in JupyterLab's tab.
install -D -m 0644 "$COURSE_PKG/deploy/nbgrader_config.learner.py" "$USER_ENV/etc/jupyter/nbgrader_config.py"
install -D -m 0644 "$COURSE_PKG/deploy/nbgrader_config.instructor.py" /etc/jupyter/instructor/nbgrader_config.py
cat > /etc/jupyter/instructor/jupyter_server_config.json <<'JSON'
{"ServerApp": {"tornado_settings": {"headers": {"Content-Security-Policy": "frame-ancestors 'self'"}}}}
JSON
chmod 0644 /etc/jupyter/instructor/jupyter_server_config.json
#    Everyone: a lesson's kernel left running after its tab was closed, idle for 30 min,
#    is shut down and its memory freed (kernels with an open tab are never touched).
cat > /etc/jupyter/jupyter_server_config.json <<'JSON'
{"MappingKernelManager": {"cull_idle_timeout": 1800, "cull_interval": 300, "cull_connected": false}}
JSON
chmod 0644 /etc/jupyter/jupyter_server_config.json

# 5. The exchange: every user must be able to write to its top folder; nbgrader sets
#    tighter modes on what it creates inside (learners cannot list others' submissions).
mkdir -p "$EXCHANGE"
chmod 0755 "$(dirname "$EXCHANGE")"
chmod 0777 "$EXCHANGE"

# 6. Graders: a Unix group (TLJH adds each grader's system user to it when their server
#    starts) and the course folder, a clone of this repository that only they can enter.
#    Default ACLs keep every file they create writable by the whole group.
getent group "$GROUP" >/dev/null || groupadd "$GROUP"
in_group() {  # is hub user $1 already listed in TLJH's config for $GROUP?
  /opt/tljh/hub/bin/python3 -c 'import sys
from tljh.configurer import load_config
groups = load_config()["users"].get("extra_user_groups") or {}
sys.exit(sys.argv[2] not in (groups.get(sys.argv[1]) or []))' "$GROUP" "$1"
}
for grader in "${GRADERS[@]}"; do
  in_group "$grader" || tljh-config add-item "users.extra_user_groups.$GROUP" "$grader"
done
if [ ! -d "$COURSE_ROOT/.git" ]; then
  git clone --quiet "$COURSE_PKG" "$COURSE_ROOT"
  git -C "$COURSE_ROOT" remote set-url origin "$(git -C "$COURSE_PKG" remote get-url origin)"
fi
command -v setfacl >/dev/null || { apt-get update -qq && apt-get install -y -qq acl; }
chgrp -R "$GROUP" "$COURSE_ROOT"
chmod -R g+rwX,o-rwx "$COURSE_ROOT"
find "$COURSE_ROOT" -type d -exec chmod g+s {} +
setfacl -R -m "g:$GROUP:rwX" -m "d:g:$GROUP:rwX" "$COURSE_ROOT"
git -C "$COURSE_ROOT" config core.sharedRepository group
#    Several system users work in one clone: tell git that is intended.
git config --system --get-all safe.directory | grep -qx "$COURSE_ROOT" ||
  git config --system --add safe.directory "$COURSE_ROOT"

# 7. The gradebook for several graders: PostgreSQL on this server, with a generated
#    password kept in a file only root reads (the hub passes it to graders' servers).
#    Skip this step with COURSE_GRADEBOOK=sqlite to keep the course folder's SQLite file
#    (safe for one grader at a time).
if [ "${COURSE_GRADEBOOK:-postgresql}" = postgresql ] && [ ! -s "$GRADEBOOK_URL_FILE" ]; then
  command -v psql >/dev/null || { apt-get update -qq && apt-get install -y -qq postgresql; }
  password="$(openssl rand -hex 24)"
  # The password goes through standard input, not the command line (which others can see).
  sudo -u postgres psql -q -v ON_ERROR_STOP=1 <<SQL
\set password '$password'
CREATE ROLE clinician_grader LOGIN PASSWORD :'password';
CREATE DATABASE clinician_course OWNER clinician_grader;
SQL
  install -d -m 0700 "$(dirname "$GRADEBOOK_URL_FILE")"
  (umask 077 && printf 'postgresql://clinician_grader:%s@localhost:5432/clinician_course\n' "$password" \
    > "$GRADEBOOK_URL_FILE")
fi

# 8. Per-learner limits and idle culling (TLJH's own settings). A single server has no
#    scheduler, so there are no guarantees: size the machine instead (deploy/README.md).
#    The memory limit is the one benchmarks/hub_capacity.py derives (deploy/capacity.json):
#    a JupyterLab server (128 MiB) and four kernels at the largest measured peak (216 MiB),
#    plus a quarter. CPU: one core per learner at most.
tljh-config set limits.memory 1280M
tljh-config set limits.cpu 1
tljh-config set services.cull.enabled true
tljh-config set services.cull.timeout 3600
tljh-config set services.cull.every 300
tljh-config set user_environment.default_app jupyterlab

# 9. The hub settings that tljh-config cannot express (exchange path for everyone;
#    instructor settings, gradebook and course folder for graders), then reload.
#    lti-login.py (login from Canvas) stays inactive until auth.LTI13Authenticator.issuer
#    is set with tljh-config (deploy/README.md, "Login from Canvas (LTI 1.3)").
/opt/tljh/hub/bin/python3 -m pip install --quiet "jupyterhub-ltiauthenticator==1.6.3"
for file in clinician-course.py lti-login.py; do
  install -D -m 0644 "$COURSE_PKG/deploy/tljh/jupyterhub_config.d/$file" "$TLJH_CONFIG/jupyterhub_config.d/$file"
done
tljh-config reload hub

echo "Done. Graders: ${GRADERS[*]}. Next: the content link and the first release (deploy/README.md)."

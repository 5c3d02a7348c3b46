#!/usr/bin/env bash
# One entry point for trainees, instructors and CI.
#   ./course.sh open    set up (first time only) and open the course in JupyterLab
#   ./course.sh open --lang nb   the same, in Norwegian bokmål (lessons, feedback and JupyterLab's menus)
#   ./course.sh test    set up (first time only) and run the whole test suite
#   ./course.sh bench   run every benchmark (figures, not tests; see benchmarks/run_all.py)
# Everything is installed into .venv/ inside this folder; nothing global.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

VENV=.venv
PY="$VENV/bin/python"

say() { printf '\033[1m%s\033[0m\n' "$*" >&2; }

find_python() {
  for candidate in python3.11 python3 python; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  say "This course needs Python 3.11. Install it (e.g. from python.org or your package manager) and run this again."
  exit 1
}

# ensure_env EXTRAS: create .venv and install the course with EXTRAS ("" or "test"),
# skipping pip when pyproject.toml has not changed since the last install.
ensure_env() {
  local extras="$1" spec="." stamp
  [ -n "$extras" ] && spec=".[$extras]"
  stamp="$VENV/.installed${extras:+-$extras}"
  if [ ! -x "$PY" ]; then
    say "Creating the course's virtual environment in $VENV ..."
    "$(find_python)" -m venv "$VENV"
  fi
  local want; want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "Installing the course's packages (first run only; a few minutes) ..."
    "$PY" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$PY" -m pip install --quiet --disable-pip-version-check -e "$spec"
    echo "$want" > "$stamp"
  fi
  # JupyterLab settings for trainees: no news pop-up or update check, and cell run
  # times recorded in the notebook (recordTiming; read by the instructor report).
  local overrides="$VENV/share/jupyter/lab/settings"
  mkdir -p "$overrides"
  cp jupyterlab-overrides.json "$overrides/overrides.json"
  # The course's custom.css (links in lesson text underlined: jupyterlab-custom/custom.css says why),
  # where Jupyter Server looks for it in this environment; loaded with --LabApp.custom_css=True.
  local custom; custom="$("$PY" -c 'import jupyter_server, os; print(os.path.join(os.path.dirname(jupyter_server.__file__), "static", "custom"))')"
  mkdir -p "$custom"
  cp jupyterlab-custom/custom.css "$custom/custom.css"
}

# apt_install PACKAGE WHAT: a Debian package some tests need, installed with apt when we are
# root (as in CI); otherwise say how, and those tests skip with a sentence.
apt_install() {
  local package="$1" what="$2"
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "Installing $package for $what (first run only) ..."
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null; } ||
      say "Could not install $package with apt-get; $what will be skipped."
  else
    say "${what^} need the Debian package $package and will be skipped. To run them: sudo apt-get update && sudo apt-get install -y $package"
  fi
}

cmd="${1:-}"; shift || true
case "$cmd" in
  open)
    lang=en
    if [ "${1:-}" = "--lang" ]; then lang="${2:-}"; shift 2 || shift; fi
    case "$lang" in
      en) folder=student ;;
      nb) folder=student-nb ;;
      *) say "The course is available in English (--lang en) and Norwegian bokmål (--lang nb), not '$lang'."; exit 2 ;;
    esac
    ensure_env ""
    "$PY" -m course.publish.student --lang "$lang"
    # custom.css (installed by ensure_env) underlines links in the lessons' text.
    args=(--ServerApp.root_dir="$PWD" --LabApp.news_url=None --LabApp.custom_css=True)
    if [ "$lang" = nb ]; then
      # Kernels give feedback in bokmål; JupyterLab's menus use its Norwegian language pack.
      # The bokmål edition keeps its own JupyterLab settings, so the English one is untouched.
      export COURSE_LANG=nb
      export JUPYTERLAB_SETTINGS_DIR="$PWD/$VENV/lab-settings-nb"
      "$PY" -m course.i18n lab-settings "$JUPYTERLAB_SETTINGS_DIR"
      say "Åpner kurset på norsk bokmål. Stopp det med Ctrl+C i dette vinduet."
    else
      say "Opening the course. Stop it with Ctrl+C in this window."
    fi
    # The whole repository is visible, as on Binder; trainees work in student/ (student-nb/ in bokmål).
    [ "$(id -u)" = 0 ] && args+=(--allow-root)
    exec "$VENV/bin/jupyter" lab "${args[@]}" "$@" "$PWD/$folder/START-HERE.ipynb"
    ;;
  test)
    ensure_env "test"
    # The browser tests (tests/browser) drive Debian's Chromium, never `playwright install`.
    [ -x /usr/bin/chromium ] || apt_install chromium "the browser tests"
    # The PostgreSQL gradebook tests start their own server (initdb in a temporary folder, as an
    # unprivileged user); Debian keeps initdb in /usr/lib/postgresql/<version>/bin.
    if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
      apt_install postgresql "the PostgreSQL gradebook tests"
    fi
    # From npm into .cache/node: configurable-http-proxy (the multi-user JupyterHub and LTI login
    # tests) and axe-core (the accessibility audit in tests/browser).
    node_packages="configurable-http-proxy@5.3.0 axe-core@4.11.0"
    if [ "$(cat .cache/node/.installed 2>/dev/null)" != "$node_packages" ]; then
      if command -v npm >/dev/null 2>&1; then
        say "Installing $node_packages from npm for the hub and accessibility tests (first run only) ..."
        mkdir -p .cache/node
        # shellcheck disable=SC2086
        if npm install --no-audit --no-fund --silent --prefix .cache/node $node_packages >/dev/null 2>&1; then
          echo "$node_packages" > .cache/node/.installed
        else
          say "Could not install $node_packages with npm; the JupyterHub, LTI and axe-core tests will be skipped."
        fi
      else
        say "The JupyterHub, LTI and axe-core tests need npm (Node.js) and will be skipped."
      fi
    fi
    # Isolated grading is tested for real when we are root (CI): sandbox users, and
    # traverse permission on the way to Python (see course/grader/sandbox_setup.py).
    if [ "$(id -u)" = 0 ]; then
      "$PY" -m course.grader.sandbox_setup --users 2 >/dev/null ||
        say "Could not prepare isolated grading; its tests will fail with the reason."
    fi
    # Two processes, one test file at a time each (a notebook's nbval cells share one kernel);
    # see tests/conftest.py. `./course.sh test -n 0 ...` runs in this one process.
    exec "$PY" -m pytest -n 2 --dist loadfile "$@"
    ;;
  bench)
    ensure_env "test"
    exec "$PY" benchmarks/run_all.py "$@"
    ;;
  *)
    echo "usage: ./course.sh open [--lang en|nb] | test [pytest options] | bench" >&2
    exit 2
    ;;
esac

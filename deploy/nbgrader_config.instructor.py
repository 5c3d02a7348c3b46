"""nbgrader configuration for instructors and graders on the course's JupyterHub.

The hub puts the folder holding this file (as nbgrader_config.py, beside
jupyter_server_config.json) first on graders' JUPYTER_CONFIG_PATH, so for them
it takes precedence over the learners' global file; learners never load it.
deploy/README.md shows where each deployment installs it. It holds no password:
the gradebook's address comes from the environment.

It first loads the course repository's own nbgrader_config.py (the folder
layout, timeouts, the robust grading preprocessors), so the Formgrader and
every nbgrader command see the same course wherever they start, then sets what
differs on the hub. nbgrader also reads the nbgrader_config.py of the folder a
command runs in, last: in the course folder that is the repository's file
again, which reads COURSE_GRADEBOOK_URL and COURSE_EXCHANGE_ROOT as well.
"""

import os

c = get_config()  # noqa: F821 (provided by nbgrader when it reads this file)

COURSE_ROOT = os.environ.get("COURSE_ROOT", "/srv/clinician-course")
load_subconfig(os.path.join(COURSE_ROOT, "nbgrader_config.py"))  # noqa: F821 (provided by traitlets)

c.CourseDirectory.course_id = "clinician-course"

# The same shared exchange as the learners.
c.Exchange.root = os.environ.get("COURSE_EXCHANGE_ROOT") or "/srv/nbgrader/exchange"

# The learners' file may pin CourseDirectory.student_id to the user's own name;
# for an instructor it must stay the wildcard, or `nbgrader collect`, autograde
# and feedback would only ever see the instructor.
c.CourseDirectory.student_id = "*"

# One gradebook for several graders: PostgreSQL, e.g.
#   COURSE_GRADEBOOK_URL=postgresql://grader:<password>@<db host>:5432/clinician_course
# put into graders' environment by the hub from a secret, never written into the
# repository. It needs the PostgreSQL driver psycopg 3 (psycopg[binary]) in the environment.
# Without it, the course folder's SQLite file stays in use: one grader at a time.
if os.environ.get("COURSE_GRADEBOOK_URL"):
    c.CourseDirectory.db_url = os.environ["COURSE_GRADEBOOK_URL"]

# A log file makes hub-side problems (exchange permissions, formgrader) traceable.
c.NbGrader.logfile = os.path.expanduser("~/.nbgrader.log")

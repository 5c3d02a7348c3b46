"""nbgrader configuration for every learner on the course's JupyterHub.

Install it where every user's nbgrader finds it:
- The Littlest JupyterHub: /opt/tljh/user/etc/jupyter/nbgrader_config.py (deploy/tljh/setup.sh copies it);
- Zero to JupyterHub: /etc/jupyter/nbgrader_config.py (singleuser.extraFiles in deploy/z2jh/values.yaml
  holds the same text; tests/test_deploy_config.py checks that the two stay identical).

It holds no secret and nothing an instructor needs: graders load
deploy/nbgrader_config.instructor.py as well, which takes precedence.
"""

import os

c = get_config()  # noqa: F821 (provided by nbgrader when it reads this file)

# The one course on this hub; learners never need --course.
c.CourseDirectory.course_id = "clinician-course"

# The shared exchange: a folder every learner's server mounts at the same path.
# Releases are read from it, submissions and feedback go through it.
c.Exchange.root = "/srv/nbgrader/exchange"

# Which name a submission carries. nbgrader uses the operating-system user by
# default. On Zero to JupyterHub every learner runs as the same user (jovyan),
# so the hub's user name must be used instead: values.yaml sets
# COURSE_STUDENT_ID_FROM_HUB=1 for that. On The Littlest JupyterHub each learner
# is a separate system user (jupyter-<name>), whose ownership of the submitted
# files nbgrader checks when collecting, so the default is kept there.
if os.environ.get("COURSE_STUDENT_ID_FROM_HUB") == "1" and os.environ.get("JUPYTERHUB_USER"):
    c.CourseDirectory.student_id = os.environ["JUPYTERHUB_USER"]

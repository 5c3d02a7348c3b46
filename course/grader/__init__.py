"""The instructor's grading engine: nothing a lesson imports.

One module per job, in the order a grading run uses them:

- ``nbgrader_api``: the course's nbgrader configuration and API calls;
- ``triage``: look over a submission before nbgrader runs;
- ``tamper_scan``: find code that changes how answers are checked;
- ``preprocessors``: the nbgrader preprocessors chained by ``nbgrader_config.py``;
- ``sandbox``: the launcher that starts a grading kernel with limits
  (``sandbox_setup`` prepares a machine for isolated grading);
- ``isolation``: what a grading kernel must and must not reach;
- ``gradebook``: snapshot, read and write the gradebook state autograding sets;
- ``notes``: the one-line grading notes, their format and where they are kept;
- ``parallel``: autograde a cohort in several processes;
- ``report``: the instructor report and the LMS grade file;
- ``lifecycle``: the nbgrader steps its API leaves out (learner side, manual grades, export).

This file imports nothing: the sandbox launcher runs before a kernel starts
and must stay fast.
"""

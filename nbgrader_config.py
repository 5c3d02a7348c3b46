"""nbgrader configuration for the course (read from the repository root).

``modules/<assignment>/`` is the source of each assignment; every other
nbgrader folder, the gradebook and the grade export live under ``grading/``,
which git ignores because they hold learners' names and work.
See grading/README.md for the instructor's commands.
"""

import os

c = get_config()  # noqa: F821 (provided by nbgrader when it reads this file)

_here = os.path.dirname(os.path.abspath(__file__))
_grading = os.path.join(_here, "grading")

c.CourseDirectory.course_id = "clinician-course"
c.CourseDirectory.root = _here
c.CourseDirectory.source_directory = "modules"

# The course language of this course run: English (default) or Norwegian bokmål. An
# instructor who runs the course in bokmål sets COURSE_LANG=nb in the graders' and the
# learners' environment (grading/README.md, "Running the course in bokmål"). The
# assignments then come from the generated bokmål edition (python -m course.i18n build
# build/nb), with the same assignment names, cells and grade ids as the English source,
# so the gradebook is the same; kernels inherit COURSE_LANG and give feedback in bokmål.
COURSE_LANG = (os.environ.get("COURSE_LANG") or "en").strip().lower()
if COURSE_LANG == "nb":
    c.CourseDirectory.source_directory = os.path.join("build", "nb", "modules")
c.CourseDirectory.release_directory = os.path.join("grading", "release")
c.CourseDirectory.submitted_directory = os.path.join("grading", "submitted")
c.CourseDirectory.autograded_directory = os.path.join("grading", "autograded")
c.CourseDirectory.feedback_directory = os.path.join("grading", "feedback")
c.CourseDirectory.solution_directory = os.path.join("grading", "solution")
# Only the lesson notebooks are converted; data and helpers come from the
# installed `course` package, never copied into a release.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".*"]

# The gradebook: a SQLite file for one grader; a team on a hub sets COURSE_GRADEBOOK_URL
# (postgresql://...) in the graders' environment (deploy/README.md), never in this file.
c.CourseDirectory.db_url = os.environ.get("COURSE_GRADEBOOK_URL") or "sqlite:///" + os.path.join(_grading, "gradebook.db")
c.ExportPlugin.to = os.path.join(_grading, "grades.csv")

# Local file exchange for a single machine. On JupyterHub every user points at one
# shared folder: set COURSE_EXCHANGE_ROOT (e.g. /srv/nbgrader/exchange) in their environment.
c.Exchange.root = os.environ.get("COURSE_EXCHANGE_ROOT") or os.path.join(_grading, "exchange")

# A learner's infinite loop is stopped at the assignment's per-cell limit, and later
# cells still run. The limit is 20x the slowest cell of the instructor's own run of the
# source, at least 10 s (python -m course.grader.cell_limit measure A, after
# generate_assignment; stored in grading/release/.cell-limits/, see grading/README.md).
# These 120 s apply only to an assignment without a stored limit (the log says so);
# c.SandboxedExecute.cell_limit = N would force N seconds for every assignment.
# Both names are read by different nbgrader steps.
c.Execute.timeout = 120
c.ExecutePreprocessor.timeout = 120
# A kernel that takes longer than nbclient's default 60 s to start (a busy hub or CI
# machine grading several submissions at once) would cost the learner the whole
# notebook's score; give it three minutes.
c.Execute.startup_timeout = 180
c.ExecutePreprocessor.startup_timeout = 180

# A deleted test cell is restored from the gradebook, so it is still graded.
c.OverwriteCells.add_missing_cells = True

# Feedback must not reveal hidden tests: nbgrader's default feedback shows
# every test cell in full. Learners still see their score and the course's
# one-line message and hint for each failed check.
# A full traceback in a test cell quotes the lines around the error, which can be
# hidden tests: feedback keeps only each error's last line.
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import ClearHiddenTests, GetGrades  # noqa: E402

from course.grader.preprocessors import ShortTestTracebacks  # noqa: E402

c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, ShortTestTracebacks, CSSHTMLHeaderPreprocessor]

# Stubs left in the student version. The code stub is `feedback.not_answered()` under a
# comment (course/feedback.py): in an unanswered answer cell it prints one plain line
# ("Write your answer here, then run the check below.") instead of a red traceback; inside
# a function it raises course.errors.StubStillThere, so every test still fails and says
# "Not answered yet" in a sentence. Every lesson's Setup cell imports `feedback`.
from course.feedback import CODE_STUB  # noqa: E402

c.ClearSolutions.code_stub = {"python": CODE_STUB}
from course.i18n import TEXT_STUBS  # noqa: E402

c.ClearSolutions.text_stub = TEXT_STUBS.get(COURSE_LANG, TEXT_STUBS["en"])

# Autograding that survives any submission (course/grader/preprocessors.py), one
# job per step: code that changes the checking helpers is not run and scores 0
# with a reason (TamperGate); each kernel gets a memory and CPU-time limit, and a
# cell that kills the kernel or runs past the time limit is skipped while the
# rest is still graded (SandboxedExecute, in place of nbgrader's Execute); a
# hidden last cell confirms the helpers are the course's own (AddIntegrityCheck,
# VerifyIntegrity); outputs are capped in size (LimitOutputSize); one-line notes
# for the instructor are kept in each autograded notebook (SaveGradingNotes).
# (python -m course.grader.parallel --isolate also runs the kernels as
# unprivileged users: see grading/README.md.)
from nbconvert.preprocessors import ClearMetadataPreprocessor  # noqa: E402
from nbgrader.preprocessors import (  # noqa: E402
    AssignLatePenalties, CheckCellMetadata, IgnorePattern, SaveAutoGrades)

from course.grader.preprocessors import (  # noqa: E402
    AddIntegrityCheck, LimitOutputSize, SandboxedExecute, SaveGradingNotes, TamperGate, VerifyIntegrity)

c.Autograde.autograde_preprocessors = [
    TamperGate, AddIntegrityCheck, SandboxedExecute, VerifyIntegrity, IgnorePattern, ClearMetadataPreprocessor,
    LimitOutputSize, SaveAutoGrades, AssignLatePenalties, CheckCellMetadata, SaveGradingNotes,
]
c.SandboxedExecute.memory_mb = 2048    # address space per grading kernel
c.SandboxedExecute.cpu_seconds = 600   # CPU time per notebook

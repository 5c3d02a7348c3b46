"""Tools for authors and maintainers: checking lessons and publishing the course.

- ``lesson_checks``: hygiene, structure and citation checks of every lesson;
- ``accessibility``: checks of every demo (labels, keyboard, palette, alt text);
- ``student``: build the learners' copy in ``student/``;
- ``edition``: the read-only HTML edition;
- ``datasets``: regenerate every dataset the course makes itself.
"""

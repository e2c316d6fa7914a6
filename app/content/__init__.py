"""Course content: lessons and tests as Markdown files with embedded questions.

Pure Python, no Flask: parse files (`parser`), render prose to HTML (`render`), load a whole
course (`loader`), grade answers (`grading`) and validate everything (`checks`).
"""

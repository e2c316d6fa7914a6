"""The languages of the programme: the one list. Pure (no Flask), so that the content package
and the web app read the same list."""

LANGUAGES = ("kk", "ru")
DEFAULT_LANGUAGE = LANGUAGES[0]  # Kazakh: the programme's language, and the author's first file

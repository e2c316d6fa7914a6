"""The kinds of learner events (pure: shared by the models and the progress rules)."""


class EventKind:
    LESSON_OPENED = "lesson_opened"
    ANSWER = "answer"
    LESSON_FINISHED = "lesson_finished"
    TEST_TAKEN = "test_taken"
    SURVEY_ANSWERED = "survey_answered"
    # A practice exercise (app/content/exercise.py): one event per move, then its result.
    EXERCISE_MOVE = "exercise_move"
    EXERCISE_DONE = "exercise_done"
    # The account's own history (app/people.py): a move to another village, and a duplicate
    # account joined to the one the person keeps ("merged into", followed by the queries).
    MOVED = "moved"
    MERGED = "merged"


ACCOUNT_ITEM = "account"  # the item id of MOVED and MERGED events
# The account's history, not taking part: a learner with only these has not been "reached".
ACCOUNT_KINDS = frozenset({EventKind.MOVED, EventKind.MERGED})


def exercise_item(lesson_id: str, exercise_id: str) -> str:
    """The item id of a lesson's exercise: its events and summary are apart from the lesson's."""
    return f"{lesson_id}/{exercise_id}"

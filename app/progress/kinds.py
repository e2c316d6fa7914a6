"""The kinds of learner events (pure: shared by the models and the progress rules)."""


class EventKind:
    LESSON_OPENED = "lesson_opened"
    ANSWER = "answer"
    LESSON_FINISHED = "lesson_finished"
    TEST_TAKEN = "test_taken"
    SURVEY_ANSWERED = "survey_answered"
    # The account's own history (app/people.py): a move to another village, and a duplicate
    # account joined to the one the person keeps ("merged into", followed by the queries).
    MOVED = "moved"
    MERGED = "merged"


ACCOUNT_ITEM = "account"  # the item id of MOVED and MERGED events
# The account's history, not taking part: a learner with only these has not been "reached".
ACCOUNT_KINDS = frozenset({EventKind.MOVED, EventKind.MERGED})

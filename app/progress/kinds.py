"""The kinds of learner events (pure: shared by the models and the progress rules)."""


class EventKind:
    LESSON_OPENED = "lesson_opened"
    ANSWER = "answer"
    LESSON_FINISHED = "lesson_finished"
    TEST_TAKEN = "test_taken"
    SURVEY_ANSWERED = "survey_answered"

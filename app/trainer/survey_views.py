"""A trainer types in a learner's paper survey."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..content.grading import InvalidAnswer
from ..course import get_course
from ..errors import NOT_FITTING, render_error
from ..i18n import current_language
from ..progress import record
from ..surveys import parse_survey
from .views import _learner_or_404, bp


@bp.route("/learner/<learner_id>/survey/<survey_id>", methods=["GET", "POST"])
def survey_entry(learner_id: str, survey_id: str):
    person = _learner_or_404(learner_id)
    survey = get_course().surveys.get(survey_id)
    if survey is None:
        abort(404)
    lang = current_language()
    if request.method == "POST":
        try:
            answers = parse_survey(survey, request.form.to_dict(flat=False), lang)
        except InvalidAnswer:
            return render_error(400, str(NOT_FITTING))
        record.answer_survey(person, survey, answers, lang, entered_by=current_user)
        flash(_("The survey is saved."), "info")
        return redirect(url_for("trainer.learner", learner_id=person.id))
    # The paper form is kept beside the learner's own answers, never over them (the report uses
    # the learner's own when there are any): the form shows the last paper entry only.
    return render_template("trainer/survey_entry.html", person=person, survey=survey, variant=survey.variant(lang),
                           answers=record.survey_answers(person, survey.id, paper=True) or {},
                           own=record.survey_answers(person, survey.id, paper=False) is not None)

"""The parent's own copy of what they sent, in plain words: the questions and what they chose.
No scores, no flags, nothing the clinician adds."""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.utils import timezone
from django.utils.translation import gettext
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from questionnaires.models import Response, ResponseMeasure, ResponseStatus
from questionnaires.pdf.styles import build, new_document, p
from questionnaires.summary.measures import summarise_measure
from questionnaires.summary.wording import NOT_ANSWERED, local_datetime
from scoring.definitions import Definition


def parent_copy_pdf(
    response: Response, measures: Sequence[tuple[ResponseMeasure, Definition]]
) -> bytes:
    """`measures` are the response's questionnaires with their answers and definitions
    (selectors.entry.sent_measures)."""
    if response.status != ResponseStatus.SUBMITTED:
        raise ValueError("Only sent answers have a copy")
    invitation = response.invitation
    service = invitation.episode.family.service.name if invitation else ""
    buffer = io.BytesIO()
    pdf = new_document(
        buffer,
        title=gettext("Your answers"),
        header=service,
        footer=gettext("Your answers. Keep this copy safe: it is private to you."),
    )
    story: list[Flowable] = [
        p(gettext("Your answers"), "title"),
        p(
            gettext("You sent these answers to %(service)s on %(when)s.")
            % {"service": service, "when": local_datetime(response.submitted_at)}
        ),
        p(gettext("This is your own copy. Only you and your team can see your answers.")),
    ]
    for measure, definition in measures:
        story.append(p(definition.explainer.title, "h2"))
        for item in summarise_measure(measure, definition).items:
            lines: list[Flowable] = [p(item.text, "h4")]
            if item.answer == NOT_ANSWERED:
                lines.append(p(gettext("You did not answer this question.")))
            else:
                lines.append(p(gettext("Your answer: %(answer)s") % {"answer": item.answer}))
            if item.concern:
                lines.append(p(gettext("You ticked: this is a worry for you.")))
            if item.comment:
                lines.append(p(gettext("What you wrote: %(comment)s") % {"comment": item.comment}))
            story.append(KeepTogether(lines))
    story.append(Spacer(1, 6 * mm))
    story.append(
        p(gettext("Made on %(when)s.") % {"when": local_datetime(timezone.now())}, "small")
    )
    build(pdf, story)
    return buffer.getvalue()

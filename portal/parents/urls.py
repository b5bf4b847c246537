from django.urls import path

from portal.parents import (
    copy_views,
    entry_views,
    group_join_views,
    journey_views,
    language_views,
)
from portal.parents.wizard_views import QuestionnaireWizard

app_name = "parents"

step_view = QuestionnaireWizard.as_view(url_name="parents:step", done_step_name="send")

urlpatterns = [
    path("p/<str:token>", entry_views.link_entry, name="link"),
    path("start", entry_views.code_entry, name="code"),
    path("g/<str:code>", group_join_views.join, name="group_join"),
    path("questionnaire/", journey_views.welcome, name="welcome"),
    path("questionnaire/q/", step_view, name="steps"),
    path("questionnaire/q/<str:step>/", step_view, name="step"),
    path("questionnaire/sent", journey_views.sent, name="sent"),
    path("questionnaire/my-answers.pdf", copy_views.parent_copy, name="copy"),
    path("questionnaire/declined", journey_views.declined, name="declined"),
    path("questionnaire/next-parent", journey_views.next_parent, name="next_parent"),
    path("exit", journey_views.exit_page, name="exit"),
    path("language", language_views.choose_language, name="language"),
    path("interpreter-view", language_views.interpreter_view, name="interpreter_view"),
]

from django.urls import path

from portal.parents import copy, entry, group_entry, views
from portal.parents.wizard_view import QuestionnaireWizard

app_name = "parents"

step_view = QuestionnaireWizard.as_view(url_name="parents:step", done_step_name="send")

urlpatterns = [
    path("p/<str:token>", entry.link_entry, name="link"),
    path("start", entry.code_entry, name="code"),
    path("g/<str:code>", group_entry.join, name="group_join"),
    path("questionnaire/", views.welcome, name="welcome"),
    path("questionnaire/q/", step_view, name="steps"),
    path("questionnaire/q/<str:step>/", step_view, name="step"),
    path("questionnaire/sent", views.sent, name="sent"),
    path("questionnaire/my-answers.pdf", copy.parent_copy, name="copy"),
    path("questionnaire/declined", views.declined, name="declined"),
]

"""The yardstick for bench/bench_load.py: a bare Django view served the same way as the portal
(same venv, same gunicorn), doing what a question page does at its simplest: a GET renders one
7-option question with a CSRF token, a POST validates the choice and redirects.

Serve:  DJANGO_SETTINGS_MODULE=bench.bare_site gunicorn -w 2 bench.bare_site:application"""

from __future__ import annotations

import functools
from typing import Any

from django import forms
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template import engines
from django.urls import path

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-bare-site-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[
            "django.middleware.security.SecurityMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
        ],
        INSTALLED_APPS=[],
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates"}],
        USE_I18N=False,
    )

OPTIONS = [(str(value), f"Option {value}") for value in range(1, 8)]


class QuestionForm(forms.Form):
    answer = forms.ChoiceField(choices=OPTIONS, widget=forms.RadioSelect)


PAGE = """<!DOCTYPE html><html lang="en"><head><title>Question</title></head><body>
<form method="post">{% csrf_token %}<fieldset><legend>How often?</legend>
{% for value, label in options %}<div><input type="radio" name="answer" id="a{{ value }}"
 value="{{ value }}"><label for="a{{ value }}">{{ label }}</label></div>{% endfor %}
</fieldset><button>Continue</button></form></body></html>"""


@functools.cache
def page() -> Any:
    return engines["django"].from_string(PAGE)  # compiled once, as the cached loader would


def question(request: HttpRequest) -> HttpResponse:
    form = QuestionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        return HttpResponseRedirect("/question")
    return HttpResponse(page().render({"form": form, "options": OPTIONS}, request))


urlpatterns = [path("question", question)]
application = get_wsgi_application()

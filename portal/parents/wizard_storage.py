"""formtools storage over the database (DATA-1, DATA-2): a step's data is read from and written
to the parent's Response and Answer rows through the domain; only the navigation position
lives in the session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from formtools.wizard.storage.base import BaseStorage

from questionnaires.parent_steps import Kind, ResponseSteps
from questionnaires.services import responses


class DatabaseStorage(BaseStorage):
    """Built by the wizard view with the steps it has loaded for this request."""

    session_key = "parent_current_step"

    def __init__(self, prefix: str, request: HttpRequest, loaded: ResponseSteps) -> None:
        super().__init__(prefix, request, None)
        self.loaded = loaded
        self.init_data()

    def init_data(self) -> None:
        self.data: dict[str, dict[str, Any]] = {self.extra_data_key: {}, self.step_files_key: {}}

    def reset(self) -> None:
        # Saved answers are never thrown away; only the navigation position is forgotten.
        self.request.session.pop(self.session_key, None)

    def _get_current_step(self) -> str | None:
        return self.request.session.get(self.session_key)

    def _set_current_step(self, step: str | None) -> None:
        self.request.session[self.session_key] = step

    def get_step_data(self, step: str) -> MultiValueDict[str, Any] | None:
        found = self.loaded.by_name.get(step)
        data = self.loaded.step_data(found) if found else None
        if data is None:
            return None
        return MultiValueDict({f"{step}-{key}": [value] for key, value in data.items()})

    def set_step_data(self, step: str, cleaned_data: Any) -> None:
        found = self.loaded.by_name.get(step)
        if found is None or found.kind == Kind.CHECK or not isinstance(cleaned_data, dict):
            return  # the check page saves nothing; sending is the view's job
        responses.save_step(self.loaded.response, found, cleaned_data)
        # Once, here, after every save: answers, status (declined) and even the step list
        # (a new ethnic group) may have changed, and the view reads them next.
        self.loaded.reload()

    def get_step_files(self, step: str) -> None:
        return None

    def set_step_files(self, step: str, files: Any) -> None:
        return None

    def update_response(self, response: Any) -> None:
        return None

"""formtools storage over the database (DATA-1, DATA-2): a step's data is read from and written
to the parent's Response and Answer rows through the domain. The position is the step the
URL names, kept for the length of the request only, so a page never writes the session (PERF-2)."""

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

    position: str | None = None

    def init_data(self) -> None:
        self.data: dict[str, dict[str, Any]] = {self.extra_data_key: {}, self.step_files_key: {}}

    def reset(self) -> None:
        # Saved answers are never thrown away; only the navigation position is forgotten (and
        # the key sessions from before PERF-2 held it under, which pop writes only if present).
        self.position = None
        self.request.session.pop(self.session_key, None)

    def _get_current_step(self) -> str | None:
        return self.position

    def _set_current_step(self, step: str | None) -> None:
        self.position = step

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
        saved = responses.save_step(self.loaded.response, found, cleaned_data)
        if saved is not None:
            # An answer to a question changes nothing else: it is kept in memory (PERF-2).
            self.loaded.remember(saved)
            return
        # Once, here, after every other save: status (declined) and even the step list
        # (a new ethnic group) may have changed, and the view reads them next.
        self.loaded.reload()

    def get_step_files(self, step: str) -> None:
        return None

    def set_step_files(self, step: str, files: Any) -> None:
        return None

    def update_response(self, response: Any) -> None:
        return None

"""The only place that changes state. Each function runs in one transaction and writes an
audit entry (architecture decision 3; pretix's services are the model). Views call these;
they never save models themselves."""

from questionnaires.services.families import (
    QuestionnairePlan,
    open_episode,
    plan_questionnaires,
    register_family,
)
from questionnaires.services.instruments import (
    ImportRefused,
    current_instrument,
    import_instrument,
    sync_shipped_instruments,
)
from questionnaires.services.responses import (
    AnswersLocked,
    IssuedInvitation,
    invitation_is_usable,
    issue_invitation,
    mark_step_seen,
    open_response,
    record_consent,
    resend_invitation,
    revoke_invitation,
    save_about_you,
    save_answer,
    submit_response,
)
from questionnaires.services.scores import RescoreChange, rescore, score_and_store
from questionnaires.services.staff import create_service, create_staff_user, ensure_role_groups

__all__ = [
    "AnswersLocked",
    "IssuedInvitation",
    "QuestionnairePlan",
    "invitation_is_usable",
    "mark_step_seen",
    "record_consent",
    "resend_invitation",
    "save_about_you",
    "issue_invitation",
    "open_episode",
    "open_response",
    "plan_questionnaires",
    "register_family",
    "revoke_invitation",
    "save_answer",
    "submit_response",
    "ImportRefused",
    "RescoreChange",
    "create_service",
    "create_staff_user",
    "current_instrument",
    "ensure_role_groups",
    "import_instrument",
    "rescore",
    "score_and_store",
    "sync_shipped_instruments",
]

from questionnaires.models.audit import AuditEvent
from questionnaires.models.deprivation import ImdPostcode
from questionnaires.models.families import (
    Episode,
    Family,
    Programme,
    ReferralSource,
    Relationship,
    Stage,
    Timepoint,
)
from questionnaires.models.groups import (
    GroupCollection,
    GroupParticipant,
    MatchReview,
    MatchStatus,
    ParentGroup,
)
from questionnaires.models.instruments import InstrumentVersion
from questionnaires.models.loaf import LoafPart, LoafRating
from questionnaires.models.messaging import (
    CaseloadVisit,
    ChannelChoice,
    Contact,
    DeliveryStatus,
    MessageChannel,
    MessageKind,
    MessageState,
    MessagingSettings,
    OutboundMessage,
    T2Plan,
    WorkerHeartbeat,
)
from questionnaires.models.organisation import Service, StaffUser
from questionnaires.models.plans import PlanVersion
from questionnaires.models.ratelimit import RateLimitBucket
from questionnaires.models.responses import (
    Answer,
    Invitation,
    Response,
    ResponseMeasure,
    ResponseStatus,
    ScoreRecord,
)

__all__ = [
    "Answer",
    "AuditEvent",
    "Episode",
    "Family",
    "GroupCollection",
    "GroupParticipant",
    "MatchReview",
    "MatchStatus",
    "ParentGroup",
    "PlanVersion",
    "ImdPostcode",
    "InstrumentVersion",
    "Invitation",
    "Programme",
    "RateLimitBucket",
    "ReferralSource",
    "Relationship",
    "Response",
    "ResponseMeasure",
    "ResponseStatus",
    "ScoreRecord",
    "Service",
    "Stage",
    "StaffUser",
    "Timepoint",
    "LoafPart",
    "LoafRating",
    "CaseloadVisit",
    "ChannelChoice",
    "Contact",
    "DeliveryStatus",
    "MessageChannel",
    "MessageKind",
    "MessageState",
    "MessagingSettings",
    "OutboundMessage",
    "T2Plan",
    "WorkerHeartbeat",
]

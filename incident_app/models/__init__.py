from .accounts import Membership, Organisation, User
from .claims import ClaimStateChange, ExpertAccess
from .evidence import Evidence
from .incidents import Incident, Step
from .journal import JournalEntry, JournalIsAppendOnly, journal_language, verify_chain
from .reminders import (
    DEFAULT_SMS_OFFSETS,
    Notification,
    PushSubscription,
    Reminder,
    ReminderPreference,
    SweepRun,
)

__all__ = [
    "DEFAULT_SMS_OFFSETS",
    "ClaimStateChange",
    "ExpertAccess",
    "Evidence",
    "Incident",
    "JournalEntry",
    "JournalIsAppendOnly",
    "Membership",
    "Notification",
    "Organisation",
    "PushSubscription",
    "Reminder",
    "ReminderPreference",
    "Step",
    "SweepRun",
    "User",
    "journal_language",
    "verify_chain",
]

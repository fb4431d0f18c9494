from .accounts import Membership, Organisation, User
from .claims import ClaimStateChange, ExpertAccess
from .evidence import Evidence
from .hardening import CellInvitation, JournalAlert, StaffAccess
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
    "CellInvitation",
    "Evidence",
    "Incident",
    "JournalEntry",
    "JournalAlert",
    "JournalIsAppendOnly",
    "Membership",
    "Notification",
    "Organisation",
    "PushSubscription",
    "Reminder",
    "ReminderPreference",
    "StaffAccess",
    "Step",
    "SweepRun",
    "User",
    "journal_language",
    "verify_chain",
]

from .accounts import Membership, Organisation, User
from .claims import ClaimStateChange, ExpertAccess
from .evidence import Evidence
from .incidents import Incident, Step
from .journal import JournalEntry, JournalIsAppendOnly, journal_language, verify_chain
from .reminders import Notification, Reminder, ReminderPreference, SweepRun

__all__ = [
    "ClaimStateChange",
    "ExpertAccess",
    "Evidence",
    "Incident",
    "JournalEntry",
    "JournalIsAppendOnly",
    "Membership",
    "Notification",
    "Organisation",
    "Reminder",
    "ReminderPreference",
    "Step",
    "SweepRun",
    "User",
    "journal_language",
    "verify_chain",
]

from .accounts import Membership, Organisation, User
from .evidence import Evidence
from .hardening import CellInvitation, JournalAlert, StaffAccess
from .incidents import Incident, Step
from .journal import JournalEntry, JournalIsAppendOnly, journal_language, verify_chain
from .reminders import Notification, Reminder, ReminderPreference, SweepRun

__all__ = [
    "CellInvitation",
    "Evidence",
    "Incident",
    "JournalEntry",
    "JournalAlert",
    "JournalIsAppendOnly",
    "Membership",
    "Notification",
    "Organisation",
    "Reminder",
    "ReminderPreference",
    "StaffAccess",
    "Step",
    "SweepRun",
    "User",
    "journal_language",
    "verify_chain",
]

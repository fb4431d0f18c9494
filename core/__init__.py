"""What every package shares: withdrawal of records kept for good, private file serving,
the read-only admin, the reader's language. Imports nothing of Riposte but ``playbooks``."""

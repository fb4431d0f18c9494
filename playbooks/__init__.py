"""Playbooks: the reflexes and legal deadlines after a cyberattack, as cited data, and the
engine that turns an incident's facts into dated steps. Knows nothing of views or models."""

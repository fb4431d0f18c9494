"""The papers Riposte writes: the claim dossier, rendered as PDF by the worker."""

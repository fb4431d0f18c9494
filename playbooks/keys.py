"""Step keys that other packages name in their own rules.

The playbook data gives every jurisdiction's step the same key, so that the cover, the
dossier and the workspaces can ask for "the complaint" wherever the attack happened.
"""

COMPLAINT = "complaint"
CLAIM_DECLARATION = "claim_declaration"
# The steps the conditions of the cover follow: recording one changes them.
COVER_CONDITION_STEPS = frozenset({COMPLAINT, CLAIM_DECLARATION})
# GDPR art. 33: the notification to the data-protection authority (CNIL, CNPD).
DPA_NOTIFICATION = "dpa_notification"

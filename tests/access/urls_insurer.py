"""The insurer's workspace: dashboard, export, long audit tasks (format: matrix.py).

Its pages without an object are any auditor's (each sees its own insurer's portfolio); anyone
else gets a 404.
"""

from .matrix import ANY_AUDITOR, AUDITORS, NOT_ALLOWED, Url

URLS = [
    #   name                     object        GET may            POST may
    Url("insurer_home",          get=ANY_AUDITOR,  post=NOT_ALLOWED),
    Url("insurer_incidents",     get=ANY_AUDITOR,  post=NOT_ALLOWED),
    Url("insurer_export_csv",    get=ANY_AUDITOR,  post=NOT_ALLOWED),
    Url("insurer_report",        get=NOT_ALLOWED,  post=ANY_AUDITOR),
    Url("insurer_verify",        get=NOT_ALLOWED,  post=ANY_AUDITOR),
    Url("insurer_task",          "audit_task", get=AUDITORS,   post=NOT_ALLOWED),
    Url("insurer_task_download", "audit_task", get=AUDITORS,   post=NOT_ALLOWED),
]  # fmt: skip

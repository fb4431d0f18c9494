"""The site's own URLs and the admin, in the access matrix (format: matrix.py).

Every page of the admin (``admin:*``) is for staff only: anyone else, signed in or not, is
sent to the admin's sign-in page. Its sign-in and sign-out pages have lines of their own.
"""

from .matrix import ADMIN_LOGIN, ANYONE, NOT_ALLOWED, STAFF, Url

URLS = [
    Url("javascript-catalog", get=ANYONE, post=NOT_ALLOWED, login=False),
    Url("admin:login", get=ANYONE, post=ANYONE, login=False),
    # Signing out of the admin is a POST; someone who is not staff is sent to its index.
    Url(
        "admin:logout",
        get=STAFF,
        post=STAFF,
        denied="/admin/",
        overrides={("get", "staff"): 405, ("get", "staff_granted"): 405},
    ),
    # Unnamed: the admin's answer to any other path under it, a 404 once signed in as staff.
    Url(
        "admin/(?P<url>.*)$",
        denied=ADMIN_LOGIN,
        overrides={(method, role): 404 for method in ("get", "post") for role in STAFF},
    ),
]

# Every other URL whose name starts with one of these is classified by the rule of its line.
PREFIXES = {
    "admin:": Url("admin:*", get=STAFF, post=STAFF, denied=ADMIN_LOGIN, reached="answered"),
    # Unnamed: /admin/<app>/<model>/<pk>/ sends on to the object's page.
    "admin/": Url("admin/*", get=STAFF, post=STAFF, denied=ADMIN_LOGIN, reached="answered"),
}

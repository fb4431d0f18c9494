"""python manage.py backup [PATH]: the database and the private files in one archive."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from riposte import backups


class Command(BaseCommand):
    help = "Writes the database and the private files (evidence, dossiers) to a .tar.gz archive with a manifest of SHA-256 hashes."

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            help="Archive to write (default: var/backups/riposte-<date>.tar.gz).",
        )

    def handle(self, *args, path=None, **options):
        if path is None:
            stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
            path = Path(settings.VAR_DIR) / "backups" / f"riposte-{stamp}.tar.gz"
        summary = backups.backup(Path(path))
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {summary.path}: {summary.objects} database records, "
                f"{summary.files} private files."
            )
        )

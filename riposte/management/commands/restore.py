"""python manage.py restore ARCHIVE [--replace]: back to what a backup holds."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from riposte import backups


class Command(BaseCommand):
    help = "Restores an archive written by `backup`, after checking every hash of its manifest."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete what the database and the private folder hold before restoring.",
        )

    def handle(self, *args, archive, replace, **options):
        source = Path(archive)
        if not source.is_file():
            raise CommandError(f"No archive at {source}.")
        try:
            summary = backups.restore(source, replace=replace)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {summary.objects} database records and {summary.files} private "
                f"files from {summary.path}."
            )
        )

from django.core.management.base import BaseCommand

from doorstep.accounts.throttle import login_lock_lift


class Command(BaseCommand):
    help = "Lift a sign-in lock-out before it ends by itself (by username and/or address)."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", default=None)
        parser.add_argument("--ip", default=None, help="also lift the lock on this address")

    def handle(self, *args, username=None, ip=None, **options):
        cleared = login_lock_lift(username=username, ip=ip)
        self.stdout.write(f"{cleared} lock(s) lifted: {username or ''} {ip or ''}".strip())

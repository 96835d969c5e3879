"""manage.py create_api_token USERNAME --name NAME: print a new API token's secret.

For setting up a device or a script without a browser. The secret is printed once
and only its digest is stored.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doorstep.accounts.models import User
from doorstep.accounts.services import api_token_create


class Command(BaseCommand):
    help = gettext_lazy(
        "Create an API token for a staff account and print its secret (shown once)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="What the token is for.")

    def handle(self, *args, username: str, name: str, **options) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("No account named %(username)s.") % {"username": username})
        if not user.is_active:
            raise CommandError(
                _("The account %(username)s is not active.") % {"username": username}
            )
        if not name.strip() or len(name) > 100:
            raise CommandError(_("--name must be 1 to 100 characters."))
        token, secret = api_token_create(user=user, name=name.strip())
        # The secret alone on stdout, so that a script can capture it; the rest on stderr.
        self.stderr.write(
            _("API token %(id)s (%(prefix)s…) for %(username)s:")
            % {"id": token.pk, "prefix": token.prefix, "username": username}
        )
        self.stdout.write(secret)

"""Django's makemessages, also extracting the policies' message templates marked with ``msg``.

``policies/`` knows nothing of Django, so its texts are marked with the plain marker
``policies.vocabulary.msg`` and translated where they are read (``rma.messages.render``).
"""

from __future__ import annotations

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [
        *makemessages.Command.xgettext_options,
        "--keyword=msg",
        "--keyword=plural_msg:1,2",
    ]

"""Who may do what with messages: only administrators read the outbox, because its emails
are about people across the whole service."""

from __future__ import annotations

import rules

from ourplan.accounts.rules import is_administrator

rules.add_perm("notifications.view_outbox", is_administrator)

"""For tests: run the background tasks waiting in the database queue, in this process.

`run_queued_tasks()` is what `manage.py db_worker --batch` does (claim each ready task, run it,
record the result, stop when none is left) without taking over the process's signal handlers.
It needs real commits, so call it from tests marked `django_db(transaction=True)`."""

from __future__ import annotations

from django_tasks import DEFAULT_TASK_BACKEND_ALIAS
from django_tasks.backends.database.management.commands.db_worker import Worker
from django_tasks.backends.database.models import DBTaskResult
from django_tasks.base import TaskResultStatus


def run_queued_tasks() -> int:
    """Run every task that is ready now; return how many ran."""
    before = DBTaskResult.objects.exclude(status=TaskResultStatus.READY).count()
    Worker(queue_names=["*"], interval=0, batch=True, backend_name=DEFAULT_TASK_BACKEND_ALIAS,
           startup_delay=False, max_tasks=None, worker_id="test-worker").run()
    return DBTaskResult.objects.exclude(status=TaskResultStatus.READY).count() - before

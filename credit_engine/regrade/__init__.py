"""Regrade runs: every subject (or every subject that may have changed) graded again for a
business date, exactly once, in chunks, resumable, on one process or many.

Modules, each importing only those listed before it:

- `outcomes`: what a chunk and a run report (`ChunkOutcome`, `RunReport`);
- `chunk_rows`: the storage boundary of chunk rows, the only place a subject is a
  `"type:id"` key (everywhere else it is a `SubjectRef`), failed subjects and run totals;
- `claims`: each (job, business date) runs once across processes and machines;
- `planning`: a claimed run's chunks, written once;
- `chunk_execution`: grading and storing one chunk in one transaction;
- `chunk_failures`: a chunk that did not finish: retried, bisected, recorded;
- `worker_pool`: watched local worker processes;
- `celery_app`, `celery_executor`: chunks as Celery tasks on `credit-engine worker`
  processes on any machine (Redis broker; imported only when chosen);
- `executors`: the `ChunkExecutor` interface, the serial executor, choosing one
  (`local` or `celery`);
- `driver`: claim, plan, drive the chunks through an executor, record the run.

Which subjects an incremental run grades again is a query over what changed in credit
files: `credit_engine/storage/repositories/file_changes.py`.
"""

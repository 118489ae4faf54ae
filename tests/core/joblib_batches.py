"""The batches joblib 1.2 makes, for tst_batchsizer to compare ParViz's with.

Reads a JSON request on stdin and prints the answer as JSON on stdout.

{"mode": "parallel", "n_jobs": W, "pre_dispatch_factor": F, "dispatch_ns": D,
"durations_ns": [...]} runs joblib's own
Parallel(n_jobs=W, backend='loky', batch_size='auto', pre_dispatch='F*n_jobs') over one call per
task. Everything that decides the batches is joblib's code: Parallel.__call__ (the pre-dispatch
islice, and the n_jobs == 1 case), dispatch_one_batch, _dispatch, BatchCompletionCallBack,
retrieve, LokyBackend (its configure() falls back to SequentialBackend for n_jobs == 1) and
AutoBatchingMixin. Only two things are simulated, so that the run is deterministic:

- the clock joblib reads (joblib.parallel.time.time()), which moves only when the simulation
  says so; every time is a whole number of 1/512 s, so that joblib's float timestamps and their
  differences are exact, and the durations it measures equal ParViz's integer nanoseconds;
- loky's pool of W workers: batches wait in a FIFO queue for a free worker, and a batch takes
  the sum of its tasks' durations. Completions happen in order of time, and of dispatch for
  equal times; a completion frees its worker, runs the batch's callbacks (joblib's
  BatchCompletionCallBack, which may dispatch the next batch), then queued batches start on the
  free workers. A completion's dispatch takes no time; the caller's pre-dispatch loop (in
  Parallel.__call__) takes D before each of its dispatch_one_batch() calls, and the batches that
  end meanwhile complete, at their own times, before the call.

The answer: "batches", the [first, last) task range of each batch in dispatch order;
"sizes", what each compute_batch_size() returned; "completions", each
[batch size, duration in ns] that batch_completed() was given. With n_jobs == 1 the
SequentialBackend does not auto-batch, so "sizes" and "completions" stay empty.

{"mode": "sizer", "events": [[size or null, duration_ns], ...]} drives AutoBatchingMixin alone:
for each event, batch_completed(size, duration_ns / 1e9) (null: the current effective size),
then compute_batch_size(); the answer's "sizes" are what the calls returned.
"""

import heapq
import json
import sys
import types
from collections import deque

import joblib
from joblib import _parallel_backends as backends
from joblib import parallel as parallel_module

NS_PER_TICK = 1_953_125  # 1/512 s
TICKS_PER_SECOND = 512


class Clock:
    """joblib.parallel's `time` module, on simulated time."""

    def __init__(self):
        self.ticks = 0

    def time(self):
        return self.ticks / TICKS_PER_SECOND  # exact: a multiple of 1/512

    def sleep(self, seconds):
        # retrieve() sleeps only when it waits for a callback that no job will ever run.
        raise RuntimeError("joblib waits for a batch the simulation never completes")


class Job:
    """A loky future: get() (LokyBackend.wrap_future_result calls result()) runs the
    simulation until this batch has completed."""

    def __init__(self, pool, index, tasks, results):
        self.pool = pool
        self.index = index
        self.tasks = tasks
        self.results = results
        self.done = False
        self.callbacks = []

    def add_done_callback(self, callback):
        if self.done:
            callback(self)
        else:
            self.callbacks.append(callback)

    def result(self, timeout=None):
        while not self.done:
            self.pool.complete_next()
        return self.results


class TempFolders:
    """What LokyBackend.terminate() and the reducer callback touch."""

    def _unlink_temporary_resources(self, context_id=None):
        pass

    def set_current_context(self, context_id):
        pass


class Pool:
    """loky's reusable executor for W workers, on the simulated clock."""

    def __init__(self, simulation, workers):
        self.simulation = simulation
        self.idle = workers
        self.waiting = deque()
        self.running = []  # heap of (end tick, dispatch index, job)
        self.submitted = 0
        self._temp_folder_manager = TempFolders()

    def submit(self, function):
        # The batch runs at once for its results (the task indices); its time is simulated.
        results = function()
        job = Job(self, self.submitted, len(results), results)
        self.submitted += 1
        self.waiting.append(job)
        self.start_waiting()
        return job

    def start_waiting(self):
        clock = self.simulation.clock
        while self.idle > 0 and self.waiting:
            job = self.waiting.popleft()
            self.idle -= 1
            end = clock.ticks + sum(self.simulation.durations[i] for i in job.results)
            heapq.heappush(self.running, (end, job.index, job))

    def complete_until(self, ticks):
        while self.running and self.running[0][0] <= ticks:
            self.complete_next()

    def complete_next(self):
        if not self.running:
            raise RuntimeError("joblib waits for a batch that was never dispatched")
        end, _, job = heapq.heappop(self.running)
        self.simulation.clock.ticks = end
        self.idle += 1
        job.done = True
        for callback in job.callbacks:
            callback(job)
        self.start_waiting()


class Simulation:
    def __init__(self, durations_ns):
        for ns in durations_ns:
            if ns % NS_PER_TICK != 0:
                raise ValueError("%d ns is not a whole number of 1/512 s" % ns)
        self.durations = [ns // NS_PER_TICK for ns in durations_ns]
        self.clock = Clock()
        self.pool = None
        self.batches = []
        self.sizes = []
        self.completions = []

    def task(self, index):
        # Under SequentialBackend the batch runs in the caller, at its dispatch: its tasks take
        # their time there. In the pool, the pool accounts for it.
        if self.pool is None:
            self.clock.ticks += self.durations[index]
        return index


def seconds_to_ns(seconds):
    ticks = seconds * TICKS_PER_SECOND
    if ticks != int(ticks):
        raise ValueError("joblib measured %r s, not a whole number of 1/512 s" % seconds)
    return int(ticks) * NS_PER_TICK


def run_parallel(request):
    simulation = Simulation(request["durations_ns"])
    n_jobs = request["n_jobs"]
    if request["dispatch_ns"] % NS_PER_TICK != 0:
        raise ValueError("the dispatch time is not a whole number of 1/512 s")
    dispatch_ticks = request["dispatch_ns"] // NS_PER_TICK

    def executor(n_workers, **kwargs):
        simulation.pool = Pool(simulation, n_workers)
        return simulation.pool

    backends.get_memmapping_executor = executor
    parallel_module.time = simulation.clock

    compute_batch_size = backends.AutoBatchingMixin.compute_batch_size
    batch_completed = backends.AutoBatchingMixin.batch_completed

    def recording_compute_batch_size(self):
        size = compute_batch_size(self)
        simulation.sizes.append(size)
        return size

    def recording_batch_completed(self, batch_size, duration):
        simulation.completions.append([batch_size, seconds_to_ns(duration)])
        batch_completed(self, batch_size, duration)

    backends.AutoBatchingMixin.compute_batch_size = recording_compute_batch_size
    backends.AutoBatchingMixin.batch_completed = recording_batch_completed

    parallel = joblib.Parallel(
        n_jobs=n_jobs,
        backend="loky",
        batch_size="auto",
        pre_dispatch="%d*n_jobs" % request["pre_dispatch_factor"],
    )
    dispatch_one_batch = parallel.dispatch_one_batch

    def paced_dispatch_one_batch(iterator):
        # The caller's loop passes the pre-dispatch islice (or, with n_jobs == 1, the whole
        # iterator); completions pass _original_iterator itself.
        if iterator is not parallel._original_iterator:
            at = simulation.clock.ticks + dispatch_ticks
            if simulation.pool is not None:
                simulation.pool.complete_until(at)
            simulation.clock.ticks = at
        return dispatch_one_batch(iterator)

    parallel.dispatch_one_batch = paced_dispatch_one_batch
    dispatch = parallel._dispatch

    def recording_dispatch(batch):
        tasks = [args[0] for _, args, _ in batch.items]
        if tasks != list(range(tasks[0], tasks[0] + len(tasks))):
            raise RuntimeError("a batch of tasks out of order: %r" % tasks)
        simulation.batches.append([tasks[0], tasks[-1] + 1])
        dispatch(batch)

    parallel._dispatch = recording_dispatch
    results = parallel(
        joblib.delayed(simulation.task)(i) for i in range(len(simulation.durations))
    )
    if results != list(range(len(simulation.durations))):
        raise RuntimeError("joblib's results are not the tasks in order")
    return {
        "batches": simulation.batches,
        "sizes": simulation.sizes,
        "completions": simulation.completions,
        "backend": type(parallel._backend).__name__,
    }


class Sizer(backends.AutoBatchingMixin):
    """AutoBatchingMixin as a backend has it; `parallel` is only read for its verbosity."""

    parallel = types.SimpleNamespace(verbose=0)


def run_sizer(request):
    sizer = Sizer()
    sizes = []
    for size, duration_ns in request["events"]:
        if size is None:
            size = sizer._effective_batch_size
        sizer.batch_completed(size, duration_ns / 1e9)
        sizes.append(sizer.compute_batch_size())
    return {"sizes": sizes}


def main():
    request = json.load(sys.stdin)
    if request["mode"] == "parallel":
        answer = run_parallel(request)
    elif request["mode"] == "sizer":
        answer = run_sizer(request)
    else:
        raise ValueError("unknown mode %r" % request["mode"])
    answer["joblib"] = joblib.__version__
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()

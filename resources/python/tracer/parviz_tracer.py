"""ParViz's tracer: every unit of parallel work of an unmodified program.

Loaded by sitecustomize.py when PARVIZ_TRACE_PIPE names a FIFO (or a regular
file), in the program's first interpreter and in every one it starts, since
they inherit the environment. It writes one JSON object per line to that
path, each line in ONE os.write of fewer than PIPE_BUF (4096) bytes, so that
the lines of many processes and threads never interleave. It writes nothing
anywhere else, and never breaks the program: when the pipe breaks (ParViz is
gone) or anything of its own fails, tracing stops silently.

Every line has
  e    the event
  t    time.monotonic_ns(), one clock for every process of the machine
  pid  os.getpid()
  tid  threading.get_native_id()
and, by event:
  process     first line of each traced process: ppid, start ("main" for the
              program, "fork", "spawn", "forkserver", "loky" for a
              multiprocessing process, "exec" for any other interpreter it
              started) and, for a multiprocessing process, asked: the
              parent's t when Process.start() was called.
  thread      a thread starts running: name.
  thread_end  a thread ends (not written for daemon threads cut at exit).
  begin/end   a span, with id (unique across processes: "PID-N") and kind:
    run       a unit of work, on the thread of the process that runs it:
              name (qualified: "__main__.work"), args (repr of the
              arguments, cut at 80 characters; objects other than numbers,
              strings and containers show as <Type>), via (what ran it:
              "ThreadPoolExecutor.submit", "ThreadPoolExecutor.map",
              "ProcessPoolExecutor.submit", "ProcessPoolExecutor.map",
              "Pool", "Pool.map", "Pool.starmap", "ThreadPool",
              "ThreadPool.map", "ThreadPool.starmap", "joblib", "Thread",
              "Process") and group: true on the first call of a chunk or a
              batch (absent otherwise). Its end has ok, and error (the
              exception's repr, one line) when it raised.
    submit    the caller hands work over: what ("ThreadPoolExecutor.submit",
              "ThreadPoolExecutor.map", "ProcessPoolExecutor.submit",
              "ProcessPoolExecutor.map", "Pool.apply_async", "Pool.map_async",
              "Pool.starmap_async", "Pool.imap", "Pool.imap_unordered",
              "Thread.start", "Process.start").
    wait      the caller waits: what ("Future.result", "Future.exception",
              "futures.wait", "as_completed", "Executor.shutdown",
              "with-block end", "Thread.join", "Process.join", "Pool.map",
              "Pool.starmap", "Pool.apply", "AsyncResult.get",
              "AsyncResult.wait", "Pool.imap", "Pool.join",
              "Parallel.__call__", "exit": the interpreter waiting for its
              threads). A wait inside another wait of the same thread (a
              shutdown inside a with-block end) is not written.
  exit        a process ends normally: code, when known (a multiprocessing
              process's exit code; the program's own comes from the OS).

A process that dies (killed, os._exit) writes nothing more: its open spans
have no end and it has no exit line.
"""

import os
import sys
import threading
import time
from _json import encode_basestring_ascii as _quote

_fd = -1
_on = False  # lines are written
_pid = 0
_ids = None  # this process's span counter
_exited = False
_helper = False  # a multiprocessing helper (forkserver, resource tracker)
_starting = False  # a Process.start() is under way: its fork is announced by _bootstrap
_due = None  # (t, ppid) of a fork not yet announced: written before its first line
_local = threading.local()  # .depth: inside a submit or wait span
_monotonic = time.monotonic_ns
_native_id = threading.get_native_id
_write = os.write

# Callables of these packages are the libraries' own machinery, not units of work.
_INTERNAL = frozenset(
    (
        "concurrent",
        "multiprocessing",
        "joblib",
        "loky",
        "parviz_tracer",
        "asyncio",
        "distributed",
        "dask",
        "tornado",
    )
)

# ---------------------------------------------------------------- writing


def _stop():
    """Tracing ends in this process. The descriptor stays open: closed, its number could
    be the program's next file while another thread still writes a line to it."""
    global _on, _fd
    _on = False
    _fd = -1


def _emit(text):
    """One line, in one write."""
    if _due is not None:
        _announce_fork()
    try:
        _write(_fd, text.encode())
    except OSError:
        _stop()


def _head(event):
    return '{"e":"%s","t":%d,"pid":%d,"tid":%d' % (event, _monotonic(), _pid, _native_id())


def _line(event, fields=""):
    _emit(_head(event) + fields + "}\n")


def _open():
    """Opens the pipe for writing, away from the low descriptors the program uses."""
    global _fd, _on
    path = os.environ.get("PARVIZ_TRACE_PIPE")
    if not path:
        return
    try:
        # Not blocking: a FIFO that no one reads (ParViz gone) fails at once.
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CLOEXEC | os.O_NONBLOCK)
    except OSError:
        return
    try:
        os.set_blocking(fd, True)  # a full pipe holds the writer back: no line is lost
        import fcntl

        high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 200)
        os.close(fd)
        fd = high
    except Exception:
        pass
    _fd = fd
    _on = True


def _cut(text, limit):
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ---------------------------------------------------------------- naming

_SCALARS = (int, float, bool, complex, type(None))
_repr = None


def _short(value):
    kind = type(value)
    if kind in _SCALARS:
        return repr(value)
    if kind is str or kind is bytes:
        return repr(value[:80])
    if kind in (tuple, list, dict, set, frozenset):
        global _repr
        if _repr is None:
            import reprlib

            class Short(reprlib.Repr):
                def repr_instance(self, value, level):
                    return "<%s>" % type(value).__name__  # never the program's __repr__

            _repr = Short()
            _repr.maxlevel = 2
            _repr.maxstring = 40
            _repr.maxother = 20
            _repr.maxlong = 40
            for name in ("maxtuple", "maxlist", "maxdict", "maxset", "maxfrozenset"):
                setattr(_repr, name, 6)
        return _repr.repr(value)
    return "<%s>" % kind.__name__


def _args(args, kwargs):
    """repr of the arguments, cut at 80 characters, cheaply."""
    try:
        parts = []
        size = 0
        for value in args:
            text = _short(value)
            parts.append(text)
            size += len(text) + 2
            if size > 80:
                break
        if kwargs and size <= 80:
            for key, value in kwargs.items():
                parts.append("%s=%s" % (key, _short(value)))
        return _quote(_cut(", ".join(parts), 80))
    except Exception:
        return '"?"'


def _module(fn):
    module = getattr(fn, "__module__", None)
    if module is None and hasattr(fn, "func"):  # functools.partial
        return _module(fn.func)
    return module or ""


def _internal(fn):
    return _internal_module(_module(fn))


def _internal_module(name):
    return name.partition(".")[0] in _INTERNAL


def _name(fn):
    try:
        module = fn.__module__
        if module == "__mp_main__":  # the program, in a spawned process
            module = "__main__"
        return "%s.%s" % (module, fn.__qualname__)
    except (AttributeError, TypeError):
        pass
    if hasattr(fn, "func"):
        return _name(fn.func)
    kind = type(fn)
    return "%s.%s" % (kind.__module__, kind.__qualname__)


def _error(exc):
    try:
        text = repr(exc).replace("\n", " ")
    except Exception:
        text = type(exc).__name__
    return _quote(_cut(text, 200))


# ---------------------------------------------------------------- spans


def _run(fn, args, kwargs, via, group=False):
    """fn(*args, **kwargs) as a unit of work: begin and end on this thread."""
    if not _on:
        return fn(*args, **kwargs) if kwargs else fn(*args)
    span = next(_ids)
    _emit(
        '%s,"id":"%d-%d","kind":"run","name":%s,"args":%s,"via":"%s"%s}\n'
        % (
            _head("begin"),
            _pid,
            span,
            _quote(_cut(_name(fn), 160)),
            _args(args, kwargs),
            via,
            ',"group":true' if group else "",
        )
    )
    try:
        result = fn(*args, **kwargs) if kwargs else fn(*args)
    except BaseException as exc:
        if _on:
            _emit(
                '%s,"id":"%d-%d","kind":"run","ok":false,"error":%s}\n'
                % (_head("end"), _pid, span, _error(exc))
            )
        raise
    if _on:
        _emit('%s,"id":"%d-%d","kind":"run","ok":true}\n' % (_head("end"), _pid, span))
    return result


def _traced(fn, via):
    def unit(*args, **kwargs):
        return _run(fn, args, kwargs, via)

    return unit


def _caller(kind, what, call, *args, **kwargs):
    """call(*args, **kwargs) as a submit or wait span of this thread, unless
    inside one already."""
    local = _local
    if not _on or getattr(local, "depth", 0):
        return call(*args, **kwargs)
    local.depth = 1
    span = next(_ids)
    _emit('%s,"id":"%d-%d","kind":"%s","what":"%s"}\n' % (_head("begin"), _pid, span, kind, what))
    try:
        return call(*args, **kwargs)
    finally:
        local.depth = 0
        if _on:
            _emit('%s,"id":"%d-%d","kind":"%s"}\n' % (_head("end"), _pid, span, kind))


def _span(kind, what, original):
    """original, each call a span of the caller."""

    def spanned(*args, **kwargs):
        return _caller(kind, what, original, *args, **kwargs)

    _same(spanned, original)
    return spanned


def _same(wrapper, original):
    for name in ("__module__", "__name__", "__qualname__", "__doc__"):
        try:
            setattr(wrapper, name, getattr(original, name))
        except (AttributeError, TypeError):
            pass
    wrapper.__wrapped__ = original
    return wrapper


# ---------------------------------------------------------------- processes


def _announce(start, ppid, asked=None):
    global _on, _helper, _due
    _helper = False
    _due = None
    if _fd < 0:
        _open()
    if not _on:
        return
    fields = ',"ppid":%d,"start":"%s"' % (ppid, start)
    if asked is not None:
        fields += ',"asked":%d' % asked
    _line("process", fields)


def _announce_fork():
    """The process line of a child of a plain os.fork(), written before its
    first line only: a child that only execs another program writes none."""
    global _due
    t, ppid = _due
    _due = None
    _emit(
        '{"e":"process","t":%d,"pid":%d,"tid":%d,"ppid":%d,"start":"fork"}\n'
        % (t, _pid, _native_id(), ppid)
    )


def _exit(code=None):
    global _exited
    if _exited or not _on or _helper:
        return
    _exited = True
    _line("exit", "" if code is None else ',"code":%d' % code)


def _after_fork():
    """In a child of os.fork(): a process of its own."""
    global _pid, _ids, _exited, _due
    import itertools

    _pid = os.getpid()
    _ids = itertools.count(1)
    _exited = False
    _local.depth = 0
    if _on and not (_starting or _helper):
        _due = (_monotonic(), os.getppid())


# ---------------------------------------------------------------- patches
# Each patches a module right after it is imported (or at once when it is).


def _patch_threading(threading):
    Thread = threading.Thread

    def user_thread(thread):
        target = getattr(thread, "_target", None)
        if target is not None:
            return not _internal(target)
        return type(thread).run is not Thread.run and not _internal_module(type(thread).__module__)

    bootstrap_inner = Thread._bootstrap_inner

    def _bootstrap_inner(self):
        if _on:
            try:
                _line("thread", ',"name":%s' % _quote(_cut(str(self.name), 100)))
                if user_thread(self):
                    target = self._target
                    if target is not None and type(self).run is Thread.run:
                        self.run = lambda: _thread_run(self, target)
                    else:
                        self.run = _traced_method(self.run, "Thread")
            except Exception:
                pass
        try:
            bootstrap_inner(self)
        finally:
            if _on:
                _line("thread_end")

    Thread._bootstrap_inner = _same(_bootstrap_inner, bootstrap_inner)

    start = Thread.start

    def thread_start(self):
        if _on and user_thread(self):
            return _caller("submit", "Thread.start", start, self)
        return start(self)

    Thread.start = _same(thread_start, start)

    join = Thread.join

    def thread_join(self, timeout=None):
        if _on and self.is_alive() and user_thread(self):
            return _caller("wait", "Thread.join", join, self, timeout)
        return join(self, timeout)

    Thread.join = _same(thread_join, join)

    shutdown = threading._shutdown

    def _shutdown():
        main = threading.main_thread()
        others = (t for t in threading.enumerate() if t is not main)
        if _on and any(t.is_alive() and not t.daemon for t in others):
            return _caller("wait", "exit", shutdown)
        return shutdown()

    threading._shutdown = _same(_shutdown, shutdown)


def _thread_run(thread, target):
    """Thread.run, for a thread with a target: the target is the unit of work."""
    try:
        _run(target, thread._args, thread._kwargs, "Thread")
    finally:
        del thread._target, thread._args, thread._kwargs


def _traced_method(run, via):
    def traced():
        return _run(run, (), None, via)

    return traced


def _patch_futures_base(base):
    Future = base.Future
    pending = (base.PENDING, base.RUNNING)
    for method, what in (("result", "Future.result"), ("exception", "Future.exception")):
        original = getattr(Future, method)

        def waiting(self, timeout=None, _original=original, _what=what):
            if _on and self._state in pending:
                return _caller("wait", _what, _original, self, timeout)
            return _original(self, timeout)

        setattr(Future, method, _same(waiting, original))

    base.wait = _span("wait", "futures.wait", base.wait)
    as_completed = base.as_completed

    def as_completed_traced(fs, timeout=None):
        futures = as_completed(fs, timeout)
        try:
            while True:
                try:
                    future = _caller("wait", "as_completed", next, futures)
                except StopIteration:
                    return
                yield future
        finally:
            futures.close()

    base.as_completed = _same(as_completed_traced, as_completed)

    Executor = base.Executor
    exit_ = Executor.__exit__

    def __exit__(self, *args):
        return _caller("wait", "with-block end", exit_, self, *args)

    Executor.__exit__ = _same(__exit__, exit_)


def _shutdown_span(cls):
    shutdown = cls.shutdown

    def traced(self, wait=True, **kwargs):
        if wait:
            return _caller("wait", "Executor.shutdown", shutdown, self, wait, **kwargs)
        return shutdown(self, wait, **kwargs)

    cls.shutdown = _same(traced, shutdown)


class _Mapped:
    """A ThreadPoolExecutor.map's function: its calls say so."""

    __slots__ = ("fn",)

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, *args, **kwargs):
        return self.fn(*args, **kwargs)


def _patch_futures_thread(thread):
    WorkItem = thread._WorkItem
    run = WorkItem.run

    def work_item_run(self, *args, **kwargs):
        if _on:
            try:
                fn = self.fn
                if type(fn) is _Mapped:
                    fn = fn.fn
                    via = "ThreadPoolExecutor.map"
                else:
                    via = "ThreadPoolExecutor.submit"
                self.fn = lambda *a, **k: _run(fn, a, k, via)
            except Exception:
                pass  # another Python's work item: run untraced
        return run(self, *args, **kwargs)

    WorkItem.run = _same(work_item_run, run)
    Executor = thread.ThreadPoolExecutor
    Executor.submit = _span("submit", "ThreadPoolExecutor.submit", Executor.submit)
    map_ = Executor.map

    def map(self, fn, *iterables, **kwargs):
        return _caller(
            "submit", "ThreadPoolExecutor.map", map_, self, _Mapped(fn), *iterables, **kwargs
        )

    Executor.map = _same(map, map_)
    _shutdown_span(Executor)


def _patch_futures_process(process):
    chunk = process._process_chunk

    def _process_chunk(fn, chunk_):
        via = "ProcessPoolExecutor.map"
        return [_run(fn, args, None, via, i == 0) for i, args in enumerate(chunk_)]

    process._process_chunk = _same(_process_chunk, chunk)

    class Inbox:
        """The worker's call queue: each call item it hands out, traced."""

        def __init__(self, queue):
            self._queue = queue

        def __getattr__(self, name):
            return getattr(self._queue, name)

        def get(self, *args, **kwargs):
            item = self._queue.get(*args, **kwargs)
            try:
                if item is not None and _on:
                    fn = item.fn
                    if not (getattr(fn, "func", None) is process._process_chunk or _internal(fn)):
                        item.fn = _traced(fn, "ProcessPoolExecutor.submit")
            except Exception:
                pass
            return item

    worker = process._process_worker

    def _process_worker(call_queue, *args, **kwargs):
        return worker(Inbox(call_queue), *args, **kwargs)

    process._process_worker = _same(_process_worker, worker)
    Executor = process.ProcessPoolExecutor
    Executor.submit = _span("submit", "ProcessPoolExecutor.submit", Executor.submit)
    Executor.map = _span("submit", "ProcessPoolExecutor.map", Executor.map)
    _shutdown_span(Executor)


def _patch_mp_process(process):
    BaseProcess = process.BaseProcess

    def user_process(proc):
        target = getattr(proc, "_target", None)
        if target is not None:
            return not _internal(target)
        kind = type(proc)
        return kind.run is not BaseProcess.run and not _internal_module(kind.__module__)

    start = BaseProcess.start

    def process_start(self):
        global _starting
        try:
            self._parviz_asked = _monotonic()
            method = getattr(self, "_start_method", None)
            if method is None:
                from multiprocessing import context

                method = context._default_context.get_start_method()
            self._parviz_method = method
            # start() forgets the target: join() needs to know.
            self._parviz_user = user_process(self)
        except Exception:
            pass
        _starting = True
        try:
            if _on and getattr(self, "_parviz_user", False):
                return _caller("submit", "Process.start", start, self)
            return start(self)
        finally:
            _starting = False

    BaseProcess.start = _same(process_start, start)

    join = BaseProcess.join

    def process_join(self, timeout=None):
        if (
            _on
            and getattr(self, "_parviz_user", False)
            and self._popen is not None
            and self._popen.poll() is None
        ):
            return _caller("wait", "Process.join", join, self, timeout)
        return join(self, timeout)

    BaseProcess.join = _same(process_join, join)

    bootstrap = BaseProcess._bootstrap

    def _bootstrap(self, *args, **kwargs):
        global _starting
        _starting = False
        try:
            _announce(
                getattr(self, "_parviz_method", None) or "fork",
                getattr(self, "_parent_pid", None) or os.getppid(),
                getattr(self, "_parviz_asked", None),
            )
            if _on and user_process(self):
                target = self._target
                if target is not None:
                    self.run = lambda: _run(target, self._args, self._kwargs, "Process")
                else:
                    self.run = _traced_method(self.run, "Process")
        except Exception:
            pass
        code = bootstrap(self, *args, **kwargs)
        _exit(code if isinstance(code, int) else None)
        return code

    BaseProcess._bootstrap = _same(_bootstrap, bootstrap)


def _pool_via():
    return "Pool" if threading.current_thread() is threading.main_thread() else "ThreadPool"


def _patch_mp_pool(pool):
    mapstar = pool.mapstar
    starmapstar = pool.starmapstar

    def traced_mapstar(args):
        fn, chunk = args
        via = _pool_via() + ".map"
        return [_run(fn, (x,), None, via, i == 0) for i, x in enumerate(chunk)]

    def traced_starmapstar(args):
        fn, chunk = args
        via = _pool_via() + ".starmap"
        return [_run(fn, tuple(x), None, via, i == 0) for i, x in enumerate(chunk)]

    pool.mapstar = _same(traced_mapstar, mapstar)
    pool.starmapstar = _same(traced_starmapstar, starmapstar)

    class Inbox:
        """A pool worker's task queue: each task it hands out, traced."""

        def __init__(self, queue):
            self._queue = queue
            self._via = _pool_via()

        def __getattr__(self, name):
            return getattr(self._queue, name)

        def get(self, *args, **kwargs):
            task = self._queue.get(*args, **kwargs)
            try:
                if task is not None and _on:
                    job, i, fn, fargs, kwds = task
                    if not (fn is pool.mapstar or fn is pool.starmapstar or _internal(fn)):
                        task = (job, i, _traced(fn, self._via), fargs, kwds)
            except Exception:
                pass
            return task

    worker = pool.worker

    def traced_worker(inqueue, *args, **kwargs):
        return worker(Inbox(inqueue), *args, **kwargs)

    pool.worker = _same(traced_worker, worker)

    Pool = pool.Pool
    for method, kind, what in (
        ("apply_async", "submit", "Pool.apply_async"),
        ("map_async", "submit", "Pool.map_async"),
        ("starmap_async", "submit", "Pool.starmap_async"),
        ("imap", "submit", "Pool.imap"),
        ("imap_unordered", "submit", "Pool.imap_unordered"),
        ("map", "wait", "Pool.map"),
        ("starmap", "wait", "Pool.starmap"),
        ("apply", "wait", "Pool.apply"),
        ("join", "wait", "Pool.join"),
    ):
        setattr(Pool, method, _span(kind, what, getattr(Pool, method)))
    ApplyResult = pool.ApplyResult
    for method, what in (("get", "AsyncResult.get"), ("wait", "AsyncResult.wait")):
        original = getattr(ApplyResult, method)

        def waiting(self, timeout=None, _original=original, _what=what):
            if _on and not self.ready():
                return _caller("wait", _what, _original, self, timeout)
            return _original(self, timeout)

        setattr(ApplyResult, method, _same(waiting, original))
    IMapIterator = pool.IMapIterator
    next_ = IMapIterator.next

    def imap_next(self, timeout=None):
        return _caller("wait", "Pool.imap", next_, self, timeout)

    IMapIterator.next = IMapIterator.__next__ = _same(imap_next, next_)


def _patch_joblib(parallel):
    BatchedCalls = parallel.BatchedCalls
    call = BatchedCalls.__call__

    def batched_call(self):
        if not _on:
            return call(self)
        items = self.items
        try:
            self.items = [
                (lambda *a, _f=fn, _g=(i == 0), **k: _run(_f, a, k, "joblib", _g), args, kwargs)
                for i, (fn, args, kwargs) in enumerate(items)
            ]
        except Exception:
            return call(self)  # another joblib's batch: run untraced
        try:
            return call(self)
        finally:
            self.items = items

    BatchedCalls.__call__ = _same(batched_call, call)
    Parallel = parallel.Parallel
    Parallel.__call__ = _span("wait", "Parallel.__call__", Parallel.__call__)


_PATCHES = {
    "threading": _patch_threading,
    "concurrent.futures._base": _patch_futures_base,
    "concurrent.futures.thread": _patch_futures_thread,
    "concurrent.futures.process": _patch_futures_process,
    "multiprocessing.process": _patch_mp_process,
    "multiprocessing.pool": _patch_mp_pool,
    "joblib.parallel": _patch_joblib,
}


def _apply(name, module):
    try:
        _PATCHES[name](module)
    except Exception:
        pass


class _Loader:
    """A module's own loader, then its patch."""

    def __init__(self, loader, name):
        self._loader = loader
        self._name = name

    def __getattr__(self, name):
        return getattr(self._loader, name)

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        try:
            module.__loader__ = self._loader
            module.__spec__.loader = self._loader
        except Exception:
            pass
        _apply(self._name, module)


class _Finder:
    """Patches the modules of _PATCHES as they are imported."""

    def find_spec(self, name, path, target=None):
        if name not in _PATCHES:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        if spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        spec.loader = _Loader(spec.loader, name)
        return spec


# ---------------------------------------------------------------- start


def install():
    """Called once by sitecustomize, in each interpreter that starts."""
    global _pid, _ids, _helper
    import atexit
    import itertools

    _pid = os.getpid()
    _ids = itertools.count(1)
    argv = " ".join(getattr(sys, "orig_argv", None) or getattr(sys, "argv", None) or ())
    child = "--multiprocessing-fork" in argv or "popen_loky_posix" in argv
    _helper = "multiprocessing.forkserver" in argv or "resource_tracker" in argv
    if not (_helper or child):
        _open()
        if not _on:
            return
        root = os.environ.get("PARVIZ_TRACE_ROOT")
        if root is None:
            os.environ["PARVIZ_TRACE_ROOT"] = str(_pid)
        _announce("main" if root is None else "exec", os.getppid())
    for name, module in list(sys.modules.items()):
        if name in _PATCHES:
            _apply(name, module)
    sys.meta_path.insert(0, _Finder())
    os.register_at_fork(after_in_child=_after_fork)
    atexit.register(_exit)

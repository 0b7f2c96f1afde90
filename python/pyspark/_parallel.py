"""Execution of Eddy's PySpark RDDs: partitions as tasks, in forked processes.

An action asks run_job for one result per partition. Shuffle stages the RDD depends on run
first (each once: their map outputs stay in the SparkContext's temporary directory). Tasks of a
stage run in parallel in at most ``defaultParallelism`` worker processes forked from the driver
when the stage starts, each taking the next task index from its pipe when it finishes one: the
lambdas and closures of the lineage are already there, nothing is pickled on the way in. A
worker writes each result (pickle protocol 5) and its accumulator updates to a file in the
context's temporary directory (under ``tempfile.gettempdir()``) and writes a byte to its done
pipe; the driver reaps those very pids (never ``wait(-1)``: other children of the interpreter
are not ours). A task's exception is re-raised in the driver with its original type and
message, the worker's traceback added as a note; the workers are killed and reaped. SIGINT
(KeyboardInterrupt) in the driver kills every worker and propagates.

Small jobs run in the driver process (no fork): when the lineage's estimated element count is
below SMALL_JOB (10,000), or always/never as ``spark.eddy.fork`` / ``EDDY_PYSPARK_FORK`` say
(``auto``, ``always``, ``never``).
"""
import gc
import io
import os
import pickle
import random
import select
import signal
import sys
import traceback

from . import accumulators as _acc

SMALL_JOB = 10000
PROTOCOL = 5

_in_task = False  # True while a task runs (forked child or in the driver)
_job_counter = [0]


def in_task():
    return _in_task


def dump(obj, f):
    """Pickles obj to file f (protocol 5) in the pickler's fast mode (no memo: 2-3x faster on
    millions of small objects; shared references are written as copies, as between Spark's
    serialized batches). Cyclic data falls back to the ordinary pickler."""
    start = f.tell()
    p = pickle.Pickler(f, protocol=PROTOCOL)
    p.fast = True
    try:
        p.dump(obj)
    except (ValueError, RecursionError):
        f.seek(start)
        f.truncate()
        pickle.dump(obj, f, protocol=PROTOCOL)


def dumps(obj):
    bio = io.BytesIO()
    dump(obj, bio)
    return bio.getvalue()


# ---------------------------------------------------------------------------- lineage walk

def _shuffle_deps(rdd, seen=None):
    """Shuffle dependencies reachable from rdd through narrow dependencies (not crossing a
    shuffle, nor an RDD whose partitions are all cached)."""
    if seen is None:
        seen = set()
    out = []
    stack = [rdd]
    while stack:
        r = stack.pop()
        if r.id() in seen:
            continue
        seen.add(r.id())
        if r._fully_cached():
            continue
        for d in r._dependencies():
            if getattr(d, "is_shuffle", False):
                out.append(d)
            else:
                stack.append(d)
    return out


def _stage_rdds(rdd):
    """The RDDs a task of rdd's stage computes (narrow lineage)."""
    seen = set()
    out = []
    stack = [rdd]
    while stack:
        r = stack.pop()
        if r.id() in seen:
            continue
        seen.add(r.id())
        out.append(r)
        if r._fully_cached():
            continue
        for d in r._dependencies():
            if not getattr(d, "is_shuffle", False):
                stack.append(d)
    return out


def _estimate(rdd):
    """Estimated element count of rdd's stage input (None: unknown)."""
    total = 0
    for r in _stage_rdds(rdd):
        if r._fully_cached():
            try:
                total += sum(os.path.getsize(r._cache_path(s))
                             for s in range(r.getNumPartitions())) // 16
            except OSError:
                return None
            continue
        h = r._size_hint()
        if h is None:
            if not r._dependencies():
                return None
            continue
        total += h
    for d in _shuffle_deps(rdd):
        if d.done and d.map_offsets:  # what the map side wrote
            total += sum(o[-1] for o in d.map_offsets) // 16
            continue
        h = _estimate(d.parent)
        if h is None:
            return None
        total += h
    return total


def _should_fork(sc, rdd, ntasks):
    mode = (sc._conf.get("spark.eddy.fork") or os.environ.get("EDDY_PYSPARK_FORK") or
            "auto").lower()
    if mode == "always":
        return True
    if mode == "never":
        return False
    if ntasks == 0:
        return False
    est = _estimate(rdd)
    return est is None or est >= SMALL_JOB


def ensure_shuffles(sc, rdd):
    for dep in _shuffle_deps(rdd):
        if dep.done:
            continue
        ensure_shuffles(sc, dep.parent)
        parent = dep.parent
        n = parent.getNumPartitions()
        results = run_stage(sc, parent, lambda split, it, dep=dep: dep.write_map_output(split, it),
                            list(range(n)))
        dep.map_offsets = results
        dep.done = True


def run_job(sc, rdd, func, partitions=None):
    """func(split, iterator) -> value, for each partition; returns the values in order."""
    sc._check_running()
    if _in_task:
        raise Exception(
            "It appears that you are attempting to broadcast an RDD or reference an RDD from an "
            "action or transformation. RDD transformations and actions can only be invoked by "
            "the driver, not inside of other transformations (SPARK-5063).")
    if partitions is None:
        partitions = list(range(rdd.getNumPartitions()))
    ensure_shuffles(sc, rdd)
    return run_stage(sc, rdd, func, partitions)


def run_stage(sc, rdd, func, partitions):
    for r in _stage_rdds(rdd):
        r._prepare()
    tasks = [(split, (lambda split=split: func(split, rdd._iter(split)))) for split in partitions]
    if not tasks:
        return []
    if not _should_fork(sc, rdd, len(tasks)):
        return _run_here(tasks)
    staged = _stage_coalesced_inputs(sc, rdd, len(tasks))
    try:
        return _run_forked(sc, tasks)
    finally:
        for r in staged:
            r.unpersist()


def _stage_coalesced_inputs(sc, rdd, ntasks):
    """coalesce(n) to fewer tasks than cores, over partitions that read a shuffle (the
    article's sortByKey ... coalesce(1)): the coalesced partitions are computed first, in
    parallel, and kept until the job ends, so the n tasks only concatenate them. Each
    partition is still computed once, as without this. Returns the RDDs to unpersist."""
    staged = []
    if ntasks >= sc.defaultParallelism:
        return staged
    for r in _stage_rdds(rdd):
        parent = r._coalesced_parent() if hasattr(r, "_coalesced_parent") else None
        if (parent is None or parent._storage is not None or parent._fully_cached()
                or not _shuffle_deps(parent)):
            continue
        parent.persist()
        staged.append(parent)
        try:
            run_stage(sc, parent, lambda split, it: None, list(range(parent.getNumPartitions())))
        except BaseException:
            for p in staged:
                p.unpersist()
            raise
    return staged


# ---------------------------------------------------------------------------- in the driver

def _run_here(tasks):
    global _in_task
    out = []
    prev = _in_task
    _in_task = True
    gc_was = gc.isenabled()
    gc.disable()  # millions of small containers: the cyclic GC would rescan them repeatedly
    saved = _task_output()
    try:
        for _, fn in tasks:
            out.append(fn())
    finally:
        _in_task = prev
        sys.stdout, sys.stderr = saved
        if gc_was:
            gc.enable()
    return out


def _task_output():
    """What tasks print goes to the process's own stdout/stderr (in a session: the worker's
    log, as executors' output), not to a statement's captured output. Returns the previous
    (stdout, stderr)."""
    saved = (sys.stdout, sys.stderr)
    if sys.__stdout__ is not None:
        sys.stdout = sys.__stdout__
    if sys.__stderr__ is not None:
        sys.stderr = sys.__stderr__
    return saved


# ---------------------------------------------------------------------------- forked

_libc = []


def _load_libc():
    """In the driver, before forking: the C library for prctl (once)."""
    if not _libc:
        try:
            import ctypes
            _libc.append(ctypes.CDLL(None, use_errno=True))
        except Exception:
            _libc.append(None)


def _set_pdeathsig():
    """The child dies with the driver (SIGKILL when its parent thread exits)."""
    try:
        if _libc and _libc[0] is not None:
            _libc[0].prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def _worker(tasks, paths, task_r, done_w, parent_pid):
    """A forked worker: runs the tasks the driver names on task_r (a 4-byte index each), one
    after another, writing each result to its file and a byte to done_w; exits at EOF.
    Never returns."""
    global _in_task
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        _set_pdeathsig()
        if os.getppid() != parent_pid:
            os._exit(1)
        _in_task = True
        _task_output()
        gc.disable()  # the driver's objects were frozen before the fork; new ones are few
        random.seed()  # not the driver's random state in every partition
        np = sys.modules.get("numpy")
        if np is not None:
            try:
                np.random.seed()
            except Exception:
                pass
        done_before = False
        while True:
            msg = _read_exact(task_r, 4)
            if len(msg) < 4:
                break
            i = int.from_bytes(msg, "little")
            if done_before:
                gc.collect()  # the previous task's cycles (cheap: the driver's are frozen)
            done_before = True
            split, fn = tasks[i]
            _acc._start_task()
            try:
                value = fn()
                data = dumps(("ok", value, _acc._task_updates()))
            except BaseException as e:  # noqa: BLE001 - reported to the driver
                data = pickle.dumps(("err", _describe_error(e, split), None), protocol=PROTOCOL)
            value = None
            path = paths[i]
            tmp = path + ".tmp"
            with open(tmp, "wb") as f:
                f.write(data)
            data = None
            os.rename(tmp, path)
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except Exception:
                    pass
            os.write(done_w, b"\x01")
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _read_exact(fd, n):
    buf = b""
    while len(buf) < n:
        try:
            chunk = os.read(fd, n - len(buf))
        except InterruptedError:
            continue
        if not chunk:
            break
        buf += chunk
    return buf


_PKG_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def _describe_error(e, split):
    # The worker's traceback without Eddy's own frames (unless the error is in them).
    frames = traceback.extract_tb(e.__traceback__)
    user = [f for f in frames if not os.path.abspath(f.filename).startswith(_PKG_DIR)]
    shown = traceback.StackSummary.from_list(user or frames)
    tb = "Traceback (most recent call last):\n" + "".join(shown.format()) + \
        "".join(traceback.format_exception_only(type(e), e))
    try:
        blob = pickle.dumps(e, protocol=PROTOCOL)
        pickle.loads(blob)
    except Exception:
        blob = None
    t = type(e)
    return {"blob": blob, "module": t.__module__, "qualname": t.__qualname__,
            "message": str(e), "traceback": tb, "split": split}


def _rebuild_error(info):
    exc = None
    if info["blob"] is not None:
        try:
            exc = pickle.loads(info["blob"])
        except Exception:
            exc = None
    if exc is None:
        t = None
        try:
            mod = sys.modules.get(info["module"]) or __import__(info["module"])
            t = mod
            for part in info["qualname"].split("."):
                t = getattr(t, part)
        except Exception:
            t = None
        if isinstance(t, type) and issubclass(t, BaseException):
            try:
                exc = t(info["message"])
            except Exception:
                try:  # an __init__ with other arguments: the type, its message, no __init__
                    exc = t.__new__(t, info["message"])
                    exc.args = (info["message"],)
                except Exception:
                    exc = None
        if exc is None:
            exc = RuntimeError("%s: %s" % (info["qualname"], info["message"]))
    if isinstance(exc, SystemExit):
        exc = RuntimeError("Python worker for partition %d exited (SystemExit: %s)"
                           % (info["split"], info["message"]))
    if hasattr(exc, "add_note"):
        exc.add_note("(raised in partition %d, in a forked Eddy PySpark worker; its traceback:)\n%s"
                     % (info["split"], info["traceback"].rstrip()))
    return exc


class _Worker(object):
    __slots__ = ("pid", "task_w", "done_r", "current")

    def __init__(self, pid, task_w, done_r):
        self.pid, self.task_w, self.done_r, self.current = pid, task_w, done_r, None


def _stop_workers(workers, kill):
    """Reaps every worker: killed first when kill (a failure or an interrupt), else told to
    exit (their task pipes closed)."""
    for w in workers:
        if w.task_w is not None:
            try:
                os.close(w.task_w)
            except OSError:
                pass
            w.task_w = None
        if kill:
            try:
                os.kill(w.pid, signal.SIGKILL)
            except OSError:
                pass
    for w in workers:
        try:
            os.waitpid(w.pid, 0)
        except (ChildProcessError, OSError):
            pass
        try:
            os.close(w.done_r)
        except OSError:
            pass
    del workers[:]


def _run_forked(sc, tasks):
    """Runs tasks in min(defaultParallelism, len(tasks)) forked workers, each taking the next
    task when it finishes one (as PySpark reuses its Python workers)."""
    _job_counter[0] += 1
    job = _job_counter[0]
    tmpdir = sc._temp_dir()
    nworkers = max(1, min(sc.defaultParallelism, len(tasks)))
    paths = [os.path.join(tmpdir, "result-%d-%d-%d.pkl" % (os.getpid(), job, i))
             for i in range(len(tasks))]
    results = [None] * len(tasks)
    next_task = [0]
    workers = []
    by_fd = {}
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    _load_libc()
    gc.freeze()
    parent_pid = os.getpid()
    ok = False

    def assign(w):
        if next_task[0] < len(tasks):
            w.current = next_task[0]
            next_task[0] += 1
            os.write(w.task_w, w.current.to_bytes(4, "little"))
        else:
            w.current = None
            os.close(w.task_w)
            w.task_w = None

    try:
        for _ in range(nworkers):
            task_r, task_w = os.pipe()
            done_r, done_w = os.pipe()
            pid = os.fork()
            if pid == 0:
                try:
                    os.close(task_w)
                    os.close(done_r)
                    for w in workers:
                        os.close(w.done_r)
                        if w.task_w is not None:
                            os.close(w.task_w)
                except OSError:
                    pass
                _worker(tasks, paths, task_r, done_w, parent_pid)
            os.close(task_r)
            os.close(done_w)
            w = _Worker(pid, task_w, done_r)
            workers.append(w)
            by_fd[done_r] = w
            assign(w)
        while any(w.current is not None for w in workers):
            busy = [w.done_r for w in workers if w.current is not None]
            ready, _, _ = select.select(busy, [], [])
            for fd in ready:
                w = by_fd[fd]
                try:
                    b = os.read(fd, 1)
                except InterruptedError:
                    continue
                i = w.current
                split = tasks[i][0]
                path = paths[i]
                if not b:  # the worker died in its task
                    try:
                        _, status = os.waitpid(w.pid, 0)
                    except ChildProcessError:
                        status = 0
                    if os.WIFSIGNALED(status):
                        why = "killed by signal %d" % os.WTERMSIG(status)
                    else:
                        why = "exit code %d" % os.WEXITSTATUS(status)
                    workers.remove(w)
                    try:
                        os.close(w.done_r)
                        if w.task_w is not None:
                            os.close(w.task_w)
                    except OSError:
                        pass
                    raise RuntimeError("Python worker for partition %d exited unexpectedly (%s)"
                                       % (split, why))
                try:
                    with open(path, "rb") as f:
                        gc_was = gc.isenabled()
                        gc.disable()
                        try:
                            kind, value, updates = pickle.load(f)
                        finally:
                            if gc_was:
                                gc.enable()
                finally:
                    try:
                        os.unlink(path)
                    except OSError:
                        pass
                if kind == "err":
                    raise _rebuild_error(value)
                _acc._merge_updates(updates)
                results[i] = value
                assign(w)
        ok = True
    finally:
        _stop_workers(workers, kill=not ok)
        gc.unfreeze()
        if not ok:
            for p in paths:
                for q in (p, p + ".tmp"):
                    try:
                        os.unlink(q)
                    except OSError:
                        pass
    return results

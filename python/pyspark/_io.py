"""Paths for Eddy's PySpark: local files and s3:// objects.

Local paths use the filesystem. s3:// (and s3a://, s3n://) go through the Eddy binary
(``$EDDY_BINARY``, else ``eddy`` on PATH, else the repository's ``build/eddy``) so that Eddy's
S3 configuration applies: AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID/SECRET, AWS_REGION and the
allowed-buckets confinement EDDY_ALLOW_BUCKETS (docs/storage.md). Hadoop's
``fs.s3a.endpoint`` setting is never used.

Public contract (used by pyspark.sql too):

    normalize(path) -> str
    is_remote(path) -> bool
    list_files(path) -> list[str]
    read_bytes(path) -> bytes
    write_dir(path, files: dict[str, bytes], overwrite=False) -> None

plus helpers for the RDD side: list_files_sized, local_copy, output_exists, remove_tree,
put_file, EddyFsError.
"""
import fnmatch
import os
import re
import shutil
import subprocess
import tempfile

__all__ = ["normalize", "is_remote", "list_files", "read_bytes", "write_dir",
           "list_files_sized", "local_copy", "output_exists", "remove_tree", "put_file",
           "eddy_binary", "EddyFsError"]

_GLOB_CHARS = re.compile(r"[*?\[\]{}]")
_LS_LINE = re.compile(r"^(\S+) (\S+) +(\d+) (.*)$")


class EddyFsError(OSError):
    """An `eddy fs` command failed for a reason other than a missing object."""


# ---------------------------------------------------------------------------- names

def normalize(path):
    """'s3a://b/k', 's3n://b/k' -> 's3://b/k'; 'file:///x' (or 'file:/x') -> '/x'."""
    if not isinstance(path, str):
        path = os.fspath(path)
        if isinstance(path, bytes):
            path = path.decode("utf-8")
    low = path[:6].lower()
    if low.startswith("s3a://") or low.startswith("s3n://"):
        return "s3://" + path[6:]
    if path[:5].lower() == "s3://":
        return "s3://" + path[5:]
    if path.startswith("file://"):
        rest = path[7:]
        # file:///x -> /x ; file://localhost/x -> /x
        if not rest.startswith("/"):
            slash = rest.find("/")
            rest = rest[slash:] if slash >= 0 else "/"
        return rest
    if path.startswith("file:/"):
        return path[5:]
    return path


def is_remote(path):
    return normalize(path).startswith("s3://")


def _is_hidden(name):
    return name.startswith("_") or name.startswith(".")


def _has_glob(component):
    return bool(_GLOB_CHARS.search(component))


def _expand_braces(pattern):
    """Hadoop glob braces: 'a{b,c}d' -> ['abd', 'acd'] (nested braces too)."""
    depth = 0
    start = -1
    for i, ch in enumerate(pattern):
        if ch == "{":
            if depth == 0:
                start = i
            depth += 1
        elif ch == "}" and depth > 0:
            depth -= 1
            if depth == 0:
                inner = pattern[start + 1:i]
                alts, d, cur = [], 0, []
                for c in inner:
                    if c == "," and d == 0:
                        alts.append("".join(cur))
                        cur = []
                        continue
                    if c == "{":
                        d += 1
                    elif c == "}":
                        d -= 1
                    cur.append(c)
                alts.append("".join(cur))
                out = []
                for alt in alts:
                    out.extend(_expand_braces(pattern[:start] + alt + pattern[i + 1:]))
                return out
    return [pattern]


def _match_component(pattern, name):
    if not _has_glob(pattern):
        return pattern == name
    # Hadoop writes negated classes as [^...]; fnmatch as [!...].
    return fnmatch.fnmatchcase(name, pattern.replace("[^", "[!"))


def _select(rel_entries, pattern_comps):
    """rel_entries: [(relative path with '/', size)] of every file under the glob's base.
    Keeps those whose first len(pattern_comps) components match, a file exactly or a
    directory's files below it; names a wildcard matched and names below a matched
    directory are skipped when hidden ('_' or '.' first), as Hadoop's FileInputFormat does."""
    n = len(pattern_comps)
    out = []
    for rel, size in rel_entries:
        comps = rel.split("/")
        if len(comps) < n:
            continue
        ok = True
        for pat, name in zip(pattern_comps, comps):
            if not _match_component(pat, name) or (_has_glob(pat) and _is_hidden(name)):
                ok = False
                break
        if ok and any(_is_hidden(c) for c in comps[n:]):
            ok = False
        if ok:
            out.append((rel, size))
    return out


# ---------------------------------------------------------------------------- eddy binary

def eddy_binary():
    b = os.environ.get("EDDY_BINARY")
    if b:
        return b
    b = shutil.which("eddy")
    if b:
        return b
    here = os.path.dirname(os.path.abspath(__file__))
    b = os.path.join(os.path.dirname(os.path.dirname(here)), "build", "eddy")
    if os.path.exists(b):
        return b
    raise EddyFsError("s3:// paths need the Eddy binary: set EDDY_BINARY (or put eddy on PATH)")


def _eddy(args, stdout=subprocess.PIPE):
    """Runs `eddy fs ARGS`; returns (exit code, stdout bytes or None, error message)."""
    proc = subprocess.run([eddy_binary(), "fs"] + args, stdout=stdout, stderr=subprocess.PIPE,
                          stdin=subprocess.DEVNULL)
    msg = proc.stderr.decode("utf-8", "replace").strip()
    lines = [l for l in msg.splitlines() if l.strip()]
    msg = lines[-1] if lines else ""
    if msg.startswith("eddy: error: "):
        msg = msg[len("eddy: error: "):]
    return proc.returncode, proc.stdout, msg


def _raise_for(code, msg, what):
    if not msg:
        msg = "eddy fs %s failed with exit code %d" % (what, code)
    if code == 4:
        raise FileNotFoundError(msg)
    if "403" in msg or "permission denied" in msg.lower() or "not allowed" in msg.lower():
        raise PermissionError(msg)
    if code == 5:
        raise ConnectionError(msg)
    raise EddyFsError(msg)


def _s3_split(uri):
    """'s3://b/k' -> ('b', 'k')."""
    rest = uri[5:]
    slash = rest.find("/")
    if slash < 0:
        return rest, ""
    return rest[:slash], rest[slash + 1:]


def _s3_ls(prefix_uri):
    """Every object whose key starts with the prefix: [(key, size)]; [] when none."""
    code, out, msg = _eddy(["ls", "-r", prefix_uri])
    if code == 4 and "NoSuchBucket" not in msg:
        return []
    if code != 0:
        _raise_for(code, msg, "ls")
    entries = []
    for line in out.decode("utf-8", "surrogateescape").splitlines():
        m = _LS_LINE.match(line)
        if m and not m.group(4).endswith("/"):  # "dir/" folder markers hold no data
            entries.append((m.group(4), int(m.group(3))))
    return entries


# ---------------------------------------------------------------------------- listing

def _not_found(path):
    return FileNotFoundError("Input path does not exist: %s" % path)


def list_files_sized(path):
    """[(file, size)] as list_files, with sizes in bytes."""
    norm = normalize(path)
    out = []
    for pattern in _expand_braces(norm):
        out.extend(_list_one(pattern, path))
    if not out and not _has_glob(norm):
        pass
    # de-duplicate (overlapping braces), keep sorted order
    seen = set()
    res = []
    for f, s in sorted(out):
        if f not in seen:
            seen.add(f)
            res.append((f, s))
    return res


def list_files(path):
    """A file -> [path]; a directory or S3 prefix -> its data files (recursively), sorted,
    skipping hidden names ('_' or '.' first); globs (* ? [] {a,b}) in any component.
    Raises FileNotFoundError('Input path does not exist: PATH') when nothing matches."""
    return [f for f, _ in list_files_sized(path)]


def _list_one(norm, original):
    if norm.startswith("s3://"):
        return _list_s3(norm, original)
    return _list_local(norm, original)


def _list_local(norm, original):
    comps = norm.split("/")
    gi = next((i for i, c in enumerate(comps) if _has_glob(c)), None)
    if gi is None:
        p = norm
        if os.path.isfile(p):
            return [(p, os.path.getsize(p))]
        if os.path.isdir(p):
            files = _walk_local(p)
            base = p if p.endswith("/") else p + "/"
            return [(base + rel, size) for rel, size in files
                    if not any(_is_hidden(c) for c in rel.split("/"))]
        raise _not_found(original)
    base = "/".join(comps[:gi])
    pattern = [c for c in comps[gi:] if c != ""]
    walk_root = base if base else ("/" if norm.startswith("/") else ".")
    if not os.path.isdir(walk_root):
        raise _not_found(original)
    files = _walk_local(walk_root)
    chosen = _select(files, pattern)
    if not chosen:
        raise _not_found(original)
    prefix = (base + "/") if base else ("/" if norm.startswith("/") else "")
    return [(prefix + rel, size) for rel, size in chosen]


def _walk_local(root):
    out = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        dirnames.sort()
        rel_dir = os.path.relpath(dirpath, root)
        for f in filenames:
            full = os.path.join(dirpath, f)
            try:
                size = os.path.getsize(full)
            except OSError:
                continue
            rel = f if rel_dir == "." else rel_dir.replace(os.sep, "/") + "/" + f
            out.append((rel, size))
    return out


def _list_s3(norm, original):
    bucket, key = _s3_split(norm)
    if not bucket:
        raise ValueError("Invalid S3 path (no bucket): %s" % original)
    comps = key.split("/") if key else []
    gi = next((i for i, c in enumerate(comps) if _has_glob(c)), None)
    if gi is None:
        key = key.rstrip("/")
        entries = _s3_ls("s3://%s/%s" % (bucket, key))
        exact = [(k, s) for k, s in entries if k == key and key]
        if exact:
            return [("s3://%s/%s" % (bucket, key), exact[0][1])]
        base = key + "/" if key else ""
        under = [(k[len(base):], s) for k, s in entries if k.startswith(base) and len(k) > len(base)]
        if not under:
            raise _not_found(original)
        return [("s3://%s/%s%s" % (bucket, base, rel), s) for rel, s in under
                if not any(_is_hidden(c) for c in rel.split("/"))]
    base = "/".join(comps[:gi])
    base_prefix = base + "/" if base else ""
    pattern = [c for c in comps[gi:] if c != ""]
    entries = _s3_ls("s3://%s/%s" % (bucket, base_prefix))
    rel_entries = [(k[len(base_prefix):], s) for k, s in entries if k.startswith(base_prefix)]
    chosen = _select(rel_entries, pattern)
    if not chosen:
        raise _not_found(original)
    return [("s3://%s/%s%s" % (bucket, base_prefix, rel), s) for rel, s in chosen]


# ---------------------------------------------------------------------------- reading

def read_bytes(path):
    norm = normalize(path)
    if norm.startswith("s3://"):
        code, out, msg = _eddy(["cat", norm])
        if code != 0:
            _raise_for(code, msg, "cat")
        return out
    with open(norm, "rb") as f:
        return f.read()


def local_copy(path, tmpdir=None):
    """(local file path, is_temporary) for reading path: the file itself when local; an S3
    object is copied to a temporary file (streamed by `eddy fs cp`, never held in memory)."""
    norm = normalize(path)
    if not norm.startswith("s3://"):
        return norm, False
    fd, tmp = tempfile.mkstemp(prefix="eddy-s3-", suffix=".part", dir=tmpdir)
    os.close(fd)
    code, _, msg = _eddy(["cp", norm, tmp], stdout=subprocess.DEVNULL)
    if code != 0:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        _raise_for(code, msg, "cp")
    return tmp, True


# ---------------------------------------------------------------------------- writing

def output_exists(path):
    norm = normalize(path)
    if norm.startswith("s3://"):
        bucket, key = _s3_split(norm)
        key = key.rstrip("/")
        entries = _s3_ls("s3://%s/%s" % (bucket, key))
        return any(k == key or k.startswith(key + "/") or not key for k, _ in entries)
    return os.path.lexists(norm)


def remove_tree(path):
    norm = normalize(path)
    if norm.startswith("s3://"):
        bucket, key = _s3_split(norm)
        key = key.rstrip("/")
        entries = _s3_ls("s3://%s/%s" % (bucket, key))
        if any(k == key for k, _ in entries):
            code, _, msg = _eddy(["rm", "s3://%s/%s" % (bucket, key)], stdout=subprocess.DEVNULL)
            if code not in (0, 4):
                _raise_for(code, msg, "rm")
        if any(k.startswith(key + "/") for k, _ in entries):
            code, _, msg = _eddy(["rm", "-r", "s3://%s/%s" % (bucket, key)],
                                 stdout=subprocess.DEVNULL)
            if code not in (0, 4):
                _raise_for(code, msg, "rm")
        return
    if os.path.isdir(norm) and not os.path.islink(norm):
        shutil.rmtree(norm)
    elif os.path.lexists(norm):
        os.unlink(norm)


def put_file(local_src, dest):
    """Copies a local file to dest (local path or s3:// URI)."""
    norm = normalize(dest)
    if norm.startswith("s3://"):
        code, _, msg = _eddy(["cp", local_src, norm], stdout=subprocess.DEVNULL)
        if code != 0:
            _raise_for(code, msg, "cp")
        return
    d = os.path.dirname(norm)
    if d:
        os.makedirs(d, exist_ok=True)
    shutil.copyfile(local_src, norm)


def _exists_error(path):
    return FileExistsError("Output directory %s already exists" % path)


def write_dir(path, files, overwrite=False):
    """Writes DIR/name for each (name, bytes) in files, then an empty DIR/_SUCCESS last.
    DIR existing (any object under it) -> FileExistsError unless overwrite, which removes
    the old contents first. On failure, what was written is removed."""
    norm = normalize(path)
    if output_exists(norm):
        if not overwrite:
            raise _exists_error(path)
        remove_tree(norm)
    names = list(files.keys())
    for n in names:
        if not n or n.startswith("/") or ".." in n.split("/") or n == "_SUCCESS":
            raise ValueError("bad output file name %r" % (n,))
    if norm.startswith("s3://"):
        tmp = tempfile.mkdtemp(prefix="eddy-out-")
        try:
            base = norm.rstrip("/")
            for n in names:
                local = os.path.join(tmp, n)
                os.makedirs(os.path.dirname(local), exist_ok=True)
                with open(local, "wb") as f:
                    f.write(files[n])
            try:
                if names:
                    code, _, msg = _eddy(["cp", "-r", tmp, base], stdout=subprocess.DEVNULL)
                    if code != 0:
                        _raise_for(code, msg, "cp")
                empty = os.path.join(tmp, "_SUCCESS")
                open(empty, "wb").close()
                put_file(empty, base + "/_SUCCESS")
            except BaseException:
                try:
                    remove_tree(norm)
                except Exception:
                    pass
                raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return
    created = False
    try:
        os.makedirs(norm)
        created = True
        for n in names:
            target = os.path.join(norm, n)
            d = os.path.dirname(target)
            os.makedirs(d, exist_ok=True)
            tmp = os.path.join(d, "." + os.path.basename(target) + ".eddy-tmp")
            with open(tmp, "wb") as f:
                f.write(files[n])
            os.replace(tmp, target)
        open(os.path.join(norm, "_SUCCESS"), "wb").close()
    except BaseException:
        if created:
            shutil.rmtree(norm, ignore_errors=True)
        raise

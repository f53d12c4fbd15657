// The Python the kernel bridge sends to a live kernel. Each script runs inside `exec` with a
// globals dict of its own, so it leaves no names in the user's namespace; its last statement
// evaluates to None, so IPython's displayhook stores nothing in Out or `_`. It never raises into
// the user's session: every step is guarded, and the result is one JSON line on stdout behind
// RESULT_MARKER.

import { LIVE_DATA_PYTHON } from './liveDataScript';

export const RESULT_MARKER = '__kernel_memory_watch__';

/** Python helpers shared by the scripts (defined inside the private globals, never the user's). */
const PRELUDE = String.raw`
import gc, json, os, sys

def rss():
    try:
        with open('/proc/self/statm') as statm:
            return int(statm.read().split()[1]) * os.sysconf('SC_PAGE_SIZE')
    except Exception:
        try:
            import psutil
            return psutil.Process().memory_info().rss
        except Exception:
            return None

def libc_trim():
    """glibc's malloc_trim, or None on macOS, Windows, musl, or when libc.so.6 cannot be loaded."""
    try:
        import ctypes
        libc = ctypes.CDLL('libc.so.6')
        return getattr(libc, 'malloc_trim', None), libc
    except Exception:
        return None, None

def mallinfo2(libc):
    """glibc >= 2.33 arena figures: bytes in use, free inside the arenas, mmapped."""
    try:
        import ctypes
        class Info(ctypes.Structure):
            _fields_ = [(name, ctypes.c_size_t) for name in (
                'arena', 'ordblks', 'smblks', 'hblks', 'hblkhd', 'usmblks', 'fsmblks',
                'uordblks', 'fordblks', 'keepcost')]
        function = libc.mallinfo2
        function.restype = Info
        info = function()
        return {'arenaBytes': info.arena, 'inUseBytes': info.uordblks, 'freeInArenasBytes': info.fordblks, 'mmappedBytes': info.hblkhd}
    except Exception:
        return None

def report(result):
    print(${JSON.stringify(RESULT_MARKER)} + json.dumps(result), flush=True)
`;

/** Bytes that IPython's output cache (Out, _, __, ___) keeps alive, counting each buffer once. */
const OUTPUT_CACHE = String.raw`
def root_array(array):
    while getattr(array, 'base', None) is not None and hasattr(array.base, 'nbytes'):
        array = array.base
    return array

def buffers(obj):
    try:
        import numpy
    except Exception:
        numpy = None
    if numpy is not None and isinstance(obj, numpy.ndarray):
        return [root_array(obj)]
    manager = getattr(obj, '_mgr', None)  # pandas DataFrame / Series
    if manager is not None:
        found = []
        for block in getattr(manager, 'blocks', []):
            values = getattr(block, 'values', None)
            if values is not None and hasattr(values, 'nbytes'):
                found.append(root_array(values))
        return found
    return []

def output_cache():
    shell = get_ipython()
    if shell is None:
        return {'entries': 0, 'bytes': 0}
    namespace = shell.user_ns
    held = list(namespace.get('Out', {}).values())
    held += [namespace.get(name) for name in ('_', '__', '___')]
    seen = set()
    total = 0
    entries = len(namespace.get('Out', {}))
    for obj in held:
        if obj is None or isinstance(obj, str):
            continue  # IPython starts _, __ and ___ as ''
        found = buffers(obj)
        if not found and id(obj) not in seen:
            seen.add(id(obj))
            total += sys.getsizeof(obj)
        for array in found:
            if id(array) not in seen:
                seen.add(id(array))
                total += int(array.nbytes)
    return {'entries': entries, 'bytes': total}
`;

function wrap(body: string): string {
  const source = PRELUDE + body;
  // One call expression (value None), with globals of its own: nothing reaches the user's namespace.
  return `__import__('builtins').exec(compile(${JSON.stringify(source)}, '<kernel-memory-watch>', 'exec'), {'__builtins__': __import__('builtins'), 'get_ipython': globals().get('get_ipython', lambda: None)})`;
}

/**
 * The kernel's PID, interpreter, platform and memory limit: asked once per kernel start, while
 * idle. The limit is read as src/core/limits.ts reads it here (the tightest memory.max or
 * memory.limit_in_bytes from the kernel's cgroup up to the mount's root), for kernels whose cgroup
 * this machine cannot see: a JupyterHub pod's limit is only visible from inside the pod.
 */
export const PROBE_SCRIPT = wrap(String.raw`
import platform

def cgroup_limit():
    try:
        with open('/proc/self/cgroup') as cgroup:
            lines = cgroup.read().splitlines()
    except OSError:
        return None
    found = {}
    for line in lines:
        parts = line.split(':', 2)
        if len(parts) != 3:
            continue
        if parts[1] == '':
            version, mount, name = 'cgroup-v2', '/sys/fs/cgroup', 'memory.max'
        elif 'memory' in parts[1].split(','):
            version, mount, name = 'cgroup-v1', '/sys/fs/cgroup/memory', 'memory.limit_in_bytes'
        else:
            continue
        relative = os.path.normpath(parts[2] or '/')
        while True:
            try:
                with open(os.path.join(mount + relative, name)) as limit:
                    text = limit.read().strip()
                value = int(text) if text != 'max' else None
            except (OSError, ValueError):
                value = None
            # cgroup v1 writes "no limit" as the largest page-aligned 64-bit value
            if value and value < 2 ** 62 and (version not in found or value < found[version]):
                found[version] = value
            if relative in ('/', '.', ''):
                break
            relative = os.path.dirname(relative)
    for version in ('cgroup-v2', 'cgroup-v1'):
        if version in found:
            return {'bytes': found[version], 'source': version}
    return None

try:
    ram = os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES')
except (ValueError, OSError, AttributeError):
    ram = None
limit = cgroup_limit()
report({'pid': os.getpid(), 'executable': sys.executable, 'python': platform.python_version(),
        'platform': sys.platform, 'libc': ' '.join(platform.libc_ver()).strip(), 'rssBytes': rss(),
        'cgroupLimit': limit if limit and (ram is None or limit['bytes'] < ram) else None})
`);

/** Measures, then collects, then trims, measuring after each step; then what holds the live data. */
export const DIAGNOSE_SCRIPT = wrap(
  OUTPUT_CACHE +
    LIVE_DATA_PYTHON +
    String.raw`
import time
started = time.perf_counter()
result = {'outputCache': output_cache()}
result['rssBefore'] = rss()
result['collectedObjects'] = gc.collect()
result['rssAfterCollect'] = rss()
trim, libc = libc_trim()
result['mallinfoBefore'] = mallinfo2(libc) if libc is not None else None
if trim is not None:
    trim(0)
    result['trimmed'] = True
else:
    result['trimmed'] = False
result['rssAfterTrim'] = rss()
result['mallinfoAfter'] = mallinfo2(libc) if libc is not None else None
try:  # after the measurements: its own small allocations must not count as released memory
    result['liveData'] = live_data()
except Exception as error:
    result['liveData'] = {'error': repr(error)[:300]}
result['seconds'] = time.perf_counter() - started
report(result)
`,
);

/** gc.collect() then the guarded trim: what the quick fixes insert, run once now. */
export const RELEASE_SCRIPT = wrap(String.raw`
result = {'rssBefore': rss(), 'collectedObjects': gc.collect()}
trim, libc = libc_trim()
if trim is not None:
    trim(0)
result['trimmed'] = trim is not None
result['rssAfter'] = rss()
report(result)
`);

/** Clears IPython's output cache (%reset -f out). Sent only after the user agreed. */
export const CLEAR_OUTPUT_CACHE_SCRIPT = wrap(
  OUTPUT_CACHE +
    String.raw`
before = output_cache()
shell = get_ipython()
if shell is not None:
    shell.run_line_magic('reset', '-f out')
    # Before IPython 8.15 the reset leaves each output's second reference, in user_ns_hidden
    # (ipython/ipython#14129): drop _N there and blank _, __, ___ as the reset did in user_ns.
    import re
    hidden = getattr(shell, 'user_ns_hidden', {})
    for key in [key for key in hidden if re.fullmatch(r'_\d+', key)]:
        del hidden[key]
    for key in ('_', '__', '___'):
        if key in hidden:
            hidden[key] = ''
gc.collect()
report({'before': before, 'after': output_cache(), 'rssAfter': rss()})
`,
);

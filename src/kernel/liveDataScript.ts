// The Python half of "what holds the live data": run inside the kernel by the diagnosis (same
// private globals, same consent), it sizes the user's variables and IPython's Out entries by deep
// size and says who holds which buffer. Every object reference stays in the locals of
// `live_data()`, so nothing of the user's is kept alive after it returns (the script's globals
// sit in a reference cycle with its functions until the next collection).
//
// Why the choices:
// - numpy and pandas are read from sys.modules, never imported: importing pandas into a kernel
//   that does not use it costs half a second and tens of MB.
// - An ndarray's memory is its root buffer (the end of its `.base` chain); views of one buffer
//   are one buffer, attributed once: to the array that is the buffer itself, else to a named
//   array or frame, else to a container, else to an Out entry (IPython's cache is the last
//   owner the user thinks of, so a `df.head()` in Out is reported as a view of `df` while `df`
//   lives, and as the owner of the whole block once `df` is rebound).
// - A DataFrame/Series is pandas' `memory_usage(deep=True)` (summed), with its block arrays
//   replaced by their root buffers: `df.head()` reports 332 bytes but keeps the whole block alive.
// - Containers (dict, list, tuple, set, deque) and plain instances' `__dict__` are walked with
//   iterators (a 10 M-item list is never copied onto a stack), largest first, each within half
//   of the remaining time, under a global object budget; a walk that hits its bound is truncated,
//   so the figure is a lower bound and the scan never hangs.

export const LIVE_DATA_PYTHON = String.raw`
def live_data():
    # The scan allocates a record per holder: the collections those allocations trigger would
    # each traverse the user's whole heap (measured: half of the scan on 10,000 variables).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return measure_live_data()
    finally:
        if enabled:
            gc.enable()

def measure_live_data(limit=10, budget_seconds=0.6, max_objects=1_000_000):
    import collections, re, time, types
    started = time.perf_counter()
    deadline = started + budget_seconds
    numpy = sys.modules.get('numpy')
    pandas = sys.modules.get('pandas')
    ndarray = getattr(numpy, 'ndarray', None)
    if not isinstance(ndarray, type):
        ndarray = None
    frame_types = tuple(t for t in (getattr(pandas, 'DataFrame', None), getattr(pandas, 'Series', None)) if isinstance(t, type))
    skipped = (types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.MethodType, type)
    atoms = (str, bytes, bytearray, int, float, complex, bool, range, memoryview)
    sequences = (list, tuple, set, frozenset, collections.deque)
    visited = [0]

    def is_array(obj):
        return ndarray is not None and isinstance(obj, ndarray)

    def root_of(array):
        while True:
            base = getattr(array, 'base', None)
            if base is None or not isinstance(base, ndarray):
                return array
            array = base

    def add_array(array, holding):
        root = root_of(array)
        holding['buffers'][id(root)] = int(root.nbytes)

    def add_frame(frame, holding):
        blocks = [getattr(block, 'values', None) for block in getattr(getattr(frame, '_mgr', None), 'blocks', ())]
        in_blocks = sum(int(values.nbytes) for values in blocks if is_array(values))
        try:
            if blocks and all(is_array(values) and values.dtype.kind != 'O' for values in blocks):
                # The same figure memory_usage(deep=True).sum() gives for numpy-backed, non-object
                # blocks (deep only changes object columns), without its per-column Series:
                # 12 ms instead of 0.25-1.2 s for 1,000 small frames, measured here.
                total = in_blocks + int(frame.index.memory_usage(deep=True))
            else:
                usage = frame.memory_usage(deep=True)
                total = int(usage.sum()) if hasattr(usage, 'sum') else int(usage)
        except Exception:
            total = sys.getsizeof(frame)
        for values in blocks:
            if is_array(values):
                add_array(values, holding)
        holding['own'] += max(0, total - in_blocks)
        return total

    def walk(obj, holding, until):
        seen = set()
        stack = [iter((obj,))]
        try:
            while stack:
                try:
                    item = next(stack[-1])
                except StopIteration:
                    stack.pop()
                    continue
                if id(item) in seen:
                    continue
                seen.add(id(item))
                visited[0] += 1
                if visited[0] >= max_objects or (visited[0] & 255 == 0 and time.perf_counter() > until):
                    holding['truncated'] = True
                    return
                if is_array(item):
                    add_array(item, holding)
                elif frame_types and isinstance(item, frame_types):
                    add_frame(item, holding)
                    if time.perf_counter() > until:
                        holding['truncated'] = True
                        return
                elif isinstance(item, skipped):
                    continue
                else:
                    try:
                        holding['own'] += sys.getsizeof(item)
                    except Exception:
                        pass
                    if isinstance(item, atoms):
                        continue
                    if isinstance(item, dict):
                        stack.append(iter(item.values()))
                        stack.append(iter(item.keys()))
                    elif isinstance(item, sequences):
                        stack.append(iter(item))
                    else:
                        try:  # never the class's own __getattribute__: it could run user code
                            attributes = object.__getattribute__(item, '__dict__')
                        except Exception:
                            attributes = None
                        if isinstance(attributes, dict):
                            stack.append(iter(attributes.values()))
        except Exception:  # a container changed under us (another thread): what we saw stands
            holding['truncated'] = True

    shell = get_ipython()
    if shell is None:
        return None
    namespace = shell.user_ns
    hidden = getattr(shell, 'user_ns_hidden', {})
    out = namespace.get('Out')
    out = out if isinstance(out, dict) else {}
    holdings = []
    by_id = {}

    def add(name, obj, rank, cell):
        known = by_id.get(id(obj))
        if known is not None:
            known['aliases'].append(name)
            if known['cell'] is None:
                known['cell'] = cell
            return
        holding = {'name': name, 'obj': obj, 'rank': rank, 'cell': cell, 'aliases': [], 'hidden': [], 'own': 0,
                   'buffers': {}, 'truncated': False, 'extent': None}
        by_id[id(obj)] = holding
        holdings.append(holding)

    for name, value in list(namespace.items()):
        if name.startswith('_') or value is None or isinstance(value, skipped):
            continue
        if name in hidden and hidden[name] is value:
            continue
        if is_array(value):
            rank = 0 if root_of(value) is value else 1
        elif frame_types and isinstance(value, frame_types):
            rank = 1
        else:
            rank = 2
        add(name, value, rank, None)
    for number in sorted(key for key in out if isinstance(key, int)):
        add('Out[%d]' % number, out[number], 3, number)
    for name in ('_', '__', '___'):
        value = namespace.get(name)
        if value is not None and not (isinstance(value, str) and value == ''):
            add(name, value, 3, None)
    # IPython also binds each output to _N, in the namespace and in user_ns_hidden; before IPython
    # 8.15 %reset -f out leaves the hidden copies (ipython/ipython#14129), which then hold it alone.
    output_name = re.compile(r'_+|_\d+').fullmatch
    for name, value in list(namespace.items()):
        if output_name(name) and name not in ('_', '__', '___') and id(value) in by_id:
            by_id[id(value)]['aliases'].append(name)
    for name, value in sorted(hidden.items(), key=lambda item: not item[0][1:].isdigit()):  # _N first: it names the cell
        if not output_name(name) or value is None or (isinstance(value, str) and value == ''):
            continue
        known = by_id.get(id(value))
        if known is None:
            add(name, value, 3, int(name[1:]) if name[1:].isdigit() else None)
            known = by_id[id(value)]
        known['hidden'].append(name)

    # Arrays, frames and atoms cost O(1) (or pandas' own scan): first. Containers share what is left.
    containers = []
    for holding in holdings:
        obj = holding['obj']
        if is_array(obj):
            add_array(obj, holding)
            holding['extent'] = int(obj.nbytes)
        elif frame_types and isinstance(obj, frame_types):
            holding['extent'] = add_frame(obj, holding)
        elif isinstance(obj, atoms):
            holding['own'] += sys.getsizeof(obj)
        else:
            try:
                containers.append((sys.getsizeof(obj), holding))
            except Exception:
                containers.append((0, holding))
    containers.sort(key=lambda pair: -pair[0])
    for index, (shallow, holding) in enumerate(containers):
        now = time.perf_counter()
        if now >= deadline or visited[0] >= max_objects:
            holding['own'] += shallow
            holding['truncated'] = True
            continue
        # Largest first, each at most half of what is left: a huge list cannot starve the rest,
        # and thousands of small dicts are never cut short by a sliver of a share.
        walk(holding['obj'], holding, now + (deadline - now) / min(2, len(containers) - index))

    # Each buffer belongs to the first holder by rank (then namespace order); the others share it.
    owner_of = {}
    for holding in sorted(holdings, key=lambda h: h['rank']):
        for buffer in holding['buffers']:
            owner_of.setdefault(buffer, holding)
    total = 0
    for holding in holdings:
        owned, shared, sharers = holding['own'], 0, {}
        for buffer, size in holding['buffers'].items():
            owner = owner_of[buffer]
            if owner is holding:
                owned += size
            else:
                shared += size
                sharers[owner['name']] = sharers.get(owner['name'], 0) + size
                owner.setdefault('heldBy', []).append(holding['name'])
        holding['bytes'], holding['shared'], holding['sharers'] = owned, shared, sharers
        total += owned

    pick = sorted(holdings, key=lambda h: (-(h['bytes'] + h['shared']), h['rank']))[:limit]
    history = namespace.get('In')
    history = history if isinstance(history, list) else []
    operator = r'(?:[-+*/%&|^@]|//|\*\*|<<|>>)?=(?!=)'

    def assigned_in(name):
        """The last cell (execution count) whose source binds the name, from IPython's In."""
        if not name.isidentifier():
            return None
        word = re.escape(name)
        pattern = re.compile(
            r'(?m)^[ \t]*(?:[\w.]+[ \t]*,[ \t]*)*\(?[ \t]*' + word + r'\b(?:[ \t]*,[^=\n]*)?[ \t]*(?::[^=\n]*)?' + operator +
            r'|\bfor[ \t]+[\w \t,(]*\b' + word + r'\b[\w \t,)]*\bin\b|\bas[ \t]+' + word + r'\b|\b' + word + r'[ \t]*:=')
        for number in range(len(history) - 1, 0, -1):
            source = history[number]
            if isinstance(source, str) and name in source and pattern.search(source):
                return number
        return None

    entries = []
    for holding in pick:
        obj = holding['obj']
        shape = None
        try:
            if is_array(obj) or (frame_types and isinstance(obj, frame_types)):
                shape = [int(n) for n in obj.shape]
            elif hasattr(obj, '__len__') and not isinstance(obj, (str, bytes)):
                shape = [len(obj)]
        except Exception:
            shape = None
        kind = type(obj)
        view_of = None
        if holding['sharers']:
            view_of = max(holding['sharers'].items(), key=lambda pair: pair[1])[0]
        entries.append({
            'name': holding['name'], 'type': kind.__qualname__, 'module': kind.__module__.split('.')[0],
            'shape': shape, 'bytes': holding['bytes'], 'sharedBytes': holding['shared'], 'sharedWith': view_of,
            'isView': bool(holding['sharers']) and (is_array(obj) or bool(frame_types and isinstance(obj, frame_types))),
            'extentBytes': holding['extent'],
            'heldBy': sorted(set(holding.get('heldBy', [])))[:5], 'aliases': holding['aliases'][:5], 'hiddenRefs': holding['hidden'][:5],
            'cell': holding['cell'] if holding['cell'] is not None else assigned_in(holding['name']),
            'truncated': holding['truncated']})
    return {'entries': entries, 'totalBytes': total, 'holders': len(holdings), 'objectsVisited': visited[0],
            'truncated': any(h['truncated'] for h in holdings), 'seconds': time.perf_counter() - started}
`;

"""Checks fixed notebook cells as IPython runs them, for the notebook property test.

Each cell goes through IPython's own TransformerManager().transform_cell (magics, `!` lines and
help become get_ipython() calls on the same lines) before `ast`, as IPython does before it runs a
cell. One JSON request per line on stdin, one reply per line on stdout.

{"op": "fix", "original": str, "fixed": str, "loop_line": int, "call_lines": [int], "mode": str}
    -> {"ok": bool, "why": str}: the fixed cell compiles whenever the original did, and the
       release calls are in the loop's body (or right after it): ast_checker's rules.
{"op": "cache", "cell": str}
    -> {"cached": bool, "cell_magic": bool}: whether IPython would keep the cell's value in
       Out[n] (its last statement is an expression, not a get_ipython() call, and not silenced
       by a last `;` token, DisplayHook.quiet's rule), and whether a cell magic takes the cell.
"""
import ast
import io
import json
import sys
import tokenize
import warnings

from IPython.core.inputtransformer2 import TransformerManager

from ast_checker import check, loop_at, parent_body

warnings.simplefilter("ignore")
transformer = TransformerManager()


def transformed(cell):
    return transformer.transform_cell(cell)


def quiet(code):
    """IPython.core.displayhook.DisplayHook.quiet on the transformed cell."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, SyntaxError):
        return False
    for token in reversed(tokens):
        if token[0] in (tokenize.ENDMARKER, tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT):
            continue
        return token[0] == tokenize.OP and token[1] == ";"
    return False


def is_ipython_call(node):
    """get_ipython().system(...), .run_line_magic(...), .getoutput(...): what IPython made of a magic or `!` line."""
    call = node.value if isinstance(node, ast.Expr) else None
    return (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and isinstance(call.func.value, ast.Call)
        and isinstance(call.func.value.func, ast.Name)
        and call.func.value.func.id == "get_ipython"
    )


def cache(cell):
    code = transformed(cell)
    cell_magic = code.lstrip().startswith("get_ipython().run_cell_magic(")
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return {"cached": False, "cell_magic": cell_magic}
    last = tree.body[-1] if tree.body else None
    cached = isinstance(last, ast.Expr) and not is_ipython_call(last) and not quiet(code)
    return {"cached": cached, "cell_magic": cell_magic}


def right_after(code, loop_line, call_lines):
    """Stricter than ast_checker for "after the loop": the calls are the statements right after it, in order."""
    tree = ast.parse(code)
    loop = loop_at(tree, loop_line)
    block = parent_body(tree, loop) if loop else None
    if not block:
        return f"no block holds the loop at line {loop_line}"
    following = block[block.index(loop) + 1 :]
    for k, call_line in enumerate(sorted(call_lines)):
        statement = following[k] if k < len(following) else None
        if not isinstance(statement, ast.Expr) or statement.lineno != call_line:
            found = f"line {statement.lineno}" if statement else "nothing"
            return f"call at line {call_line} is not statement {k + 1} after the loop ({found} is)"
    return ""


def fix(request):
    try:
        compile(transformed(request["original"]), "<cell>", "exec")
        original_compiles = True
    except SyntaxError:
        original_compiles = False
    code = transformed(request["fixed"])
    reply = check(
        {
            "source": code,
            "original_compiles": original_compiles,
            "loop_line": request["loop_line"],
            "call_lines": request["call_lines"],
            "mode": request["mode"],
        }
    )
    if reply["ok"] and reply["why"] == "" and request["mode"] == "after":
        why = right_after(code, request["loop_line"], request["call_lines"])
        if why:
            return {"ok": False, "why": why}
    return reply


for line in sys.stdin:
    request = json.loads(line)
    reply = fix(request) if request["op"] == "fix" else cache(request["cell"])
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()

"""Checks fixed Python sources for the property test, one JSON request per line on stdin.

Request: {"source": str, "original_compiles": bool, "loop_line": int, "call_lines": [int], "mode": "each"|"every"|"after"}
Reply:   {"ok": bool, "why": str}
"""
import ast
import json
import sys
import warnings

warnings.simplefilter("ignore")


def loop_at(tree, line):
    for node in ast.walk(tree):
        if isinstance(node, (ast.For, ast.AsyncFor, ast.While)) and node.lineno == line:
            return node
    return None


def statements_in(body):
    """Statements of a loop body, looking into `if` blocks but not into nested functions or loops."""
    for statement in body:
        yield statement
        if isinstance(statement, ast.If):
            yield from statements_in(statement.body)


def parent_body(tree, target):
    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody", "handlers"):
            block = getattr(node, field, None)
            if isinstance(block, list) and target in block:
                return block
    return None


def check(request):
    try:
        tree = ast.parse(request["source"])
        compile(tree, "<fixed>", "exec")
    except SyntaxError as error:
        if request["original_compiles"]:
            return {"ok": False, "why": f"no longer compiles: {error}"}
        return {"ok": True, "why": "input did not compile either"}
    loop = loop_at(tree, request["loop_line"])
    if loop is None:
        return {"ok": False, "why": f"no loop at line {request['loop_line']}"}
    for call_line in request["call_lines"]:
        if request["mode"] == "after":
            block = parent_body(tree, loop)
            index = block.index(loop) if block else -1
            following = block[index + 1] if block and index + 1 < len(block) else None
            if following is None or following.lineno > call_line or call_line > (following.end_lineno or following.lineno) + 1:
                return {"ok": False, "why": f"call at line {call_line} is not right after the loop"}
        else:
            if not any(s.lineno == call_line and isinstance(s, ast.Expr) for s in statements_in(loop.body)):
                return {"ok": False, "why": f"call at line {call_line} is not in the loop body"}
    return {"ok": True, "why": ""}


def main():
    original_compiles = True
    for line in sys.stdin:
        request = json.loads(line)
        if request.get("original_compiles") == "last":
            # pipelined requests: the answer to the last probe of an original (loop_line -1), sent before them
            request["original_compiles"] = original_compiles
        reply = check(request)
        if request["loop_line"] == -1:
            original_compiles = reply["why"] != "input did not compile either"
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()

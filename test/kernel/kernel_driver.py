"""Drives a real ipykernel through jupyter_client for the tests, speaking JSON lines on stdio.

The tests cannot install the Jupyter extension, so they implement its published Kernel API
(status, onDidChangeStatus, executeCode) on top of this driver. The kernel itself is started
by the caller (`python3 -m ipykernel_launcher -f CONNECTION_FILE`), so it is the caller's child,
as kernels started by VS Code are children of the extension host.

stdin:  {"id": 1, "op": "execute", "code": "...", "store_history": false}
        {"id": 2, "op": "shutdown"}
stdout: {"event": "ready"}
        {"event": "status", "state": "busy" | "idle" | ...}
        {"id": 1, "event": "output", "output": {"output_type": "stream", ...}}
        {"id": 1, "event": "done", "status": "ok" | "error", "execution_count": 3}
"""
import json
import os
import queue
import sys
import time

import zmq
from jupyter_client import BlockingKernelClient


def emit(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def wait_for_kernel(client, timeout):
    """Asks for kernel_info until the kernel answers on shell and iopub is connected.

    jupyter_client's wait_for_ready gives up as soon as one heartbeat misses its 1 s deadline,
    which a kernel still importing on a cold, busy machine does: a fresh CI machine saw
    "Kernel died before replying to kernel_info" from a kernel that was only slow. So there is
    no heartbeat channel here, and the one deadline is the caller's.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        client.kernel_info()
        try:
            reply = client.get_shell_msg(timeout=1)
        except queue.Empty:
            continue
        if reply["msg_type"] != "kernel_info_reply":
            continue
        # iopub subscribes asynchronously (zmq's slow joiner): ready once it carries a message
        try:
            client.get_iopub_msg(timeout=0.5)
        except queue.Empty:
            continue
        while True:  # the rest of this handshake's status messages are not for any request
            try:
                client.get_iopub_msg(timeout=0.2)
            except queue.Empty:
                return
    raise RuntimeError(f"the kernel did not answer kernel_info within {timeout} s")


def main():
    client = BlockingKernelClient(connection_file=sys.argv[1])
    client.load_connection_file()
    client.start_channels(hb=False)
    wait_for_kernel(client, timeout=120)
    emit({"event": "ready"})

    # msg_id -> {"id", "reply"}; an execution is done once its shell reply has come *and*
    # iopub said idle for it, so no output can arrive after "done".
    pending = {}

    def finish_if_complete(msg_id):
        entry = pending.get(msg_id)
        if entry and entry["reply"] is not None and entry["idle"]:
            del pending[msg_id]
            content = entry["reply"]
            emit({"id": entry["id"], "event": "done", "status": content.get("status"),
                  "execution_count": content.get("execution_count")})

    shell = client.shell_channel.socket
    iopub = client.iopub_channel.socket
    poller = zmq.Poller()
    poller.register(shell, zmq.POLLIN)
    poller.register(iopub, zmq.POLLIN)
    poller.register(sys.stdin.fileno(), zmq.POLLIN)
    buffered = b""
    while True:
        for socket, _ in poller.poll():
            if socket == sys.stdin.fileno():
                chunk = os.read(sys.stdin.fileno(), 65536)
                if not chunk:
                    return
                buffered += chunk
                while b"\n" in buffered:
                    line, buffered = buffered.split(b"\n", 1)
                    request = json.loads(line)
                    if request["op"] == "shutdown":
                        return
                    msg_id = client.execute(
                        request["code"],
                        silent=False,
                        store_history=request.get("store_history", False),
                        allow_stdin=False,
                    )
                    pending[msg_id] = {"id": request["id"], "reply": None, "idle": False}
            elif socket == iopub:
                message = client.get_iopub_msg(timeout=0)
                parent = message["parent_header"].get("msg_id")
                kind = message["header"]["msg_type"]
                content = message["content"]
                if kind == "status":
                    emit({"event": "status", "state": content["execution_state"]})
                    if content["execution_state"] == "idle" and parent in pending:
                        pending[parent]["idle"] = True
                        finish_if_complete(parent)
                elif parent in pending and kind in ("stream", "execute_result", "display_data", "error"):
                    emit({"id": pending[parent]["id"], "event": "output", "output": dict(content, output_type=kind)})
            elif socket == shell:
                reply = client.get_shell_msg(timeout=0)
                parent = reply["parent_header"].get("msg_id")
                if parent in pending:
                    pending[parent]["reply"] = reply["content"]
                    finish_if_complete(parent)


if __name__ == "__main__":
    main()

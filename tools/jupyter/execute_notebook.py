"""Execute one notebook on Deno's Jupyter kernel and export it as HTML.

Run it with a Python that imports nbclient and nbconvert (Debian's
``/usr/bin/python3`` with ``python3-nbclient`` and ``jupyter-nbconvert``)::

    /usr/bin/python3 tools/jupyter/execute_notebook.py notebooks/01-x.ipynb \\
        --html reports/01-x.html.tmp [--cell-timeout 1800] [--idle-grace 0.2] \\
        [--executed-notebook reports/01-x.ipynb] [--kernel-name deno]

The kernel starts in the notebook's folder. Every code cell runs with
``allow_errors=False``: the first cell that raises or runs past the cell
timeout stops the notebook, and the HTML shows the cells run so far.

Progress goes to stderr, one ``relu-lab-progress {json}`` line per event. The
prefix separates these lines from what the kernel itself prints there. The last such
line is the ``result`` event. Exit status: 0 when every cell ran, 1 when a
cell raised, 2 when a cell timed out, 3 when the notebook could not be run or
exported (unreadable file, kernel failed to start or died).

Deno's kernel (Deno 2.9.6) sometimes publishes ``status: idle`` before the
last outputs of the cell it finished. Stock nbclient (0.7.2) stops reading
IOPub at ``idle`` and drops those outputs, error outputs included.
``DrainingNotebookClient`` keeps reading for a short quiet period after
``idle`` and files any output that arrives later still under the cell that
produced it.
"""

import argparse
import asyncio
import json
import os
import re
import sys
import time
from queue import Empty

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import (
    CellExecutionComplete,
    CellExecutionError,
    CellTimeoutError,
    DeadKernelError,
)
from nbclient.util import ensure_async
from nbconvert import HTMLExporter

PROGRESS_PREFIX = "relu-lab-progress "
# lib/notebook/live_progress.ts names its display ids so; their text/plain is one progress line.
LIVE_PROGRESS_DISPLAY_PREFIX = "relu-lab-progress-"
LIVE_PROGRESS_SECONDS = 2.0
EXIT_OK = 0
EXIT_CELL_ERROR = 1
EXIT_CELL_TIMEOUT = 2
EXIT_FAILED = 3

ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
OUTPUT_MESSAGE_TYPES = {"stream", "display_data", "execute_result", "error", "update_display_data", "clear_output"}


def emit(event: dict) -> None:
    """Write one progress event to stderr as a prefixed JSON line."""
    sys.stderr.write(PROGRESS_PREFIX + json.dumps(event) + "\n")
    sys.stderr.flush()


def first_line(source: str) -> str:
    """Return the first non-blank line of a cell's source, cut to 100 characters."""
    for line in source.splitlines():
        if line.strip():
            return line.strip()[:100]
    return ""


def strip_ansi(text: str) -> str:
    """Remove terminal colour codes, which Deno puts in error values and tracebacks."""
    return ANSI_ESCAPE.sub("", text)


class DrainingNotebookClient(NotebookClient):
    """NotebookClient that keeps outputs which arrive after the kernel's ``idle``.

    ``idle_grace`` is the quiet period in seconds: after ``idle``, IOPub is read
    until no message has come for that long, for at most ``idle_grace_max``
    seconds in all. ``idle_grace_max`` must stay below nbclient's
    ``iopub_timeout`` (4 s), which bounds how long nbclient waits for this
    reader once the execute reply is in. Outputs that come later still (while
    a later cell runs) are recognised by their parent message id and attached
    to the cell that sent the request.
    """

    def __init__(self, nb, idle_grace: float, idle_grace_max: float = 1.0, **kw):
        super().__init__(nb, **kw)
        self.idle_grace = idle_grace
        self.idle_grace_max = idle_grace_max
        self.started = time.monotonic()
        self._last_live_progress = 0.0
        self.current_index = None
        self.failure = None
        self.late_outputs = 0
        self._cell_index_by_msg_id = {}
        self._output_task = None
        code_indices = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip()]
        self._last_code_index = code_indices[-1] if code_indices else None

    def elapsed(self) -> float:
        return round(time.monotonic() - self.started, 3)

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        if cell.cell_type != "code" or not cell.source.strip():
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        self.current_index = cell_index
        total = len(self.nb.cells)
        emit({"event": "cell", "phase": "start", "cell": cell_index + 1, "cells": total, "elapsed": self.elapsed()})
        cell_started = time.monotonic()
        try:
            result = await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        except CellTimeoutError:
            # nbclient 0.7.2 leaves the IOPub reader running after a timeout,
            # and Python then warns "Task was destroyed but it is pending!".
            if self._output_task is not None:
                self._output_task.cancel()
            raise
        emit({
            "event": "cell",
            "phase": "done",
            "cell": cell_index + 1,
            "cells": total,
            "elapsed": self.elapsed(),
            "seconds": round(time.monotonic() - cell_started, 3),
        })
        return result

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        self._output_task = asyncio.current_task()
        self._cell_index_by_msg_id[parent_msg_id] = cell_index
        while True:
            msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=None))
            if self._route_message(msg, parent_msg_id, cell, cell_index, after_idle=False):
                break
        await self._drain_after_idle(parent_msg_id, cell, cell_index)

    async def _drain_after_idle(self, parent_msg_id, cell, cell_index):
        # The last code cell gets a longer quiet period: no later cell's
        # reader is left to catch what it publishes after this one ends.
        quiet = self.idle_grace if cell_index != self._last_code_index else max(self.idle_grace, 0.5)
        deadline = time.monotonic() + self.idle_grace_max
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=min(quiet, remaining)))
            except Empty:
                return
            self._route_message(msg, parent_msg_id, cell, cell_index, after_idle=True)

    def _report_live_progress(self, msg, cell_index):
        """Pass lib/notebook's live progress text on to the terminal, at most every LIVE_PROGRESS_SECONDS."""
        if msg["msg_type"] not in ("display_data", "update_display_data"):
            return
        content = msg.get("content", {})
        display_id = str(content.get("transient", {}).get("display_id", ""))
        text = content.get("data", {}).get("text/plain")
        if not display_id.startswith(LIVE_PROGRESS_DISPLAY_PREFIX) or not isinstance(text, str):
            return
        now = time.monotonic()
        if now - self._last_live_progress < LIVE_PROGRESS_SECONDS:
            return
        self._last_live_progress = now
        emit({"event": "live", "cell": cell_index + 1, "text": text.splitlines()[0][:200] if text else ""})

    def _route_message(self, msg, parent_msg_id, cell, cell_index, after_idle: bool) -> bool:
        """File one IOPub message under its cell; return True on the current cell's first ``idle``."""
        parent = msg["parent_header"].get("msg_id")
        if parent == parent_msg_id:
            self._report_live_progress(msg, cell_index)
            try:
                self.process_message(msg, cell, cell_index)
            except CellExecutionComplete:
                return not after_idle
            if after_idle and msg["msg_type"] in OUTPUT_MESSAGE_TYPES:
                self._count_late(msg, cell_index)
            return False
        earlier_index = self._cell_index_by_msg_id.get(parent)
        if earlier_index is not None and msg["msg_type"] in OUTPUT_MESSAGE_TYPES:
            self._attach_to_earlier_cell(msg, earlier_index)
        return False

    def _attach_to_earlier_cell(self, msg, index):
        # clear_before_next_output belongs to the cell running now; an earlier
        # cell's late message must neither use nor reset it.
        # NOTE: a late clear_output(wait=True) of an earlier cell is therefore
        # dropped. The live progress of lib/notebook updates its display by
        # display_id and sends no clear_output, so nothing depends on it yet.
        saved = self.clear_before_next_output
        self.clear_before_next_output = False
        try:
            self.process_message(msg, self.nb.cells[index], index)
        except CellExecutionComplete:
            pass
        finally:
            self.clear_before_next_output = saved
        self._count_late(msg, index)

    def _count_late(self, msg, index):
        self.late_outputs += 1
        emit({"event": "late_output", "cell": index + 1, "msgType": msg["msg_type"], "elapsed": self.elapsed()})

    async def _check_raise_for_error(self, cell, cell_index, exec_reply):
        # The execute reply on the shell channel has status "error" even when
        # the kernel's error output on IOPub was lost, so a failing cell cannot
        # pass as a clean one. The lost output is rebuilt from the reply.
        if exec_reply is not None and exec_reply["content"].get("status") == "error":
            content = exec_reply["content"]
            self.failure = {
                "cell": cell_index + 1,
                "executionCount": cell.get("execution_count"),
                "ename": strip_ansi(content.get("ename", "Error")),
                "evalue": strip_ansi(content.get("evalue", "")),
                "firstLine": first_line(cell.source),
            }
            if not any(output.get("output_type") == "error" for output in cell.outputs):
                cell.outputs.append(
                    nbformat.v4.new_output(
                        "error",
                        ename=content.get("ename", "Error"),
                        evalue=content.get("evalue", ""),
                        traceback=content.get("traceback", []),
                    )
                )
                emit({"event": "restored_error_output", "cell": cell_index + 1})
        await super()._check_raise_for_error(cell, cell_index, exec_reply)


def clear_outputs(nb) -> None:
    """Drop stored outputs, so cells after a failure show nothing stale."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Execute a notebook on Deno's Jupyter kernel and export HTML.")
    parser.add_argument("notebook", help="path of the .ipynb file to execute")
    parser.add_argument("--html", required=True, help="path to write the exported HTML to")
    parser.add_argument(
        "--cell-timeout",
        type=float,
        default=1800.0,
        help="seconds one cell may run before it is stopped (default 1800)",
    )
    parser.add_argument(
        "--idle-grace",
        type=float,
        default=0.2,
        help="seconds of IOPub quiet to wait for after a cell's idle status (default 0.2)",
    )
    parser.add_argument("--executed-notebook", help="also write the executed notebook to this path")
    parser.add_argument("--kernel-name", default="deno", help="Jupyter kernel to run the notebook on (default deno)")
    args = parser.parse_args(argv)
    if not args.cell_timeout > 0:
        parser.error(f"--cell-timeout must be a positive number of seconds, got {args.cell_timeout}")
    if not 0 < args.idle_grace <= 1:
        parser.error(f"--idle-grace must be in (0, 1] seconds, got {args.idle_grace}")
    return args


def run(args) -> int:
    try:
        nb = nbformat.read(args.notebook, as_version=4)
    except (OSError, ValueError) as error:
        emit({"event": "result", "status": "failed", "elapsed": 0, "message": f"cannot read {args.notebook}: {error}"})
        return EXIT_FAILED
    clear_outputs(nb)
    notebook_dir = os.path.dirname(os.path.abspath(args.notebook))

    def new_client():
        return DrainingNotebookClient(
            nb,
            idle_grace=args.idle_grace,
            kernel_name=args.kernel_name,
            timeout_func=lambda _cell: args.cell_timeout,
            allow_errors=False,
            shutdown_kernel="immediate",
            resources={"metadata": {"path": notebook_dir}},
        )

    client = new_client()
    total = len(nb.cells)
    emit({"event": "start", "notebook": args.notebook, "cells": total})

    result = {"event": "result", "status": "ok"}
    code = EXIT_OK
    try:
        try:
            client.execute()
        except RuntimeError as error:
            # The Deno kernel once exited during start-up while three kernels started at once (in
            # tests/report_test.ts). No cell has run yet, so one more start is safe, and a
            # second failure is reported as usual.
            if client.current_index is not None or "before replying to kernel_info" not in str(error):
                raise
            print(f"execute_notebook: the kernel failed to start ({error}); starting it again", file=sys.stderr)
            client = new_client()
            client.execute()
    except CellExecutionError:
        result.update(status="error", **(client.failure or {}))
        code = EXIT_CELL_ERROR
    except CellTimeoutError:
        index = client.current_index
        cell = nb.cells[index]
        message = f"the cell ran longer than the cell timeout of {args.cell_timeout:g} s and was stopped"
        # nbconvert shows an error output's traceback lines, not its ename and evalue.
        cell.outputs.append(
            nbformat.v4.new_output(
                "error", ename="CellTimeoutError", evalue=message, traceback=[f"CellTimeoutError: {message}"]
            )
        )
        result.update(
            status="timeout",
            cell=index + 1,
            executionCount=cell.get("execution_count"),
            firstLine=first_line(cell.source),
            limit=args.cell_timeout,
        )
        code = EXIT_CELL_TIMEOUT
    except DeadKernelError:
        index = client.current_index
        result.update(status="failed", message="the kernel died", cell=None if index is None else index + 1)
        code = EXIT_FAILED
    except Exception as error:  # noqa: BLE001 - kernel start failures come as many types
        result.update(status="failed", message=f"{type(error).__name__}: {error}")
        code = EXIT_FAILED
    result.update(cells=total, elapsed=client.elapsed(), lateOutputs=client.late_outputs)

    try:
        if args.executed_notebook:
            nbformat.write(nb, args.executed_notebook)
        # "lab" is the template of Debian's nbconvert 6.5.3 that inlines its
        # CSS; Debian ships "classic" with a placeholder style.css of one comment line.
        exporter = HTMLExporter(template_name="lab", embed_images=True)
        name = os.path.splitext(os.path.basename(args.notebook))[0]
        body, _resources = exporter.from_notebook_node(nb, resources={"metadata": {"path": notebook_dir, "name": name}})
        with open(args.html, "w", encoding="utf-8") as file:
            file.write(body)
        result.update(html=True)
    except Exception as error:  # noqa: BLE001 - report any export failure with its type
        result.update(html=False, exportError=f"{type(error).__name__}: {error}")
        if code == EXIT_OK:
            result.update(status="failed", message=f"HTML export failed: {result['exportError']}")
            code = EXIT_FAILED
    emit(result)
    return code


if __name__ == "__main__":
    sys.exit(run(parse_args(sys.argv[1:])))

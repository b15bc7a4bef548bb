"""Several uvicorn workers on one listening socket, with new connections shared out evenly.

Workers that share a listening socket race for each connection, and an event loop that wakes up
accepts every connection waiting at that moment. A handful of keep-alive clients that connect at once
(a reverse proxy's upstream pool, a load balancer, a partner's HTTP client) can so all land on one
worker, which then answers everything while its sibling idles, for as long as the connections live.

Here each worker accepts one connection per wake-up and first looks at a small board, one file per
worker, that tells how many connections every worker holds. A worker that holds more than another
lets the connection wait a few milliseconds for the less loaded worker, then takes it itself if
nobody did (a sibling that is stuck or gone never holds a client up for longer than that).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import shutil
import signal
import socket
import struct
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import uvicorn

log = logging.getLogger(__name__)

READY_WAIT_S = 120.0
"""How long a starting worker waits for its siblings before it serves alone (they all start listening together)."""
DEFER_S = 0.05
"""How long a worker that holds more connections than a sibling leaves a new connection to the sibling."""
_COUNT = struct.Struct("<q")


class Board:
    """How many connections each worker of one server holds: a file per worker, named by its pid."""

    def __init__(self, folder: Path, pid: int | None = None) -> None:
        self.folder = folder
        self.pid = pid if pid is not None else os.getpid()
        self._fd = os.open(folder / str(self.pid), os.O_RDWR | os.O_CREAT, 0o600)
        self.publish(0)

    def publish(self, count: int) -> None:
        os.pwrite(self._fd, _COUNT.pack(count), 0)

    def workers(self) -> int:
        """How many workers have a board entry (each makes one when it is ready to serve)."""
        return sum(1 for entry in os.scandir(self.folder) if entry.name.isdigit() and _alive(int(entry.name)))

    def fewest_elsewhere(self) -> int | None:
        """The fewest connections a live sibling holds (None with no live sibling); dead workers' files go."""
        fewest: int | None = None
        for entry in os.scandir(self.folder):
            if entry.name == str(self.pid) or not entry.name.isdigit():
                continue
            if not _alive(int(entry.name)):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)
                continue
            try:
                with open(entry.path, "rb") as file:
                    data = file.read(_COUNT.size)
            except FileNotFoundError:
                continue
            if len(data) == _COUNT.size:
                count = _COUNT.unpack(data)[0]
                fewest = count if fewest is None else min(fewest, count)
        return fewest

    def close(self) -> None:
        os.close(self._fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.folder / str(self.pid))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Acceptor:
    """Accepts connections on ``sock`` one at a time, deferring to a less loaded sibling (see the module)."""

    def __init__(self, loop: asyncio.AbstractEventLoop, sock: socket.socket, factory: Callable[[], asyncio.Protocol],
                 board: Board) -> None:
        self.loop, self.sock, self.factory, self.board = loop, sock, factory, board
        self.count = 0
        self._waiting: asyncio.TimerHandle | None = None
        self._listening = False
        self._tasks: set[asyncio.Task[Any]] = set()

    def start(self, backlog: int) -> None:
        self.sock.listen(backlog)  # the parent only binds it (asyncio's server would listen here too)
        self.sock.setblocking(False)
        self._listen()

    def stop(self) -> None:
        if self._waiting is not None:
            self._waiting.cancel()
            self._waiting = None
        if self._listening:
            self.loop.remove_reader(self.sock.fileno())
            self._listening = False

    def _listen(self) -> None:
        self._waiting = None
        if not self._listening:
            self.loop.add_reader(self.sock.fileno(), self._ready)
            self._listening = True

    def _ready(self, *, waited: bool = False) -> None:
        if not waited:
            fewest = self.board.fewest_elsewhere()
            if fewest is not None and fewest < self.count:
                self.loop.remove_reader(self.sock.fileno())
                self._listening = False
                self._waiting = self.loop.call_later(DEFER_S, self._after_waiting)
                return
        try:
            conn, _ = self.sock.accept()
        except (BlockingIOError, InterruptedError):
            return  # a sibling took it
        except OSError as exc:  # out of file descriptors, say: leave it queued and look again shortly
            log.warning("accept failed: %s", exc)
            self.loop.remove_reader(self.sock.fileno())
            self._listening = False
            self._waiting = self.loop.call_later(0.1, self._listen)
            return
        conn.setblocking(False)
        self._changed(+1)
        task = self.loop.create_task(self._serve(conn))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _after_waiting(self) -> None:
        self._listen()
        self._ready(waited=True)  # still queued: nobody less loaded took it, so this worker does

    async def _serve(self, conn: socket.socket) -> None:
        try:
            await self.loop.connect_accepted_socket(self._protocol, conn)
        except Exception:  # a connection that fails to start is the client's loss alone
            log.debug("connection failed to start", exc_info=True)
            conn.close()
            self._changed(-1)

    def _protocol(self) -> asyncio.Protocol:
        protocol = self.factory()
        lost = protocol.connection_lost

        def connection_lost(exc: Exception | None) -> None:
            self._changed(-1)
            lost(exc)

        protocol.connection_lost = connection_lost  # type: ignore[method-assign]
        return protocol

    def _changed(self, delta: int) -> None:
        self.count += delta
        self.board.publish(self.count)


class BalancedServer(uvicorn.Server):
    """A uvicorn server for one worker of several: it accepts through an `Acceptor` instead of asyncio's server."""

    def __init__(self, config: uvicorn.Config, board_folder: Path, workers: int) -> None:
        super().__init__(config)
        self.board_folder = board_folder
        self.workers = workers
        self.acceptors: list[Acceptor] = []
        self.board: Board | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=[])  # the lifespan, the server state; no asyncio server
        if self.should_exit:
            return
        loop = asyncio.get_running_loop()
        config = self.config

        def factory() -> asyncio.Protocol:
            return config.http_protocol_class(  # type: ignore[call-arg]
                config=config, server_state=self.server_state, app_state=self.lifespan.state, _loop=loop)

        self.board = Board(self.board_folder)
        deadline = loop.time() + READY_WAIT_S  # listen once every worker can take its share of the first connections
        while self.board.workers() < self.workers and loop.time() < deadline and not self.should_exit:
            await asyncio.sleep(0.05)
        for sock in sockets or []:
            acceptor = Acceptor(loop, sock, factory, self.board)
            acceptor.start(config.backlog)
            self.acceptors.append(acceptor)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for acceptor in self.acceptors:
            acceptor.stop()
        await super().shutdown(sockets=sockets)
        if self.board is not None:
            self.board.close()


def board_folder(supervisor_pid: int) -> Path:
    """Where the workers of the server supervised by ``supervisor_pid`` keep their board."""
    return Path(tempfile.gettempdir()) / f"concierge-workers-{supervisor_pid}"


def _worker(config: uvicorn.Config, sock: socket.socket, folder: str, workers: int) -> None:
    config.configure_logging()
    BalancedServer(config, Path(folder), workers).run(sockets=[sock])


def run(config: uvicorn.Config, workers: int) -> None:
    """Serve ``config`` with ``workers`` processes until SIGINT or SIGTERM; a worker that dies is replaced."""
    sock = config.bind_socket()
    board = board_folder(os.getpid())
    shutil.rmtree(board, ignore_errors=True)  # left by an earlier server that had this pid and was killed
    board.mkdir(mode=0o700)
    context = multiprocessing.get_context("spawn")
    stop = threading.Event()

    def start() -> multiprocessing.process.BaseProcess:
        process = context.Process(target=_worker, args=(config, sock, str(board), workers), name="concierge-worker")
        process.start()
        return process

    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    processes = [start() for _ in range(workers)]
    try:
        while not stop.wait(0.5):
            for index, process in enumerate(processes):
                if not process.is_alive() and not stop.is_set():
                    log.warning("worker %s exited with %s; starting another", process.pid, process.exitcode)
                    processes[index] = start()
    finally:
        for process in processes:
            if process.is_alive() and process.pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(process.pid, signal.SIGTERM)
        for process in processes:
            process.join(timeout=(config.timeout_graceful_shutdown or 30) + 5)
            if process.is_alive():
                process.kill()
                process.join()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        sock.close()
        shutil.rmtree(board, ignore_errors=True)

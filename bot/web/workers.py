"""Several uvicorn workers on one listening socket under gunicorn's arbiter, with new connections shared out evenly.

Gunicorn supervises (binds the socket, forks the workers, replaces one that dies, stops them gracefully on SIGTERM);
each worker is uvicorn's gunicorn worker with two changes: it accepts through the board below, and it dies with the
arbiter (a parent-death signal), so an arbiter killed with SIGKILL leaves no orphan serving and a restart binds at once.

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
import ctypes
import logging
import os
import shutil
import signal
import socket
import struct
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import uvicorn
from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter
from uvicorn_worker import UvicornWorker

log = logging.getLogger(__name__)

READY_WAIT_S = 60.0
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

    def __init__(self, loop: asyncio.AbstractEventLoop, sock: socket.socket, factory: Callable[[], asyncio.Protocol], board: Board) -> None:
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

    def __init__(self, config: uvicorn.Config, board_folder: Path, workers: int, arbiter: int | None = None) -> None:
        super().__init__(config)
        self.board_folder = board_folder
        self.arbiter = arbiter
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
                config=config, server_state=self.server_state, app_state=self.lifespan.state, _loop=loop
            )

        self.board = Board(self.board_folder)
        deadline = loop.time() + READY_WAIT_S  # listen once every worker can take its share of the first connections
        while self.board.workers() < self.workers and loop.time() < deadline and not self.should_exit:
            if config.callback_notify is not None:
                await config.callback_notify()  # the arbiter's heartbeat: waiting is not hanging
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
        if self.arbiter is not None and os.getppid() != self.arbiter:  # it is gone and clears nothing away: the last
            with contextlib.suppress(OSError):  # worker out does (a folder still holding a sibling's entry stays)
                self.board_folder.rmdir()


def board_folder(supervisor_pid: int) -> Path:
    """Where the workers of the server supervised by ``supervisor_pid`` keep their board."""
    return Path(tempfile.gettempdir()) / f"concierge-workers-{supervisor_pid}"


PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int, sig: int = signal.SIGTERM) -> None:
    """Have the kernel send ``sig`` to this process when its parent dies (Linux), so that a supervisor killed with
    SIGKILL leaves no worker serving on its socket; exit at once if the parent is already gone."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
    if os.getppid() != parent:
        os._exit(0)


class BalancedWorker(UvicornWorker):  # type: ignore[misc]
    """Gunicorn's worker for uvicorn, accepting through the board (`BalancedServer`), and leaving with its parent."""

    def init_process(self) -> None:
        die_with_parent(self.ppid)
        super().init_process()

    async def _serve(self) -> None:
        self.config.app = self.wsgi
        server = BalancedServer(self.config, board_folder(self.ppid), self.cfg.workers, arbiter=self.ppid)
        self.server = server
        self._install_sigquit_handler()
        await server.serve(sockets=[listener.sock for listener in self.sockets])
        if not server.started:
            sys.exit(Arbiter.WORKER_BOOT_ERROR)

    async def callback_notify(self) -> None:
        if os.getppid() != self.ppid:  # where no parent-death signal exists: gunicorn's own check
            self.server.should_exit = True
        self.notify()


class _Application(BaseApplication):  # type: ignore[misc]
    """Gunicorn's arbiter serving ``load()``'s app with the given settings (no config file, no GUNICORN_CMD_ARGS)."""

    def __init__(self, load: Callable[[], Any], settings: dict[str, Any]) -> None:
        self._load, self._settings = load, settings
        super().__init__()

    def load_config(self) -> None:
        for name, value in self._settings.items():
            self.cfg.set(name, value)

    def load(self) -> Any:
        return self._load()


def run(load: Callable[[], Any], host: str, port: int, workers: int, log_level: str = "warning") -> None:
    """Serve the app that ``load()`` builds (once in each worker) with gunicorn's arbiter and ``workers`` workers until
    SIGINT or SIGTERM; a worker that dies is replaced, and the workers leave when the arbiter dies."""
    board = board_folder(os.getpid())  # the arbiter runs in this process
    shutil.rmtree(board, ignore_errors=True)  # left by an earlier server that had this pid and was killed
    board.mkdir(mode=0o700)
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    settings = {
        "bind": [bind],
        "workers": workers,
        "worker_class": f"{__name__}.BalancedWorker",
        "keepalive": 5,
        "timeout": 120,
        "graceful_timeout": 30,
        "loglevel": log_level,
        "proc_name": "concierge",
    }
    try:
        _Application(load, settings).run()
    finally:
        shutil.rmtree(board, ignore_errors=True)

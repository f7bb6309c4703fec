"""A latency-injecting TCP (and UDP, for DNS) proxy for the benchmark.

    /usr/bin/python3 latency_proxy.py --listen 127.0.0.1:PORT --target 127.0.0.1:PORT \
        --delay 0.025 --trace trace.jsonl [--udp-listen 127.0.0.1:PORT --udp-target 127.0.0.1:PORT]

Every byte is delayed by --delay seconds in each direction, so a round trip the client waits for
costs 2 x delay of wall time. The proxy writes one JSON line per *direction change* of each
connection (and per UDP datagram) to --trace, so round trips can be counted afterwards without
trusting any clock:

    {"conn": 3, "t": 0.51, "dir": "open"}            client connected (the SYN)
    {"conn": 3, "t": 0.56, "dir": "s2c", "bytes": 36} server -> client data starts (greeting)
    {"conn": 3, "t": 0.56, "dir": "c2s", "bytes": 22, "verbs": ["EHLO"]} ...
    {"conn": 3, "t": 0.70, "dir": "eof", "side": "c"}
    {"udp": 1, "t": 0.50, "dir": "query", "bytes": 30}

"bytes" is what that run of one direction carried when it ended (the event is written when the
direction changes or the connection ends). "verbs" lists the SMTP command words seen at line
starts of a clear-text client run (so BDAT vs DATA can be told); it is empty inside TLS.

Why the TCP handshake is not delayed: the kernel completes the client's connect() to a
listening socket before the proxy sees it, so a userspace proxy cannot make the handshake cost
a round trip. The counting side (bench.py) adds one round trip per connection for it instead.
The upstream connect is made after one --delay (the SYN's way to the server), so the greeting
reaches the client 2 x delay after connect(), as it would on a real link.

Prints "READY" on stdout when listening. Stops on SIGTERM. Binds only what it is told to
(the benchmark passes 127.0.0.1 addresses).
"""
import argparse
import asyncio
import json
import re
import signal
import sys
import time

READ_SIZE = 64 * 1024
VERB_RE = re.compile(rb"(?:^|\r\n)([A-Za-z]{4})(?=[ \r])")
SMTP_VERBS = {b"EHLO", b"HELO", b"MAIL", b"RCPT", b"DATA", b"BDAT", b"QUIT", b"RSET", b"STAR", b"AUTH", b"NOOP"}


class Trace:
    """Appends JSON lines; flushed per line so the benchmark can read it while we run."""

    def __init__(self, path):
        self.file = open(path, "a", encoding="utf-8")
        self.start = time.monotonic()

    def write(self, **event):
        event["t"] = round(time.monotonic() - self.start, 6)
        self.file.write(json.dumps(event) + "\n")
        self.file.flush()


class Connection:
    """One proxied TCP connection; remembers the direction of the current run of data."""

    def __init__(self, number, trace):
        self.number, self.trace = number, trace
        self.dir, self.bytes, self.verbs = None, 0, []

    def data(self, direction, chunk):
        if direction != self.dir:
            self.flush()
            self.dir = direction
        self.bytes += len(chunk)
        if direction == "c2s":
            for verb in VERB_RE.findall(chunk):
                verb = verb.upper()
                if verb in SMTP_VERBS:
                    self.verbs.append(verb.decode())

    def flush(self):
        if self.dir is not None:
            event = {"conn": self.number, "dir": self.dir, "bytes": self.bytes}
            if self.dir == "c2s":
                event["verbs"] = self.verbs
            self.trace.write(**event)
        self.dir, self.bytes, self.verbs = None, 0, []


async def delayed_pipe(reader, writer, direction, conn, delay):
    """Forwards reader -> writer, each chunk `delay` after it was read, order preserved."""
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def forward():
        while True:
            due, chunk = await queue.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if chunk is None:
                try:
                    writer.write_eof()
                except OSError:
                    pass
                return
            writer.write(chunk)
            await writer.drain()

    sender = asyncio.create_task(forward())
    try:
        while True:
            chunk = await reader.read(READ_SIZE)
            if not chunk:
                conn.flush()
                conn.trace.write(conn=conn.number, dir="eof", side=direction[0])
                await queue.put((loop.time() + delay, None))
                break
            conn.data(direction, chunk)
            await queue.put((loop.time() + delay, chunk))
        await sender
    except (ConnectionError, OSError):
        sender.cancel()


async def handle_tcp(client_reader, client_writer, target, delay, trace, counter):
    counter[0] += 1
    conn = Connection(counter[0], trace)
    trace.write(conn=conn.number, dir="open")
    await asyncio.sleep(delay)  # the SYN travelling to the server
    try:
        server_reader, server_writer = await asyncio.wait_for(asyncio.open_connection(*target), 10)
    except (OSError, asyncio.TimeoutError):
        trace.write(conn=conn.number, dir="upstream_failed")
        client_writer.close()
        return
    await asyncio.gather(
        delayed_pipe(client_reader, server_writer, "c2s", conn, delay),
        delayed_pipe(server_reader, client_writer, "s2c", conn, delay))
    conn.flush()
    trace.write(conn=conn.number, dir="closed")
    for w in (client_writer, server_writer):
        w.close()


class UdpRelay(asyncio.DatagramProtocol):
    """DNS over UDP: each query is forwarded after `delay`, each answer returned after `delay`.

    One upstream socket per client address and port, so answers find their way back.
    """

    def __init__(self, target, delay, trace):
        self.target, self.delay, self.trace = target, delay, trace
        self.transport = None
        self.upstreams = {}

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        self.trace.write(udp=1, dir="query", bytes=len(data))
        asyncio.get_running_loop().call_later(self.delay, self._forward, data, addr)

    def _forward(self, data, addr):
        asyncio.ensure_future(self._send_upstream(data, addr))

    async def _send_upstream(self, data, addr):
        loop = asyncio.get_running_loop()
        upstream = self.upstreams.get(addr)
        if upstream is None:
            relay = self

            class Back(asyncio.DatagramProtocol):
                def datagram_received(self, answer, _):
                    relay.trace.write(udp=1, dir="answer", bytes=len(answer))
                    loop.call_later(relay.delay, relay.transport.sendto, answer, addr)

            upstream, _ = await loop.create_datagram_endpoint(Back, remote_addr=self.target)
            self.upstreams[addr] = upstream
        upstream.sendto(data)


def host_port(text):
    host, _, port = text.rpartition(":")
    return host, int(port)


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", type=host_port, required=True)
    parser.add_argument("--target", type=host_port, required=True)
    parser.add_argument("--udp-listen", type=host_port)
    parser.add_argument("--udp-target", type=host_port)
    parser.add_argument("--delay", type=float, default=0.025)
    parser.add_argument("--trace", required=True)
    args = parser.parse_args()

    trace = Trace(args.trace)
    counter = [0]
    server = await asyncio.start_server(
        lambda r, w: handle_tcp(r, w, args.target, args.delay, trace, counter), *args.listen)
    if args.udp_listen:
        await asyncio.get_running_loop().create_datagram_endpoint(
            lambda: UdpRelay(args.udp_target, args.delay, trace), local_addr=args.udp_listen)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    print("READY", flush=True)
    async with server:
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)

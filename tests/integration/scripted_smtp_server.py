#!/usr/bin/python3
"""A scripted SMTP server for fault injection, run as its own process by the fixtures.

Real MTAs are polite; this server is not. Each listener (one loopback address)
follows a script per connection: greet or never greet, reply 421, close after N
commands, disconnect in the middle of DATA, go silent after the final dot, send
garbage, or reply slowly. Everything received is recorded as JSON lines (with
timestamps, so tests can check that deliveries overlapped in time).

Usage: scripted_smtp_server.py CONFIG.json
CONFIG: {"log": PATH, "listeners": [{"host": IP, "port": N, "scripts": [SCRIPT, ...]}]}
Connection k on a listener follows scripts[k] (the last script repeats).
SCRIPT keys (all optional): see DEFAULT_SCRIPT.
"""
import asyncio
import base64
import json
import signal
import socket
import sys
import time

DEFAULT_SCRIPT = {
    "greeting": "220 {host} ESMTP scripted",  # None: never greet
    "greeting_delay": 0.0,                     # seconds before the greeting
    "reply_delay": 0.0,                        # seconds before every later reply
    "capabilities": ["PIPELINING", "8BITMIME", "ENHANCEDSTATUSCODES"],
    # Text of the EHLO reply's first line; {host} is the listener's address, {client} the
    # client's, as Postfix says "mx.example Hello name [192.0.2.7]" (smtpsend doctor reads it).
    "ehlo_hello": "{host}",
    "replies": {},               # verb -> raw reply text ("\n" separates lines); RCPT may map address -> text
    "close_after_commands": None,  # close, without replying, when this many commands have arrived
    "data_mode": "accept",       # accept | disconnect_mid_data | no_reply_after_dot | stall_mid_data
    "end_of_data_reply": "250 2.0.0 Ok: queued as SCRIPTED",
    # Haraka 3.3.4 (connection.js respond()): every complete line received between the final dot
    # and the end-of-data reply is discarded unexecuted and answered with this text, one line per
    # command, right after that reply; a partial line is dropped silently and more than
    # AFTER_DOT_LIMIT bytes close the connection. None: commands behind the dot are executed.
    "refuse_pipelined_after_dot": None,
    "after_dot_window": 0.3,     # seconds the end-of-data reply waits (Haraka's queue hook time)
    "hold_seconds": 60.0,        # upper bound on holding a silent connection open
    # Reply to end of data before it came: after this many bytes of message data, send
    # early_reply, then go on reading to the dot and send end_of_data_reply as usual.
    "early_reply_after_bytes": None,
    "early_reply": "250 2.0.0 premature",
    # Trickle: send "220-" (greeting) or "250-" (after the final dot), then one byte every this
    # many seconds, never ending the reply (bounded by hold_seconds).
    "drip_greeting": None,
    "drip_after_dot": None,
    "messages_per_connection": None,  # after this many messages, MAIL gets 421 and the end
    # Crash tests (a client killed at each protocol step): on this verb (MAIL, RCPT, DATA) go
    # silent, never replying, reading and discarding until the client is gone (bounded).
    "silent_after": None,
    # data_mode "stall_mid_data": after stall_after_bytes of message data stop reading for
    # stall_seconds (the receive buffer is made small, so the client blocks in the middle of a
    # large message), then read on: a client killed meanwhile leaves message_incomplete.
    "stall_after_bytes": 65536,
    "stall_seconds": 5.0,
    # After the end-of-data reply, go silent (the client has its 250; whatever it does next is
    # read and discarded).
    "silent_after_dot_reply": False,
}
LINE_LIMIT = 1 << 20
AFTER_DOT_LIMIT = 8192  # Haraka's MAX_POST_DATA_BYTES


class Recorder:
    """Appends one JSON object per event to the log file, flushed at once."""

    def __init__(self, path):
        self.file = open(path, "a", encoding="utf-8")

    def event(self, host, conn, kind, **fields):
        record = {"t": time.time(), "host": host, "conn": conn, "event": kind, **fields}
        self.file.write(json.dumps(record) + "\n")
        self.file.flush()


class Connection:
    """One client connection following one script."""

    def __init__(self, script, host, conn, reader, writer, recorder):
        self.script = {**DEFAULT_SCRIPT, **script}
        self.host, self.conn = host, conn
        self.reader, self.writer, self.recorder = reader, writer, recorder
        self.client = (writer.get_extra_info("peername") or ("?",))[0]
        self.commands = 0
        self.messages = 0
        self.mail_from, self.rcpts = None, []

    def log(self, kind, **fields):
        self.recorder.event(self.host, self.conn, kind, **fields)

    async def send(self, text, delay=None):
        await asyncio.sleep(self.script["reply_delay"] if delay is None else delay)
        data = "".join(line + "\r\n" for line in text.split("\n")).encode("utf-8", "surrogateescape")
        self.log("sent", data=data.decode("latin-1"))
        self.writer.write(data)
        await self.writer.drain()

    async def hold(self):
        """Keeps the connection open, reading and discarding, until the client closes (bounded)."""
        try:
            async with asyncio.timeout(self.script["hold_seconds"]):
                while data := await self.reader.read(65536):
                    self.log("received_while_silent", data=data.decode("latin-1"))
        except TimeoutError:
            self.log("hold_timeout")

    async def drip(self, start, interval):
        """Sends `start`, then one byte per interval, never finishing the line (bounded)."""
        self.log("drip_start", interval=interval)
        self.writer.write(start.encode())
        try:
            async with asyncio.timeout(self.script["hold_seconds"]):
                while True:
                    await self.writer.drain()
                    await asyncio.sleep(interval)
                    self.writer.write(b"x")
        except TimeoutError:
            self.log("hold_timeout")

    async def run(self):
        greeting = self.script["greeting"]
        if greeting is None:
            await self.hold()
            return
        if self.script["drip_greeting"] is not None:
            await self.drip("220-", self.script["drip_greeting"])
            return
        await self.send(greeting.format(host=self.host), delay=self.script["greeting_delay"])
        if greeting.startswith("421"):
            return
        while True:
            try:
                line = await self.reader.readuntil(b"\n")
            except asyncio.IncompleteReadError as partial:
                if partial.partial:
                    self.log("partial_command", data=partial.partial.decode("latin-1"))
                return
            self.commands += 1
            self.log("command", line=line.decode("latin-1"))
            limit = self.script["close_after_commands"]
            if limit is not None and self.commands >= limit:
                self.log("closing_after_commands", count=self.commands)
                return
            if not await self.dispatch(line.decode("latin-1").rstrip("\r\n")):
                return

    def reply_for(self, verb, default, argument=""):
        override = self.script["replies"].get(verb)
        if isinstance(override, dict):
            return override.get(_address(argument).lower(), default)
        return default if override is None else override

    async def dispatch(self, line):
        """Answers one command; returns False when the connection is to end."""
        verb, _, argument = line.partition(" ")
        verb = verb.upper()
        if verb == self.script["silent_after"]:
            self.log("silent", verb=verb)
            await self.hold()
            return False
        if verb == "EHLO":
            hello = self.script["ehlo_hello"].format(host=self.host, client=self.client)
            lines = [f"250-{hello}"] + [f"250-{c}" for c in self.script["capabilities"]]
            lines[-1] = "250 " + lines[-1][4:]
            reply = self.reply_for("EHLO", "\n".join(lines))
        elif verb == "HELO":
            reply = self.reply_for("HELO", f"250 {self.host}")
        elif verb == "MAIL":
            self.mail_from, self.rcpts = argument, []
            limit = self.script["messages_per_connection"]
            if limit is not None and self.messages >= limit:
                await self.send("421 4.7.0 Too many messages on this connection")
                return False
            reply = self.reply_for("MAIL", "250 2.1.0 Ok")
        elif verb == "RCPT":
            reply = self.reply_for("RCPT", "250 2.1.5 Ok", argument)
            if reply.startswith("2"):
                self.rcpts.append(argument)
        elif verb == "DATA":
            return await self.data()
        elif verb == "RSET":
            self.mail_from, self.rcpts = None, []
            reply = self.reply_for("RSET", "250 2.0.0 Ok")
        elif verb == "NOOP":
            reply = "250 2.0.0 Ok"
        elif verb == "QUIT":
            await self.send(self.reply_for("QUIT", "221 2.0.0 Bye"))
            return False
        else:
            # Any other verb (AUTH, for the OAuth mechanisms Dovecot cannot check) only if scripted.
            reply = self.reply_for(verb, "502 5.5.2 Command not recognized")
        await self.send(reply)
        return not reply.startswith("421")

    async def data(self):
        if not self.rcpts:
            await self.send(self.reply_for("DATA", "554 5.5.1 No valid recipients"))
            return True
        reply = self.reply_for("DATA", "354 End data with <CR><LF>.<CR><LF>")
        await self.send(reply)
        if not reply.startswith("354"):
            return not reply.startswith("421")
        mode = self.script["data_mode"]
        raw = bytearray()
        stall_at = self.script["stall_after_bytes"] if mode == "stall_mid_data" else None
        if stall_at is not None:
            sock = self.writer.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
        early_at = self.script["early_reply_after_bytes"]
        while True:
            if early_at is not None and len(raw) >= early_at:
                early_at = None
                await self.send(self.script["early_reply"], delay=0)
            try:
                line = await self.reader.readuntil(b"\n")
            except asyncio.IncompleteReadError as partial:
                raw += partial.partial
                self.log("message_incomplete", data_b64=base64.b64encode(bytes(raw)).decode())
                return False
            raw += line
            if stall_at is not None and len(raw) >= stall_at:
                stall_at = None
                self.log("data_stalled", received=len(raw))
                await asyncio.sleep(self.script["stall_seconds"])
                self.log("data_resumed")
            if mode == "disconnect_mid_data":
                self.log("disconnect_mid_data", data_b64=base64.b64encode(bytes(raw)).decode())
                self.writer.transport.abort()
                return False
            if line == b".\r\n":
                break
        self.log("message", mail_from=self.mail_from, rcpts=self.rcpts,
                 data_b64=base64.b64encode(bytes(raw)).decode())
        self.mail_from, self.rcpts = None, []
        self.messages += 1
        if mode == "no_reply_after_dot":
            await self.hold()
            return False
        if self.script["drip_after_dot"] is not None:
            await self.drip("250-", self.script["drip_after_dot"])
            return False
        if self.script["refuse_pipelined_after_dot"] is not None:
            return await self.refuse_pipelined_after_dot()
        await self.send(self.script["end_of_data_reply"])
        if self.script["silent_after_dot_reply"]:
            self.log("silent", verb="after_dot_reply")
            await self.hold()
            return False
        return True

    async def refuse_pipelined_after_dot(self):
        """Replies to the dot as Haraka 3.3.4 does: what rode behind the dot is refused, not run.

        RFC 2920 section 3.1 lets the client send the next transaction (or QUIT) right after the
        final dot; Haraka refuses whatever arrived before its end-of-data reply was written.
        """
        behind = bytearray()
        window_end = asyncio.get_running_loop().time() + self.script["after_dot_window"]
        while (remaining := window_end - asyncio.get_running_loop().time()) > 0:
            try:
                chunk = await asyncio.wait_for(self.reader.read(65536), remaining)
            except TimeoutError:
                break
            if not chunk:
                break
            behind += chunk
        lines = bytes(behind).split(b"\n")
        refused = [line.decode("latin-1") + "\n" for line in lines[:-1]]
        self.log("refused_after_dot", lines=refused, dropped_partial=lines[-1].decode("latin-1"))
        if len(behind) > AFTER_DOT_LIMIT:
            return False
        await self.send("\n".join([self.script["end_of_data_reply"]]
                                  + [self.script["refuse_pipelined_after_dot"]] * len(refused)), delay=0)
        return not self.reader.at_eof()


def _address(argument):
    """The address inside 'TO:<addr> PARAMS' (angle brackets and parameters removed)."""
    start, end = argument.find("<"), argument.find(">")
    return argument[start + 1:end] if start >= 0 and end > start else argument


async def serve(config):
    recorder = Recorder(config["log"])
    servers = []
    for listener in config["listeners"]:
        servers.append(await start_listener(listener, recorder))
    print("READY", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    for server in servers:
        server.close()


async def start_listener(listener, recorder):
    host, scripts = listener["host"], listener.get("scripts") or [{}]
    counter = {"n": 0}

    async def handle(reader, writer):
        conn = counter["n"]
        counter["n"] += 1
        recorder.event(host, conn, "connect", peer=writer.get_extra_info("peername")[0])
        connection = Connection(scripts[min(conn, len(scripts) - 1)], host, conn, reader, writer, recorder)
        try:
            await connection.run()
        except (ConnectionError, OSError) as error:
            recorder.event(host, conn, "connection_error", error=str(error))
        finally:
            writer.close()
            recorder.event(host, conn, "close")

    return await asyncio.start_server(handle, host, listener["port"], limit=LINE_LIMIT, reuse_address=True)


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        config = json.load(f)
    asyncio.run(serve(config))


if __name__ == "__main__":
    main()

"""STARTTLS test servers for test_starttls.py, run in-process on loopback.

AiosmtpdTls   a real STARTTLS server (python3-aiosmtpd) with a given certificate; records
              each message and whether it arrived over TLS.
RawSmtp       a hand-written server for what no polite server does: a reply injected in the
              same write as the 220 to STARTTLS (CVE-2011-0411), garbage instead of a TLS
              handshake, or a plain server without STARTTLS. One mode per connection.

Every socket wait is bounded; stop() joins the threads. Nothing binds outside the test's
127.N.M.x addresses.
"""
import socket
import ssl
import threading
import time

from aiosmtpd.controller import Controller

WAIT = 10.0


class _RecordingHandler:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append({"mail_from": envelope.mail_from, "rcpts": list(envelope.rcpt_tos),
                              "tls": session.ssl is not None, "data": envelope.content})
        return "250 2.0.0 Ok: queued"


class AiosmtpdTls:
    """aiosmtpd with STARTTLS offered (not required: smtpsend decides whether to use it)."""

    def __init__(self, host, port, cert, key, server_name):
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(cert), str(key))
        self.handler = _RecordingHandler()
        self.controller = Controller(self.handler, hostname=host, port=port, tls_context=context,
                                     require_starttls=False, server_hostname=server_name,
                                     ready_timeout=WAIT)

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    def wait_for_messages(self, count, timeout=WAIT):
        deadline = time.monotonic() + timeout
        while len(self.handler.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return list(self.handler.messages)


class RawSmtp:
    """One listener; connection k follows modes[k] (the last mode repeats).

    inject    offers STARTTLS, answers it with "220 go ahead" and "250 injected" in one write
    bad_tls   offers STARTTLS, answers 220, then sends garbage instead of a TLS ServerHello
    plain     no STARTTLS; accepts one message (MAIL, RCPT, DATA) and QUIT
    """

    def __init__(self, host, port, modes):
        self.host, self.port, self.modes = host, port, modes
        self.lines = []  # (connection number, line received)
        self.received_after_inject = []
        self.messages = []
        self._sock = socket.create_server((host, port), reuse_port=False)
        self._sock.settimeout(0.2)
        self._stop = threading.Event()
        self._threads = []

    def start(self):
        thread = threading.Thread(target=self._accept_loop, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def stop(self):
        self._stop.set()
        for thread in self._threads:
            thread.join(WAIT)
        self._sock.close()

    def commands(self, conn=None):
        return [line.split(" ")[0].split(":")[0].upper() for c, line in self.lines if conn in (None, c)]

    def connections(self):
        return len({c for c, _ in self.lines})

    def _accept_loop(self):
        count = 0
        while not self._stop.is_set():
            try:
                client, _ = self._sock.accept()
            except (socket.timeout, OSError):
                continue
            mode = self.modes[min(count, len(self.modes) - 1)]
            thread = threading.Thread(target=self._serve, args=(client, count, mode), daemon=True)
            thread.start()
            self._threads.append(thread)
            count += 1

    def _serve(self, client, conn, mode):
        client.settimeout(WAIT)
        reader = client.makefile("rb")
        try:
            client.sendall(b"220 mail.example.test ESMTP raw\r\n")
            self._converse(client, reader, conn, mode)
        except OSError:
            pass
        finally:
            reader.close()
            client.close()

    def _converse(self, client, reader, conn, mode):
        in_data = []
        while True:
            line = reader.readline()
            if not line:
                return
            if in_data:
                if line == b".\r\n":
                    self.messages.append(b"".join(in_data[1:]))
                    in_data.clear()
                    client.sendall(b"250 2.0.0 Ok: queued\r\n")
                else:
                    in_data.append(line)
                continue
            text = line.decode("latin-1").rstrip("\r\n")
            self.lines.append((conn, text))
            verb = text.split(" ")[0].upper()
            if verb == "EHLO":
                caps = b"250-STARTTLS\r\n" if mode != "plain" else b""
                client.sendall(b"250-mail.example.test\r\n" + caps + b"250 8BITMIME\r\n")
            elif verb == "STARTTLS" and mode == "inject":
                client.sendall(b"220 go ahead\r\n250 injected\r\n")
                self._drain(client, conn)
                return
            elif verb == "STARTTLS" and mode == "bad_tls":
                client.sendall(b"220 go ahead\r\n")
                client.recv(4096)  # the ClientHello
                client.sendall(b"this is not TLS\r\n")
                return
            elif verb == "DATA":
                in_data.append(b"")
                client.sendall(b"354 go on\r\n")
            elif verb == "QUIT":
                client.sendall(b"221 bye\r\n")
                return
            else:
                client.sendall(b"250 Ok\r\n")

    def _drain(self, client, conn):
        """After the injection: keep whatever the client still sends, until it closes."""
        while True:
            data = client.recv(4096)
            if not data:
                return
            self.received_after_inject.append((conn, data))

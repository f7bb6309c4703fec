"""STARTTLS test servers for test_starttls.py, run in-process on loopback.

AiosmtpdTls   a real STARTTLS server (python3-aiosmtpd) with a given certificate; records
              each message and whether it arrived over TLS, the SNI name of each handshake,
              and can be capped at an old TLS version.
RawSmtp       a hand-written server for what no polite server does: a reply injected in the
              same write as the 220 to STARTTLS (CVE-2011-0411), garbage instead of a TLS
              handshake, or a plain server without STARTTLS. One mode per connection.

Every socket wait is bounded; stop() joins the threads. Nothing binds outside the test's
127.N.M.x addresses and ::1.
"""
import smtplib
import socket
import ssl
import threading
import time
import warnings

from aiosmtpd.controller import Controller

WAIT = 10.0


class _RecordingHandler:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append({"mail_from": envelope.mail_from, "rcpts": list(envelope.rcpt_tos),
                              "tls": session.ssl is not None, "data": envelope.content})
        return "250 2.0.0 Ok: queued"


def _allow_old_versions(context, max_version):
    """Caps `context` at `max_version` (TLS 1.0 or 1.1) and makes it able to speak it.

    Debian's OpenSSL refuses TLS below 1.2 at its default security level (openssl.cnf:
    MinProtocol = TLSv1.2, CipherString = DEFAULT@SECLEVEL=2); SECLEVEL 0 lets this one server
    offer the SHA-1 suites TLS 1.1 needs. Python deprecates the old versions, hence the
    warnings filter.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = ssl.TLSVersion.TLSv1
        context.maximum_version = max_version
    context.set_ciphers("DEFAULT:@SECLEVEL=0")


def starttls_version(host, port, max_version):
    """Fixture self-test: the TLS version a lenient client (allowed down to TLS 1.0, not
    verifying) gets from the server at host:port through STARTTLS."""
    client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client.check_hostname = False
    client.verify_mode = ssl.CERT_NONE
    _allow_old_versions(client, max_version)
    smtp = smtplib.SMTP(host, port, timeout=WAIT)
    try:
        smtp.starttls(context=client)
        return smtp.sock.version()
    finally:
        smtp.close()


class AiosmtpdTls:
    """aiosmtpd with STARTTLS offered (not required: smtpsend decides whether to use it).

    sni_names: the server name each handshake asked for (None without SNI), in order.
    max_version: an ssl.TLSVersion to cap the server at (see _allow_old_versions).
    """

    def __init__(self, host, port, cert, key, server_name, max_version=None):
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(cert), str(key))
        if max_version is not None:
            _allow_old_versions(context, max_version)
        self.sni_names = []
        context.sni_callback = lambda _conn, name, _context: self.sni_names.append(name)
        self.host, self.port = host, port
        self.handler = _RecordingHandler()
        self.controller = Controller(self.handler, hostname=host, port=port, tls_context=context,
                                     require_starttls=False, server_hostname=server_name,
                                     ready_timeout=WAIT)

    def negotiated_version(self, max_version):
        """See starttls_version."""
        return starttls_version(self.host, self.port, max_version)

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
    inject_then_tls  the same, then does the server side of the handshake and goes on over TLS
              as `plain` (needs cert and key)
    bad_tls   offers STARTTLS, answers 220, then sends garbage instead of a TLS ServerHello
    plain     no STARTTLS; accepts one message (MAIL, RCPT, DATA) and QUIT
    tls1_1    offers STARTTLS, answers 220, then does the server side of a handshake capped at
              TLS 1.1 (needs cert and key); its result goes to `handshakes`, then it hangs up.
              Unlike asyncio's, this server sends its alert before closing, so the client can
              say what went wrong.
    """

    def __init__(self, host, port, modes, cert=None, key=None):
        self.host, self.port, self.modes = host, port, modes
        self.lines = []  # (connection number, line received)
        self.received_after_inject = []
        self.messages = []
        self.handshakes = []  # (connection number, TLS version or the server's error)
        self._tls = None
        self._modern_tls = None
        if cert is not None:
            self._tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            self._tls.load_cert_chain(str(cert), str(key))
            _allow_old_versions(self._tls, ssl.TLSVersion.TLSv1_1)
            self._modern_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            self._modern_tls.load_cert_chain(str(cert), str(key))
        self._sock = socket.create_server((host, port), reuse_port=False)
        self._sock.settimeout(0.2)
        self._stop = threading.Event()
        self._threads = []
        self._open = set()  # connections still being served
        self._lock = threading.Condition()

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
        """The commands received, once every connection has ended (bounded by WAIT): smtpsend
        never awaits QUIT's 221, so it may exit before this server has read its QUIT."""
        with self._lock:
            self._lock.wait_for(lambda: not self._open, timeout=WAIT)
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
            with self._lock:
                self._open.add(count)
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
            with self._lock:
                self._open.discard(conn)
                self._lock.notify_all()

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
            elif verb == "STARTTLS" and mode == "inject_then_tls":
                client.sendall(b"220 go ahead\r\n250 injected\r\n")
                with self._modern_tls.wrap_socket(client, server_side=True) as tls:
                    self.handshakes.append((conn, tls.version()))
                    with tls.makefile("rb") as tls_reader:
                        self._converse(tls, tls_reader, conn, "plain")
                return
            elif verb == "STARTTLS" and mode == "tls1_1":
                client.sendall(b"220 go ahead\r\n")
                self._handshake(client, conn)
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

    def _handshake(self, client, conn):
        try:
            with self._tls.wrap_socket(client, server_side=True) as tls:
                self.handshakes.append((conn, tls.version()))
        except (ssl.SSLError, OSError) as error:
            self.handshakes.append((conn, str(error)))

    def _drain(self, client, conn):
        """After the injection: keep whatever the client still sends, until it closes."""
        while True:
            data = client.recv(4096)
            if not data:
                return
            self.received_after_inject.append((conn, data))

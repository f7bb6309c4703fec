"""The benchmark's TLS-capable sink: python3-aiosmtpd, accepting and discarding every message.

    /usr/bin/python3 tls_sink.py --listen 127.0.0.1:PORT --mode plain|starttls|implicit \
        --cert CERT --key KEY [--chunking] [--log FILE]

Postfix's smtp-sink cannot speak TLS, so the STARTTLS and implicit-TLS (RFC 8314) round trips
are measured against aiosmtpd with a certificate openssl made for the run. aiosmtpd handles
pipelined commands (it reads one line at a time from a stream) but does not announce
PIPELINING; a client honouring RFC 2920 would then wait for each reply, and the benchmark would
measure the server rather than the client. So EHLO here announces PIPELINING (and no AUTH,
which nothing in the benchmark uses). "plain" is the same server without TLS: the plain round
trips against it must equal those against smtp-sink. --chunking adds CHUNKING (RFC 3030 BDAT,
which neither aiosmtpd nor smtp-sink has), so the BDAT round-trip targets can be measured once a
client sends BDAT. --log appends one line per accepted message, "DATA" or "BDAT", so the benchmark
can tell which one a client used even inside TLS.

Prints "READY" on stdout when listening; stops on SIGTERM.
"""
import argparse
import signal
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

READY_TIMEOUT = 10.0


class DiscardingHandler:
    log = None  # path: one line per message, how it came ("DATA" or "BDAT")

    @classmethod
    def record(cls, how):
        if cls.log:
            with open(cls.log, "a", encoding="ascii") as f:
                f.write(how + "\n")

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        kept = [r for r in responses if not r.startswith("250-AUTH")]
        extra = ["250-PIPELINING"] + (["250-CHUNKING"] if isinstance(server, ChunkingSmtp) else [])
        return kept[:1] + extra + kept[1:]

    async def handle_DATA(self, server, session, envelope):
        self.record("DATA")
        return "250 2.0.0 Ok: discarded"


class ChunkingSmtp(SMTP):
    """aiosmtpd's server plus BDAT (RFC 3030 §2): each chunk is read whole, then answered."""

    async def smtp_BDAT(self, arg):
        words = (arg or "").split()
        if not words or not words[0].isdigit() or len(words) > 2 or (len(words) == 2 and words[1].upper() != "LAST"):
            await self.push("501 5.5.4 Syntax: BDAT size [LAST]")
            return
        await self._reader.readexactly(int(words[0]))  # discarded, like everything here
        if not self.envelope.rcpt_tos:
            await self.push("503 5.5.1 Error: need RCPT command")
        elif len(words) == 2:
            DiscardingHandler.record("BDAT")
            self._set_rset_state()
            await self.push("250 2.0.0 Ok: discarded")
        else:
            await self.push("250 2.0.0 chunk ok")


class ChunkingController(Controller):
    def factory(self):
        return ChunkingSmtp(self.handler, **self.SMTP_kwargs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", required=True)
    parser.add_argument("--mode", choices=("plain", "starttls", "implicit"), required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--chunking", action="store_true", help="announce CHUNKING and accept BDAT")
    parser.add_argument("--log", help="append DATA or BDAT per accepted message")
    args = parser.parse_args()
    DiscardingHandler.log = args.log
    host, _, port = args.listen.rpartition(":")

    context = None
    if args.mode != "plain":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
    kwargs = {"tls_context": context, "require_starttls": False} if args.mode == "starttls" else {}
    if args.mode == "implicit":
        kwargs["ssl_context"] = context
    controller = (ChunkingController if args.chunking else Controller)(DiscardingHandler(), hostname=host, port=int(port), server_hostname="sink.bench.test",
                            decode_data=False, data_size_limit=0, ready_timeout=READY_TIMEOUT,
                            auth_require_tls=True, **kwargs)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print("READY", flush=True)
    stop.wait()
    controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

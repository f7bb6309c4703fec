"""A tiny DNS stub client built on struct, used only by the fixture self-test.

It exists so that the DNS fixture can be checked without dig (dnsutils is not
needed by anything else) and without trusting the code under test.
"""
import random
import socket
import struct
from dataclasses import dataclass, field

TYPE_A = 1
TYPE_TXT = 16
TYPE_MX = 15
TYPE_AAAA = 28
RCODE_NOERROR = 0
RCODE_NXDOMAIN = 3


@dataclass
class Answer:
    rcode: int
    authoritative: bool
    records: list = field(default_factory=list)  # (type, value) pairs

    def values(self, rtype):
        return [value for t, value in self.records if t == rtype]


def _encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode("ascii")
    return out + b"\0"


def _decode_name(packet, offset):
    """Returns (name, offset after the name), following compression pointers."""
    labels = []
    end = None
    for _ in range(128):  # bounded: a pointer loop cannot hang the self-test
        length = packet[offset]
        if length & 0xC0 == 0xC0:
            pointer = struct.unpack_from("!H", packet, offset)[0] & 0x3FFF
            if end is None:
                end = offset + 2
            offset = pointer
            continue
        if length == 0:
            return ".".join(labels) + ".", (end if end is not None else offset + 1)
        labels.append(packet[offset + 1:offset + 1 + length].decode("ascii"))
        offset += 1 + length
    raise ValueError("DNS name compression loop")


def _decode_rdata(packet, rtype, offset, length):
    if rtype == TYPE_A:
        return socket.inet_ntop(socket.AF_INET, packet[offset:offset + 4])
    if rtype == TYPE_AAAA:
        return socket.inet_ntop(socket.AF_INET6, packet[offset:offset + 16])
    if rtype == TYPE_MX:
        preference = struct.unpack_from("!H", packet, offset)[0]
        exchange, _ = _decode_name(packet, offset + 2)
        return (preference, exchange)
    return packet[offset:offset + length]


def parse_response(packet, query_id):
    ident, flags, qdcount, ancount, _, _ = struct.unpack_from("!6H", packet, 0)
    if ident != query_id:
        raise ValueError("DNS response id does not match the query")
    offset = 12
    for _ in range(qdcount):
        _, offset = _decode_name(packet, offset)
        offset += 4
    answer = Answer(rcode=flags & 0xF, authoritative=bool(flags & 0x0400))
    for _ in range(ancount):
        _, offset = _decode_name(packet, offset)
        rtype, _, _, rdlength = struct.unpack_from("!HHIH", packet, offset)
        offset += 10
        answer.records.append((rtype, _decode_rdata(packet, rtype, offset, rdlength)))
        offset += rdlength
    return answer


def query(server, port, name, rtype, timeout=2.0):
    """One UDP query with recursion desired; raises socket.timeout when no answer comes."""
    query_id = random.randrange(1 << 16)
    packet = struct.pack("!6H", query_id, 0x0100, 1, 0, 0, 0) + _encode_name(name) + struct.pack("!HH", rtype, 1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        sock.sendto(packet, (server, port))
        response, _ = sock.recvfrom(4096)
    return parse_response(response, query_id)

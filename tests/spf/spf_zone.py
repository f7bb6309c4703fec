"""Zone data of the RFC 7208 test suite turned into DNS answers for spf_check_driver.

The conventions are those of the suite's own driver, pyspf's testspf.py:
- "SPF" records (type 99, not used by RFC 7208) are also served as TXT when the name has no TXT
  entry at all; "TXT: NONE" is such an entry with no record;
- a TXT given as a list of strings is one record, its strings concatenated (RFC 7208 §3.3);
- a bare "TIMEOUT" entry makes a query time out unless a record of the asked type came before it
  (then the answer is what came before); a name starting with "error." times out;
- MX records are [preference, exchange]; CNAMEs are followed (at most 10; a loop is a SERVFAIL,
  which a resolver would report: temporary).
A name absent from the zone is NXDOMAIN; a name present without the asked type is NODATA.
"""

TYPES = ("A", "AAAA", "MX", "TXT", "PTR")
MAX_CNAME = 10


def canonical(name):
    name = str(name)
    if name.endswith("."):
        name = name[:-1]
    return name.lower()


def text_of(value):
    if isinstance(value, (list, tuple)):
        return "".join(str(v) for v in value)
    return str(value)


def entries_of(rrs):
    """[(type, value)] in order, 'TIMEOUT' kept as a string, generated TXT appended."""
    out = []
    has_txt = any(isinstance(rr, dict) and "TXT" in rr for rr in rrs)
    generated = []
    for rr in rrs:
        if rr == "TIMEOUT":
            out.append("TIMEOUT")
            continue
        for rtype, value in rr.items():
            if rtype in ("TXT", "SPF") and value == "NONE":
                continue
            if rtype == "SPF":
                if not has_txt:
                    generated.append(("TXT", value))
                continue  # RFC 7208 queries TXT only
            out.append((rtype, value))
    return out + generated


def answer_at(zone, name, rtype):
    """The answer for (name, rtype) before following CNAMEs: (status, records, cname)."""
    if name not in zone:
        if name.startswith("error."):
            return "temporary", [], None
        return "nxdomain", [], None
    records, cname = [], None
    for entry in zone[name]:
        if entry == "TIMEOUT":
            if not records:
                return "temporary", [], None
            break
        etype, value = entry
        if etype == "CNAME":
            cname = canonical(value)
        elif etype == rtype:
            if rtype == "MX":
                records.append((int(value[0]), str(value[1])))
            elif rtype == "TXT":
                records.append(text_of(value))
            else:
                records.append(str(value))
    if rtype == "MX":
        records = [host for _, host in sorted(records, key=lambda r: r[0])]
    return "ok", records, cname


def resolve(zone, name, rtype):
    seen = set()
    while True:
        status, records, cname = answer_at(zone, name, rtype)
        if status != "ok" or records or cname is None:
            return {"status": status, "records": records}
        if cname in seen or len(seen) >= MAX_CNAME:
            return {"status": "temporary", "records": []}
        seen.add(name)
        name = cname


def load_zone(zonedata):
    """{name: [(type, value) | 'TIMEOUT']} from a scenario's zonedata."""
    return {canonical(name): entries_of(rrs or []) for name, rrs in (zonedata or {}).items()}


def answers(zonedata):
    """{name: {type: {"status", "records"}}} for every name the zone mentions."""
    zone = load_zone(zonedata)
    out = {}
    for name in zone:
        out[name] = {}
        for rtype in TYPES:
            answer = resolve(zone, name, rtype)
            if answer["status"] != "ok" or answer["records"]:
                out[name][rtype] = answer
    return out


def sender_and_domain(mailfrom, helo):
    """RFC 7208 §2.4: an empty MAIL FROM is checked as postmaster@HELO."""
    if not mailfrom:
        return "postmaster@" + helo, helo
    return mailfrom, mailfrom.rsplit("@", 1)[-1]

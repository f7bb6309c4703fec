"""Three slow domains are delivered at the same time, not one after another."""
SLOW = {"greeting_delay": 1.5, "reply_delay": 0.2}
DOMAINS = ["slow1.test", "slow2.test", "slow3.test"]


def test_three_slow_domains_are_delivered_concurrently(smtpsend, scripted, zone):
    server = scripted({f"mx.{d}": SLOW for d in DOMAINS})
    result = smtpsend.run(*[f"user@{d}" for d in DOMAINS], stdin=b"Subject: slow\n\nhi\n")
    assert result.returncode == 0, result
    spans = []
    for domain in DOMAINS:
        ip = zone.ip(f"mx.{domain}")
        [connect] = server.connections(ip)
        [message] = server.messages(ip)
        spans.append((connect["t"], message["t"]))
    # Overlap, measured by the servers: every session began before any of them finished its message.
    assert max(start for start, _ in spans) < min(end for _, end in spans), spans
    one_domain = max(end - start for start, end in spans)
    assert result.seconds < 2 * one_domain + 1.0, (result.seconds, spans)

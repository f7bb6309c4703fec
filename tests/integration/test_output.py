"""What a user sees: silence on success, -v transcripts, the --json document."""
MESSAGE = b"Subject: output\n\nhi\n"
HOST = "mx1.example.test"


def test_success_prints_nothing(smtpsend, sink):
    server = sink(HOST)
    result = smtpsend.run("user@example.test", stdin=MESSAGE)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", ""), result
    assert len(server.messages(expected=1)) == 1


def test_verbose_shows_the_conversation_on_stderr(smtpsend, sink):
    sink(HOST)
    result = smtpsend.run("-v", "user@example.test", stdin=MESSAGE)
    assert result.returncode == 0, result
    assert result.stdout == ""
    for expected in ("EHLO client.test", "MAIL FROM:<sender@client.test>", "RCPT TO:<user@example.test>",
                     "DATA", "220 ", "250 ", "354 "):
        assert expected in result.stderr, (expected, result.stderr)


def test_json_document_shape(smtpsend, scripted, zone):
    scripted({HOST: {"replies": {"RCPT": {"bad@example.test": "550 5.1.1 User unknown"}},
                     "end_of_data_reply": "250 2.0.0 Ok: queued as ABC123"}})
    message = b"Message-ID: <shape@client.test>\nSubject: json\n\nhi\n"
    result = smtpsend.run("--json", "good@example.test", "bad@example.test", stdin=message)
    assert result.returncode == 67, result
    document = result.json()
    assert set(document) == {"messages", "exit_code"}
    assert document["exit_code"] == 67
    [msg] = document["messages"]
    assert {"message_id", "size", "recipients"} <= set(msg)
    assert "shape@client.test" in msg["message_id"]
    assert isinstance(msg["size"], int) and msg["size"] > 0
    by_address = {r["address"]: r for r in msg["recipients"]}
    assert set(by_address) == {"good@example.test", "bad@example.test"}
    for recipient in by_address.values():
        assert {"address", "status", "reply", "host", "ip", "detail", "may_duplicate"} <= set(recipient)
        assert recipient["host"] == HOST and recipient["ip"] == zone.ip(HOST)
        assert recipient["may_duplicate"] is False
    good, bad = by_address["good@example.test"], by_address["bad@example.test"]
    assert good["status"] == "delivered"
    assert good["reply"] == {"code": 250, "enhanced": "2.0.0", "text": "Ok: queued as ABC123"}
    assert bad["status"] == "failed"
    assert bad["reply"]["code"] == 550 and bad["reply"]["enhanced"] == "5.1.1"
    assert "User unknown" in bad["reply"]["text"]
    # stderr lines still appear with --json.
    assert len(result.stderr_lines()) == 1


def test_json_reply_is_null_without_a_reply(smtpsend):
    result = smtpsend.run("--json", "user@nullmx.test", stdin=MESSAGE)
    assert result.returncode == 68, result
    [recipient] = result.json()["messages"][0]["recipients"]
    assert recipient["status"] == "failed" and recipient["reply"] is None

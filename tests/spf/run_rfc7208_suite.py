#!/usr/bin/python3
"""Runs every case of the RFC 7208 test suite (Debian's python3-spf ships it) against dns/spf's
check_host() through spf_check_driver, each scenario's zone data fed to the evaluator's Dns seam
(spf_zone.py). A case may accept several results; a case with an `explanation` compares the exp=
text ("DEFAULT" in the suite means that no exp= text applies). Any mismatch fails; the pass count
is printed either way."""
import argparse
import gzip
import json
import os
import subprocess
import sys

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spf_zone  # noqa: E402


def load_suite(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        return [s for s in yaml.safe_load_all(f) if s]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--driver", required=True)
    parser.add_argument("--suite", required=True)
    args = parser.parse_args()
    if not os.path.exists(args.suite):
        sys.exit(f"FAIL: the RFC 7208 test suite {args.suite} is missing (apt install python3-spf)")

    scenarios, expected = [], {}
    for number, scenario in enumerate(load_suite(args.suite)):
        cases = []
        for name, test in scenario["tests"].items():
            case_id = f"{scenario['description']} / {name}"
            sender, domain = spf_zone.sender_and_domain(test["mailfrom"], test["helo"])
            cases.append({"id": case_id, "ip": test["host"], "domain": domain,
                          "sender": sender, "helo": test["helo"]})
            expected[case_id] = test
        scenarios.append({"zone": spf_zone.answers(scenario.get("zonedata")), "cases": cases})

    run = subprocess.run([args.driver], input=json.dumps({"scenarios": scenarios}).encode(),
                         capture_output=True, timeout=120)
    if run.returncode != 0:
        sys.exit(f"FAIL: {args.driver} exited {run.returncode}: {run.stderr.decode(errors='replace')}")
    results = [json.loads(line) for line in run.stdout.decode().splitlines()]

    passed, failures = 0, []
    for got in results:
        test = expected[got["id"]]
        accepted = test["result"] if isinstance(test["result"], list) else [test["result"]]
        problems = []
        if got["result"] not in accepted:
            problems.append(f"result {got['result']}, expected {' or '.join(accepted)}")
        if "explanation" in test:
            want = "" if test["explanation"] == "DEFAULT" else test["explanation"]
            if got["explanation"] != want:
                problems.append(f"explanation {got['explanation']!r}, expected {want!r}")
        if problems:
            failures.append(f"{got['id']}: {'; '.join(problems)} ({got['detail']})")
        else:
            passed += 1
    total = len(expected)
    if len(results) != total:
        failures.append(f"the driver answered {len(results)} of {total} cases")
    for failure in failures:
        print("MISMATCH", failure)
    print(f"RFC 7208 test suite: {passed} of {total} cases pass")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()

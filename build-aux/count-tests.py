#!/usr/bin/env python3
"""Counts GLib test cases (TAP lines) in meson's testlog.json and prints
'N passed, N failed'. A test program that died without reporting its cases
counts as one failure; a check that reports no cases (a validator) counts
as one case."""
import json
import re
import sys

passed = failed = 0
with open(sys.argv[1], encoding="utf-8") as log:
    for line in log:
        test = json.loads(line)
        out = test.get("stdout", "")
        ok = len(re.findall(r"^ok \d+", out, re.M))
        not_ok = len(re.findall(r"^not ok \d+", out, re.M))
        passed += ok
        failed += not_ok
        if test.get("result") not in ("OK", "SKIP", "EXPECTEDFAIL") and not_ok == 0:
            failed += 1
        elif test.get("result") == "OK" and ok == 0 and not_ok == 0:
            passed += 1
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)

#!/usr/bin/env python3
"""Adversarial secrets test: plant tokens of every family everywhere, run every command, and
assert that no output holds a token or any 12-character piece of one.

Tokens are fresh for each run (seeded from the time, the seed is printed), so the test cannot be
passed by special-casing known values. Each token is planted

  - in every field of every log format (nginx combined, JSON lines, CloudTrail, GitHub audit),
  - with every kind of neighbour: a letter or "_" before it, "_old", "_bak", a letter or ".x"
    after it, a %XX escape inside it, ";jsessionid=", "%3Fapi_key=", a URL-encoded redirect,
  - in directory and file names (with a newline and an ESC sequence in some),
  - in command-line arguments (--key, unknown options, --format, --field, --report and
    --alerts paths, mkgeo paths), in config setting names, and in --leaked and --ip-list files,

then every command runs (events, keys, keys --json, scan with alerts and every report,
fingerprint from stdin and argv, mkgeo) and stdout, stderr, alerts and reports are searched.

Usage: plant_secrets.py KEYTRAIL_BIN WORKDIR [SEED]
"""
import base64
import hashlib
import hmac
import json
import os
import random
import subprocess
import sys
import time

ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
URLSAFE = ALNUM + "-_"
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
WINDOW = 12


# Token shapes come from the samples generator, so both plant the same families the same way.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from make_samples import b64url, gh_checksummed as crc_token, rand_str as rs  # noqa: E402


def jwt(r, claims):
    h = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    p = b64url(json.dumps(claims).encode())
    key = rs(r, ALNUM, 32).encode()
    sig = hmac.new(key, (h + "." + p).encode(), hashlib.sha256).digest()
    return h + "." + p + "." + b64url(sig)


def make_tokens(r):
    """(family, token, public prefix length) for every family keytrail knows, plus shapes it
    cannot recognise (generic bearer, AWS secret key and session token, a password)."""
    now = int(time.time())
    t = [
        ("ghp", crc_token(r, "ghp_"), 4),
        ("gho", crc_token(r, "gho_"), 4),
        ("ghu", crc_token(r, "ghu_"), 4),
        ("ghs", crc_token(r, "ghs_"), 4),
        ("ghr", crc_token(r, "ghr_"), 4),
        ("github_pat", "github_pat_" + rs(r, ALNUM, 22) + "_" + rs(r, ALNUM, 59), 11),
        ("glpat", "glpat-" + rs(r, ALNUM, 20), 6),
        ("sk_live", "sk_live_51" + rs(r, ALNUM, 97), 8),
        ("rk_live", "rk_live_51" + rs(r, ALNUM, 60), 8),
        ("sk_test", "sk_test_51" + rs(r, ALNUM, 40), 8),
        ("xoxb", "xoxb-%d-%d-%s" % (r.randrange(10**11, 10**12), r.randrange(10**12, 10**13),
                                    rs(r, ALNUM, 24)), 5),
        ("xoxp", "xoxp-%d-%d-%s" % (r.randrange(10**11, 10**12), r.randrange(10**12, 10**13),
                                    rs(r, ALNUM, 32)), 5),
        ("xapp", "xapp-1-" + rs(r, ALNUM, 11) + "-" + rs(r, ALNUM, 40), 5),
        ("google", "AIza" + rs(r, URLSAFE, 35), 4),
        ("openai", "sk-proj-" + rs(r, URLSAFE, 74) + "T3BlbkFJ" + rs(r, URLSAFE, 74), 8),
        ("openai_svc", "sk-svcacct-" + rs(r, URLSAFE, 60), 11),
        ("openai_legacy", "sk-" + rs(r, ALNUM, 20) + "T3BlbkFJ" + rs(r, ALNUM, 20), 3),
        ("anthropic", "sk-ant-api03-" + rs(r, URLSAFE, 93) + "AA", 7),
        ("npm", crc_token(r, "npm_"), 4),
        ("sendgrid", "SG." + rs(r, URLSAFE, 22) + "." + rs(r, URLSAFE, 43), 3),
        ("twilio_sk", "SK" + rs(r, HEX, 32), 2),
        ("jwt", jwt(r, {"iss": "https://id.example.net/", "sub": "svc-" + rs(r, HEX, 6),
                        "exp": now + 3600, "iat": now}), 3),
        ("jwt_iss_only", jwt(r, {"iss": rs(r, ALNUM, 22), "exp": now + 60}), 3),
        ("bearer", rs(r, ALNUM, 40), 0),
        ("bearer_dash", rs(r, ALNUM, 16) + "-" + rs(r, ALNUM, 16), 0),
        ("uuid", "%s-%s-%s-%s-%s" % (rs(r, HEX, 8), rs(r, HEX, 4), rs(r, HEX, 4),
                                     rs(r, HEX, 4), rs(r, HEX, 12)), 0),
        ("aws_secret", rs(r, B64, 40), 0),
        ("aws_session", "IQoJb3JpZ2luX2Vj" + rs(r, B64, 300) + "==", 0),
        ("password", "Pw" + rs(r, ALNUM, 14), 0),
    ]
    return t


def neighbours(tok):
    """The token as it may stand in text: glued to other characters, escaped, wrapped."""
    mid = len(tok) // 2
    esc = tok[:mid] + "%%%02X" % ord(tok[mid]) + tok[mid + 1:]
    return [
        tok,
        "x" + tok,
        "_" + tok,
        tok + "_old",
        tok + "_bak",
        tok + "Z",
        tok + ".x",
        "prefix" + tok + "suffix",
        esc,
        "%22" + tok + "%22",
    ]


def ip(i):
    return "198.51.100.%d" % (1 + i % 250)


def when(i):
    return 1793000000 + i * 37


def iso(ts):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def clf(ts):
    return time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(ts))


def plant_logs(root, tokens):
    """One directory per format; every token in every field with every neighbour."""
    nginx, jsonl, ct, gh = [], [], [], []
    i = 0
    for _fam, tok, _p in tokens:
        auth = "Bearer " + tok
        for shape in neighbours(tok):
            i += 1
            ts = when(i)
            paths = ["/v1/items/" + shape, "/cb;jsessionid=" + shape, "/x%3Fapi_key=" + shape,
                     "/login?next=https%3A%2F%2Fapp%2Fcb%3Faccess_token%3D" + shape]
            for path in paths:
                ua = "Evil/" + shape + " (compatible; " + shape + ")"
                nginx.append('%s - %s [%s] "GET %s?api_key=%s HTTP/1.1" 200 12 "https://r/%s" "%s" '
                             '"%s"' % (ip(i), shape[:40] if "%" not in shape else "-", clf(ts),
                                       path, shape, shape, ua, auth))
            jsonl.append(json.dumps({
                "time": iso(ts), "client_ip": ip(i), "request": {
                    "method": "GET", "uri": "/v1/x/" + shape + "?token=" + shape,
                    "headers": {"authorization": auth, "user-agent": "cli/" + shape,
                                "x-api-key": shape}},
                "response": {"status": 401}, "consumer": {"username": shape},
                "route": shape, "message": "bad token " + shape}))
            ct.append({
                "eventVersion": "1.08", "eventTime": iso(ts), "eventSource": "iam.amazonaws.com",
                "eventName": "ListUsers", "awsRegion": "us-east-1", "sourceIPAddress": ip(i),
                "userAgent": "aws-cli/2.15 " + shape, "errorCode": "AccessDenied",
                "errorMessage": "User " + shape + " is not authorized",
                "userIdentity": {"type": "IAMUser", "accessKeyId": "AKIAIOSFODNN7EXAMPLE",
                                 "arn": "arn:aws:iam::111122223333:user/" + shape,
                                 "userName": shape},
                "requestParameters": {"userName": shape, "policyDocument": shape},
                "responseElements": None, "requestID": shape, "eventID": shape})
            gh.append(json.dumps({
                "@timestamp": ts * 1000, "action": "repo.download_zip", "actor": shape,
                "actor_ip": ip(i), "user_agent": "git/" + shape, "org": "acme",
                "repo": "acme/" + shape, "hashed_token": base64.b64encode(
                    hashlib.sha256(tok.encode()).digest()).decode(),
                "programmatic_access_type": "OAuth access token"}))
    os.makedirs(os.path.join(root, "nginx"), exist_ok=True)
    os.makedirs(os.path.join(root, "gateway"), exist_ok=True)
    os.makedirs(os.path.join(root, "cloudtrail"), exist_ok=True)
    os.makedirs(os.path.join(root, "github"), exist_ok=True)
    with open(os.path.join(root, "nginx", "access.log"), "w") as f:
        f.write("\n".join(nginx) + "\n")
    with open(os.path.join(root, "gateway", "kong.jsonl"), "w") as f:
        f.write("\n".join(jsonl) + "\n")
    with open(os.path.join(root, "cloudtrail", "ct.json"), "w") as f:
        json.dump({"Records": ct}, f)
    with open(os.path.join(root, "github", "audit.jsonl"), "w") as f:
        f.write("\n".join(gh) + "\n")
    return len(nginx) + len(jsonl) + len(ct) + len(gh)


def plant_names(root, tokens):
    """Files and directories named after tokens, a newline and an ESC sequence included."""
    n = 0
    line = '198.51.100.9 - - [%s] "GET / HTTP/1.1" 200 1 "-" "curl/8"\n' % clf(when(1))
    for k, (_fam, tok, _p) in enumerate(tokens):
        safe = tok.replace("/", "_")
        d = os.path.join(root, "names", "dir_" + safe[: 200])
        os.makedirs(d, exist_ok=True)
        name = ("f_" + safe[:180] + "_old.log") if k % 3 else ("f\n" + safe[:180] + "\x1b[2J.log")
        with open(os.path.join(d, name), "w") as f:
            f.write(line if k % 2 else "\x00\x01garbage " + tok + "\n")
        n += 2
    return n


class Runner:
    def __init__(self, kt, work):
        self.kt, self.work, self.outputs, self.runs = kt, work, [], 0

    def run(self, name, args, stdin=None):
        out = os.path.join(self.work, "out", name + ".out")
        err = os.path.join(self.work, "out", name + ".err")
        with open(out, "wb") as fo, open(err, "wb") as fe:
            subprocess.run([self.kt] + args, stdout=fo, stderr=fe, timeout=300,
                           input=stdin.encode() if stdin is not None else None,
                           stdin=None if stdin is not None else subprocess.DEVNULL)
        self.outputs += [out, err]
        self.runs += 1

    def keep(self, path):
        if os.path.exists(path):
            self.outputs.append(path)


def main():
    kt, work = sys.argv[1], sys.argv[2]
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else int(time.time())
    print("seed %d" % seed)
    r = random.Random(seed)
    tokens = make_tokens(r)
    logs = os.path.join(work, "logs")
    os.makedirs(os.path.join(work, "out"), exist_ok=True)
    records = plant_logs(logs, tokens)
    names = plant_names(logs, tokens)
    run = Runner(kt, work)
    o = os.path.join(work, "out")

    run.run("events", ["events", logs])
    run.run("events_keyed", ["events", "--keyed", logs])
    run.run("keys", ["keys", logs])
    run.run("keys_json", ["keys", "--json", logs])
    for fmt in ("combined", "jsonl", "cloudtrail", "github"):
        run.run("events_" + fmt, ["events", "--format", fmt, logs])
    leaked = os.path.join(work, "leaked.txt")
    iplist = os.path.join(work, "ips.txt")
    with open(leaked, "w") as f:
        for _fam, tok, _p in tokens:
            f.write(tok + "\n")
    with open(iplist, "w") as f:
        for k, (_fam, tok, _p) in enumerate(tokens):
            f.write("198.51.100.%d/32 label-%s\n" % (1 + k, tok))
    reports = [os.path.join(o, "report." + e) for e in ("json", "md", "html")]
    rep_args = sum((["--report", p] for p in reports), [])
    alerts = os.path.join(o, "alerts.jsonl")
    run.run("scan", ["scan", "--leaked", leaked, "--ip-list", iplist, "--alerts", alerts] +
            rep_args + [logs])
    for p in reports + [alerts]:
        run.keep(p)
    run.run("scan_stdout", ["scan", "--ip-list", iplist, logs])
    # State files: written, read back and rewritten, shown, merged; all searched like outputs.
    state = os.path.join(o, "keytrail.state")
    run.run("scan_state", ["scan", "--state", state, "--leaked", leaked, "--alerts",
                           os.path.join(o, "alerts_state.jsonl"), logs])
    run.run("scan_state2", ["scan", "--state", state, "--reprocess", "--alerts",
                            os.path.join(o, "alerts_state2.jsonl"), logs])
    run.run("state_show", ["state", "show", state])
    run.run("state_show_json", ["state", "show", "--json", state])
    run.run("state_merge", ["state", "merge", os.path.join(o, "merged.state"), state, state])
    for p in (state, os.path.join(o, "merged.state"), os.path.join(o, "alerts_state.jsonl")):
        run.keep(p)

    # Tokens as arguments, names and settings.
    for fam, tok, _p in tokens:
        t = fam
        run.run("arg_key_" + t, ["events", "--key", tok, logs + "/nginx"])
        run.run("arg_opt_" + t, ["events", "--" + tok, logs])
        run.run("arg_short_" + t, ["events", "-" + tok[:1] + tok, logs])
        run.run("arg_fmt_" + t, ["events", "--format", tok, logs])
        run.run("arg_field_" + t, ["events", "--field", tok + "=a.b", logs])
        run.run("arg_field2_" + t, ["events", "--field", "ip=" + tok, "--format", "jsonl",
                                    logs + "/gateway"])
        run.run("arg_report_" + t, ["scan", "--report", "/nonexistent/" + tok + ".html", logs])
        run.run("arg_report_ext_" + t, ["scan", "--report", tok + ".pdf", logs])
        run.run("arg_alerts_" + t, ["scan", "--alerts", "/nonexistent/" + tok, logs])
        run.run("arg_state_" + t, ["scan", "--state", "/nonexistent/" + tok + "/s", logs])
        run.run("arg_state_show_" + t, ["state", "show", "/nonexistent/" + tok])
        run.run("arg_state_forget_" + t, ["state", "forget", state, tok])
        run.run("arg_path_" + t, ["events", "/nonexistent/" + tok + "/x.log"])
        run.run("arg_cmd_" + t, [tok])
        run.run("arg_maxline_" + t, ["events", "--max-line", tok, logs])
        run.run("mkgeo_" + t, ["mkgeo", "/nonexistent/" + tok + ".csv", o + "/x.mmdb"])
        cfg = os.path.join(work, "cfg_" + t + ".json")
        with open(cfg, "w") as f:
            json.dump({"detectors": {tok: {"enabled": False}}, tok: 1}, f)
        run.run("cfg_" + t, ["scan", "--config", cfg, logs + "/nginx"])
        cfgv = os.path.join(work, "cfgv_" + t + ".json")
        with open(cfgv, "w") as f:
            f.write('{"allow": {"keys": ["%s"], "networks": ["%s"]}}' % (tok, tok))
        run.run("cfgv_" + t, ["scan", "--config", cfgv, logs + "/nginx"])
        bad = os.path.join(work, "leaked_bad_" + t + ".txt")
        with open(bad, "w") as f:
            f.write("%s 2026/10/01\n%s,2026-11-04\n%s yesterday\n" % (tok, tok, tok))
        run.run("leaked_bad_" + t, ["scan", "--leaked", bad, logs + "/nginx"])
        badip = os.path.join(work, "ip_bad_" + t + ".txt")
        with open(badip, "w") as f:
            f.write("%s\n" % tok)
        run.run("ip_bad_" + t, ["scan", "--ip-list", badip, logs + "/nginx"])
        run.run("fp_stdin_" + t, ["fingerprint"], stdin=tok)
        run.run("fp_json_" + t, ["fingerprint", "--json", "--", tok])
        run.run("fp_hashed_" + t, ["fingerprint", "--hashed-token", "--", tok])

    # What each token may never show: itself, or any 12 characters of it beyond its public
    # prefix (a hint keeps the prefix and the last four).
    pieces = {}
    for fam, tok, plen in tokens:
        forms = {tok, tok.replace("/", "_")[:180]}
        for form in forms:
            for k in range(0, len(form) - WINDOW + 1):
                if k + WINDOW > plen:
                    pieces[form[k:k + WINDOW]] = fam
    total = 0
    leaks = {}
    for path in run.outputs:
        with open(path, "rb") as f:
            data = f.read().decode("utf-8", "replace")
        total += len(data)
        for k in range(0, len(data) - WINDOW + 1):
            fam = pieces.get(data[k:k + WINDOW])
            if fam is not None:
                leaks.setdefault((fam, os.path.basename(path)), k)
    sizes = {os.path.basename(p): os.path.getsize(p) for p in run.outputs}
    for must in ("events.out", "keys_json.out", "scan.err", "report.json", "report.html",
                 "report.md", "alerts.jsonl", "keytrail.state", "merged.state",
                 "state_show.out"):
        if sizes.get(must, 0) < 200:
            print("FAIL: %s is too small (%d bytes): the test must see real output"
                  % (must, sizes.get(must, 0)))
            return 1
    print("planted %d tokens (%d families and shapes) x %d neighbours in %d records, %d names,"
          " %d arguments and settings each; %d runs, %d outputs, %d bytes searched"
          % (len(tokens), len(tokens), len(neighbours("x" * 20)), records, names, 17,
             run.runs, len(run.outputs), total))
    if leaks:
        for (fam, out), off in sorted(leaks.items()):
            print("LEAK: a 12-character piece of the %s token in %s (offset %d)" % (fam, out, off))
        print("FAIL: %d leaks (seed %d)" % (len(leaks), seed))
        return 1
    print("ok: no token and no 12-character piece of one in any output")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""
Scores a `keytrail scan` run against the labels of a synthetic corpus (tests/quality/gen.py).

Inputs: labels.tsv (key_id, family, scenario, label, misuse_start[, base, notes]), the scan's
JSON report ({"keys":[{"key", "verdict", ...}]}) and its alerts (JSON lines with at least
"time", "key" and "severity"). Nothing else of the report or the alerts is relied on.

Per scenario it prints how many keys got rotate / investigate / ok (or were absent from the
report), the share that got `rotate` (recall for misuse, false-rotate rate for benign) and, for
misuse, the detection latency: the time from misuse_start to the key's first high or critical
alert at or after misuse_start. Keys without such an alert are missed; they count as infinitely
late, so the median is only finite when more than half the keys were caught.

Targets (configurable): recall >= 95 %, false-rotate rate <= 2 %, median latency <= 10 min.
Exit status: 0 all targets pass, 1 a target fails, 2 bad usage or unreadable input.
`--json` prints the same numbers as one JSON object; `--self-test` checks the scorer itself.
"""

import argparse
import calendar
import contextlib
import json
import math
import os
import re
import sys
import tempfile

HIGH = ("high", "critical")
VERDICTS = ("rotate", "investigate", "ok")
INF = float("inf")

_TIME_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?"
                      r"([Zz]|[+-]\d{2}:?\d{2})$")
_DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334]


class InputError(Exception):
    pass


def parse_time(s):
    """RFC 3339 time -> seconds since the epoch (float), or None when it is not one."""
    if not isinstance(s, str):
        return None
    m = _TIME_RE.match(s.strip())
    if not m:
        return None
    y, mo, d, hh, mi, ss = (int(m.group(i)) for i in range(1, 7))
    if not (1 <= mo <= 12 and 1 <= d <= 31 and hh < 24 and mi < 60 and ss <= 60):
        return None
    frac = float(m.group(7)) if m.group(7) else 0.0
    # Days since the epoch (proleptic Gregorian), without the time module's local-time quirks.
    yy = y - 1
    days = (yy * 365 + yy // 4 - yy // 100 + yy // 400) - 719162
    days += _DAYS_BEFORE_MONTH[mo - 1] + d - 1
    if mo > 2 and (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)):
        days += 1
    t = days * 86400 + hh * 3600 + mi * 60 + ss + frac
    tz = m.group(8)
    if tz not in ("Z", "z"):
        sign = 1 if tz[0] == "+" else -1
        digits = tz[1:].replace(":", "")
        t -= sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
    return t


def read_labels(path):
    try:
        with open(path, encoding="utf-8") as f:
            lines = [ln.rstrip("\n") for ln in f if ln.strip() and not ln.startswith("#")]
    except OSError as e:
        raise InputError("cannot read labels %s: %s" % (path, e.strerror))
    if not lines:
        raise InputError("labels %s is empty" % path)
    head = lines[0].split("\t")
    need = ["key_id", "family", "scenario", "label", "misuse_start"]
    if any(n not in head for n in need):
        raise InputError("labels %s: header must name %s" % (path, ", ".join(need)))
    col = {n: head.index(n) for n in head}
    out = {}
    for no, ln in enumerate(lines[1:], start=2):
        r = ln.split("\t")
        if len(r) < len(need):
            raise InputError("labels %s line %d: too few columns" % (path, no))
        lab = {n: r[col[n]] if col[n] < len(r) else "" for n in head}
        if lab["label"] not in ("benign", "misuse"):
            raise InputError("labels %s line %d: label must be benign or misuse" % (path, no))
        start = None
        if lab["label"] == "misuse":
            start = parse_time(lab["misuse_start"])
            if start is None:
                raise InputError("labels %s line %d: misuse without a valid misuse_start"
                                 % (path, no))
        lab["start"] = start
        if lab["key_id"] in out:
            raise InputError("labels %s line %d: key listed twice" % (path, no))
        out[lab["key_id"]] = lab
    return out


def read_report(path, warnings, detectors=None):
    """key -> verdict; with detectors (a dict), also key -> set of detectors of its findings."""
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except OSError as e:
        raise InputError("cannot read report %s: %s" % (path, e.strerror))
    except ValueError as e:
        raise InputError("report %s is not JSON: %s" % (path, e))
    if not isinstance(doc, dict) or not isinstance(doc.get("keys"), list):
        raise InputError("report %s has no \"keys\" array" % path)
    verdicts = {}
    for k in doc["keys"]:
        if not isinstance(k, dict) or not isinstance(k.get("key"), str):
            warnings.append("report: an entry without a key id was skipped")
            continue
        v = k.get("verdict")
        v = v.lower() if isinstance(v, str) else "?"
        if v not in VERDICTS:
            warnings.append("report: key %s has verdict %r, counted as neither" % (k["key"], v))
        if k["key"] in verdicts:
            warnings.append("report: key %s listed twice, first entry kept" % k["key"])
            continue
        verdicts[k["key"]] = v
        if detectors is not None:
            found = k.get("findings")
            detectors[k["key"]] = sorted({f["detector"] for f in found
                                          if isinstance(f, dict) and
                                          isinstance(f.get("detector"), str)}) \
                if isinstance(found, list) else []
    return verdicts


def read_alerts(path, warnings):
    """key -> sorted list of times of its high and critical alerts."""
    out = {}
    bad = 0
    try:
        f = open(path, encoding="utf-8", errors="replace")
    except OSError as e:
        raise InputError("cannot read alerts %s: %s" % (path, e.strerror))
    with f:
        for no, ln in enumerate(f, start=1):
            if not ln.strip():
                continue
            try:
                a = json.loads(ln)
            except ValueError:
                bad += 1
                continue
            if not isinstance(a, dict):
                bad += 1
                continue
            t = parse_time(a.get("time"))
            key = a.get("key")
            sev = a.get("severity")
            if t is None or not isinstance(key, str) or not isinstance(sev, str):
                bad += 1
                continue
            if sev.lower() in HIGH:
                out.setdefault(key, []).append(t)
    if bad:
        warnings.append("alerts: %d lines without a valid time, key and severity were skipped"
                        % bad)
    for v in out.values():
        v.sort()
    return out


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    if n == 0:
        return None
    if n % 2:
        return xs[n // 2]
    return (xs[n // 2 - 1] + xs[n // 2]) / 2.0


def percentile(xs, p):
    """Nearest-rank percentile."""
    xs = sorted(xs)
    if not xs:
        return None
    return xs[max(0, int(math.ceil(p / 100.0 * len(xs))) - 1)]


def first_at_or_after(times, start):
    for t in times:
        if t >= start - 1e-6:
            return t
    return None


def score(labels, verdicts, alerts, targets, detectors=None):
    """All numbers of a run as one dict (latencies in seconds, None for missed / no data).
    With detectors (key -> detector names of its findings), each scenario also counts which
    detectors fired: on the keys that got rotate, on those that got investigate, and, for
    misuse, on the keys that were not rotated (an empty list counts as "none")."""
    detectors = detectors or {}
    scen = {}
    lat_all = []
    for kid, lab in labels.items():
        s = scen.setdefault(lab["scenario"], {
            "label": lab["label"], "keys": 0, "rotate": 0, "investigate": 0, "ok": 0,
            "absent": 0, "other": 0, "high_alerted": 0, "_lat": [],
            "detectors_rotate": {}, "detectors_investigate": {}, "detectors_not_rotated": {}})
        if s["label"] != lab["label"]:
            raise InputError("scenario %s has both benign and misuse keys" % lab["scenario"])
        s["keys"] += 1
        v = verdicts.get(kid)
        if v is None:
            s["absent"] += 1
        elif v in VERDICTS:
            s[v] += 1
        else:
            s["other"] += 1
        dets = detectors.get(kid, [])
        buckets = []
        if v in ("rotate", "investigate"):
            buckets.append("detectors_" + v)
        if lab["label"] == "misuse" and v != "rotate":
            buckets.append("detectors_not_rotated")
        for b in buckets:
            for d in dets or ["none"]:
                s[b][d] = s[b].get(d, 0) + 1
        times = alerts.get(kid, [])
        if lab["label"] == "misuse":
            t = first_at_or_after(times, lab["start"])
            lat = INF if t is None else t - lab["start"]
            s["_lat"].append(lat)
            lat_all.append(lat)
            if t is not None:
                s["high_alerted"] += 1
        elif times:
            s["high_alerted"] += 1

    def fin(x):
        return None if x is None or x == INF else round(x, 3)

    out_s = {}
    for name, s in scen.items():
        lat = s.pop("_lat")
        s["rotate_share"] = s["rotate"] / float(s["keys"])
        if s["label"] == "misuse":
            s["missed"] = sum(1 for x in lat if x == INF)
            s["latency_median_s"] = fin(median(lat))
            s["latency_p90_s"] = fin(percentile(lat, 90))
        out_s[name] = s
    mis = [s for s in scen.values() if s["label"] == "misuse"]
    ben = [s for s in scen.values() if s["label"] == "benign"]
    n_mis = sum(s["keys"] for s in mis)
    n_ben = sum(s["keys"] for s in ben)
    recall = sum(s["rotate"] for s in mis) / float(n_mis) if n_mis else None
    frr = sum(s["rotate"] for s in ben) / float(n_ben) if n_ben else None
    med = median(lat_all)
    caught = [x for x in lat_all if x != INF]
    totals = {
        "keys": len(labels), "misuse_keys": n_mis, "benign_keys": n_ben,
        "misuse_rotate": sum(s["rotate"] for s in mis),
        "misuse_investigate": sum(s["investigate"] for s in mis),
        "benign_rotate": sum(s["rotate"] for s in ben),
        "benign_investigate": sum(s["investigate"] for s in ben),
        "benign_high_alerted": sum(s["high_alerted"] for s in ben),
        "recall": recall, "false_rotate_rate": frr,
        "missed": sum(1 for x in lat_all if x == INF),
        "latency_median_s": fin(med), "latency_p90_s": fin(percentile(lat_all, 90)),
        "latency_median_caught_s": fin(median(caught)),
        "absent_from_report": sum(s["absent"] for s in scen.values()),
        "report_keys_unlabelled": sum(1 for k in verdicts if k not in labels),
    }
    checks = [
        ("recall (misuse keys with rotate)", recall, ">=", targets["min_recall"]),
        ("false-rotate rate (benign keys with rotate)", frr, "<=",
         targets["max_false_rotate"]),
        ("median minutes to first high alert", None if med is None else med / 60.0, "<=",
         targets["max_median_minutes"]),
    ]
    tres = []
    for name, value, op, goal in checks:
        if value is None:
            ok = False
        elif op == ">=":
            ok = value >= goal
        else:
            ok = value <= goal
        tres.append({"name": name, "value": None if value in (None, INF) else value,
                     "op": op, "target": goal, "pass": ok})
    return {"scenarios": out_s, "totals": totals, "targets": tres,
            "pass": all(t["pass"] for t in tres)}


def fmt_min(sec, none="inf"):
    """Minutes; None is a latency that is not finite (too many keys missed)."""
    if sec is None:
        return none
    return "%.1f" % (sec / 60.0)


def print_text(res, warnings, out):
    w = out.write
    w("%-20s %-7s %5s %6s %6s %5s %6s %8s %9s %9s %6s\n" % (
        "scenario", "label", "keys", "rotate", "invest", "ok", "absent", "rot.rate",
        "med.min", "p90.min", "missed"))
    order = sorted(res["scenarios"].items(), key=lambda p: (p[1]["label"], p[0]))
    for name, s in order:
        if s["label"] == "misuse":
            tail = "%9s %9s %6d" % (fmt_min(s["latency_median_s"]), fmt_min(s["latency_p90_s"]),
                                    s["missed"])
        else:
            tail = "%9s %9s %6s" % ("", "", "")
        w("%-20s %-7s %5d %6d %6d %5d %6d %7.1f%% %s\n" % (
            name, s["label"], s["keys"], s["rotate"], s["investigate"], s["ok"], s["absent"],
            100.0 * s["rotate_share"], tail))
    w("\ndetectors (number of keys whose findings include it)\n")
    for name, s in order:
        parts = []
        for b, what in (("detectors_rotate", "rotate"), ("detectors_investigate", "investigate"),
                        ("detectors_not_rotated", "not rotated")):
            if s["label"] == "benign" and b == "detectors_not_rotated":
                continue
            d = s.get(b) or {}
            if d:
                parts.append("%s: %s" % (what, ", ".join(
                    "%s %d" % p for p in sorted(d.items(), key=lambda p: (-p[1], p[0])))))
        if parts:
            w("  %-20s %s\n" % (name, "; ".join(parts)))
    t = res["totals"]
    w("\nmisuse keys %d: %d rotate, %d investigate, %d never alerted high at or after the start"
      "\n" % (t["misuse_keys"], t["misuse_rotate"], t["misuse_investigate"], t["missed"]))
    w("benign keys %d: %d rotate, %d investigate, %d with a high or critical alert\n" % (
        t["benign_keys"], t["benign_rotate"], t["benign_investigate"], t["benign_high_alerted"]))
    w("latency: median %s min (caught keys only: %s min), p90 %s min\n" % (
        fmt_min(t["latency_median_s"]), fmt_min(t["latency_median_caught_s"], "n/a"),
        fmt_min(t["latency_p90_s"])))
    if t["absent_from_report"]:
        w("%d labelled keys are absent from the report\n" % t["absent_from_report"])
    if t["report_keys_unlabelled"]:
        w("%d report keys have no label\n" % t["report_keys_unlabelled"])
    for msg in warnings:
        w("warning: %s\n" % msg)
    w("\n")
    for tr in res["targets"]:
        if tr["value"] is None:
            val = "n/a"
        elif "minutes" in tr["name"]:
            val = "%.1f" % tr["value"]
        else:
            val = "%.1f%%" % (100.0 * tr["value"])
        goal = ("%.1f" % tr["target"]) if "minutes" in tr["name"] else \
            ("%.1f%%" % (100.0 * tr["target"]))
        w("%s  %-45s %8s  (target %s %s)\n" % ("PASS" if tr["pass"] else "FAIL", tr["name"],
                                               val, tr["op"], goal))
    w("%s\n" % ("all targets met" if res["pass"] else "targets missed"))


def run(labels_path, report_path, alerts_path, targets, as_json, out, json_out=None):
    warnings = []
    labels = read_labels(labels_path)
    detectors = {}
    verdicts = read_report(report_path, warnings, detectors)
    alerts = read_alerts(alerts_path, warnings)
    res = score(labels, verdicts, alerts, targets, detectors)
    res["warnings"] = warnings
    if json_out:
        try:
            with open(json_out, "w", encoding="utf-8") as f:
                json.dump(res, f, indent=2, sort_keys=True)
                f.write("\n")
        except OSError as e:
            raise InputError("cannot write %s: %s" % (json_out, e.strerror))
    if as_json:
        json.dump(res, out, indent=2, sort_keys=True)
        out.write("\n")
    else:
        print_text(res, warnings, out)
    return res


# ---------------------------------------------------------------------------------------------

def self_test():
    """Scores hand-made inputs whose right answers are known; returns the number of failures."""
    import io
    fails = []

    def check(cond, what):
        if not cond:
            fails.append(what)

    epoch = calendar.timegm((2026, 10, 5, 8, 14, 9)) + 0.123
    check(abs(parse_time("2026-10-05T08:14:09.123Z") - epoch) < 1e-6, "parse Z")
    check(abs(parse_time("2026-10-05T08:14:09.123456789Z") - epoch - 0.000456789) < 1e-6,
          "parse nanoseconds")
    check(parse_time("2026-10-05T10:14:09+02:00") == parse_time("2026-10-05T08:14:09Z"),
          "parse offset")
    check(parse_time("2024-03-01T00:00:00Z") - parse_time("2024-02-28T00:00:00Z") == 2 * 86400,
          "leap year")
    for bad in ("", "2026-10-05", "2026-13-05T00:00:00Z", "yesterday", None, 5,
                "2026-10-05T08:14:09.123"):
        check(parse_time(bad) is None, "reject time %r" % (bad,))
    check(median([1, 3]) == 2 and median([1, INF]) == INF and median([5]) == 5, "median")
    check(percentile(list(range(1, 11)), 90) == 9 and percentile([], 90) is None, "p90")

    T = "2026-10-20T12:00:00.000Z"
    t0 = parse_time(T)

    def iso(sec):
        return "2026-10-20T%02d:%02d:%02d.000Z" % (sec // 3600 + 12, sec // 60 % 60, sec % 60)

    labels = ("key_id\tfamily\tscenario\tlabel\tmisuse_start\tbase\tnotes\n"
              "k1\tgeneric\tspike\tmisuse\t%s\tservice\t\n"      # caught after 5 min, rotate
              "k2\tgeneric\tspike\tmisuse\t%s\tservice\t\n"      # alert before start only
              "k3\tgeneric\trecon\tmisuse\t%s\thuman\t\n"        # caught at once, investigate
              "k4\tgeneric\trecon\tmisuse\t%s\thuman\t\n"        # medium alert only, absent
              "b1\tgithub\thuman\tbenign\t\thuman\t\n"           # false rotate, high alert
              "b2\tgithub\thuman\tbenign\t\thuman\t\n"
              "b3\tstripe\ttravel\tbenign\t\thuman\t\n") % (T, T, T, T)
    report = {"keys": [{"key": "k1", "verdict": "rotate", "findings": [
                           {"detector": "spike"}, {"detector": "new_asn"}, {"detector": "spike"}]},
                       {"key": "k2", "verdict": "rotate"},
                       {"key": "k3", "verdict": "investigate"},
                       {"key": "b1", "verdict": "rotate"}, {"key": "b2", "verdict": "ok"},
                       {"key": "b3", "verdict": "ok"}, {"key": "zz", "verdict": "ok"}]}
    alerts = [
        {"time": iso(300), "key": "k1", "severity": "high"},
        {"time": iso(900), "key": "k1", "severity": "critical"},
        {"time": "2026-10-20T11:00:00Z", "key": "k2", "severity": "critical"},
        {"time": "2026-10-20T14:00:00+02:00", "key": "k3", "severity": "high"},   # = t0
        {"time": iso(60), "key": "k4", "severity": "medium"},
        {"time": iso(60), "key": "b1", "severity": "HIGH"},
        {"time": "garbage", "key": "b2", "severity": "high"},
    ]
    with tempfile.TemporaryDirectory(prefix="kt-score-") as tmp:
        lp = os.path.join(tmp, "labels.tsv")
        rp = os.path.join(tmp, "report.json")
        ap = os.path.join(tmp, "alerts.jsonl")
        with open(lp, "w") as f:
            f.write(labels)
        with open(rp, "w") as f:
            json.dump(report, f)
        with open(ap, "w") as f:
            f.write("\n".join(json.dumps(a) for a in alerts) + "\n{not json\n\n")
        targets = {"min_recall": 0.95, "max_false_rotate": 0.02, "max_median_minutes": 10.0}
        buf = io.StringIO()
        res = run(lp, rp, ap, targets, False, buf)
        s, t = res["scenarios"], res["totals"]
        check(s["spike"]["rotate"] == 2 and s["spike"]["missed"] == 1, "spike counts")
        check(s["spike"]["latency_median_s"] is None, "median with half missed is infinite")
        check(s["recon"]["investigate"] == 1 and s["recon"]["absent"] == 1, "recon counts")
        check(s["recon"]["latency_median_s"] is None and s["recon"]["missed"] == 1,
              "medium alerts do not count")
        check(s["human"]["rotate"] == 1 and s["human"]["high_alerted"] == 1,
              "benign false rotate and alert")
        check(s["spike"]["detectors_rotate"] == {"spike": 1, "new_asn": 1, "none": 1},
              "detectors of rotated keys, each key once")
        check(s["recon"]["detectors_not_rotated"] == {"none": 2} and
              s["recon"]["detectors_investigate"] == {"none": 1},
              "misuse keys not rotated, without findings")
        check("detectors (number of keys" in buf.getvalue() and "spike 1" in buf.getvalue(),
              "detectors table printed")
        check(abs(t["recall"] - 0.5) < 1e-9, "recall 2 of 4")
        check(abs(t["false_rotate_rate"] - 1 / 3.0) < 1e-9, "false rotate 1 of 3")
        check(t["missed"] == 2 and t["latency_median_caught_s"] == 150.0,
              "caught latencies 0 and 300 s")
        check(t["latency_median_s"] is None, "overall median infinite with 2 of 4 missed")
        check(t["report_keys_unlabelled"] == 1 and t["absent_from_report"] == 1, "absent keys")
        check(not res["pass"] and [x["pass"] for x in res["targets"]] == [False, False, False],
              "all three targets fail")
        check(any("2 lines" in w for w in res["warnings"]), "bad alert lines reported")
        text = buf.getvalue()
        check("FAIL" in text and "targets missed" in text, "text says FAIL")

        # A passing run: every misuse key rotated and alerted within minutes.
        report = {"keys": [{"key": k, "verdict": "rotate"} for k in ("k1", "k2", "k3", "k4")] +
                  [{"key": b, "verdict": v} for b, v in (("b1", "ok"), ("b2", "investigate"),
                                                          ("b3", "ok"))]}
        alerts = [{"time": iso(60 * (i + 1)), "key": k, "severity": "critical"}
                  for i, k in enumerate(("k1", "k2", "k3", "k4"))]
        with open(rp, "w") as f:
            json.dump(report, f)
        with open(ap, "w") as f:
            f.write("\n".join(json.dumps(a) for a in alerts) + "\n")
        buf = io.StringIO()
        res = run(lp, rp, ap, targets, True, buf)
        check(res["pass"], "passing run passes")
        check(res["totals"]["latency_median_s"] == 150.0, "median of 1,2,3,4 min is 2.5 min")
        check(json.loads(buf.getvalue())["pass"] is True, "--json output parses")
        jp = os.path.join(tmp, "score.json")
        check(main(["--labels", lp, "--report", rp, "--alerts", ap, "--quiet", "--json-out",
                    jp]) == 0, "exit 0 with --json-out")
        with open(jp) as f:
            check(json.load(f)["totals"]["recall"] == 1.0, "--json-out file written")
        check(main(["--labels", lp, "--report", rp, "--alerts", ap, "--quiet"]) == 0,
              "exit 0 when passing")
        check(main(["--labels", lp, "--report", rp, "--alerts", ap, "--quiet",
                    "--max-median-minutes", "2"]) == 1, "exit 1 when a target fails")
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            rc = main(["--labels", lp, "--report", os.path.join(tmp, "nope.json"), "--alerts",
                       ap, "--quiet"])
        check(rc == 2 and "cannot read report" in err.getvalue(), "exit 2 on unreadable input")
        with open(lp, "w") as f:
            f.write("key_id\tfamily\tscenario\tlabel\tmisuse_start\nk1\tg\tspike\tmisuse\t\n")
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            rc = main(["--labels", lp, "--report", rp, "--alerts", ap, "--quiet"])
        check(rc == 2 and "misuse_start" in err.getvalue(), "exit 2 on misuse without a start")
    for what in fails:
        print("FAIL: %s" % what)
    print("score self-test: %d failed" % len(fails))
    return len(fails)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].strip())
    ap.add_argument("--labels", help="labels.tsv written by gen.py")
    ap.add_argument("--report", help="JSON report of keytrail scan (--report)")
    ap.add_argument("--alerts", help="alerts JSONL of keytrail scan (--alerts)")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--json-out", metavar="FILE", help="also write the JSON object to FILE")
    ap.add_argument("--quiet", action="store_true", help="print nothing; exit status only")
    ap.add_argument("--min-recall", type=float, default=0.95)
    ap.add_argument("--max-false-rotate", type=float, default=0.02)
    ap.add_argument("--max-median-minutes", type=float, default=10.0)
    ap.add_argument("--self-test", action="store_true", help="check the scorer itself")
    args = ap.parse_args(argv)
    if args.self_test:
        return 1 if self_test() else 0
    if not (args.labels and args.report and args.alerts):
        ap.print_usage(sys.stderr)
        sys.stderr.write("score.py: --labels, --report and --alerts are required\n")
        return 2
    targets = {"min_recall": args.min_recall, "max_false_rotate": args.max_false_rotate,
               "max_median_minutes": args.max_median_minutes}
    out = open(os.devnull, "w") if args.quiet else sys.stdout
    try:
        res = run(args.labels, args.report, args.alerts, targets, args.json, out,
                  args.json_out)
    except InputError as e:
        sys.stderr.write("score.py: %s\n" % e)
        return 2
    finally:
        if args.quiet:
            out.close()
    return 0 if res["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Generate keytrail's samples/ tree: small, realistic, synthetic logs with a planted misuse.

Run from anywhere:  python3 tests/make_samples.py [--out DIR]   (default: <repo>/samples)
and it also rewrites tests/fixtures/known_tokens.txt (every secret planted in the samples).
python3 tests/make_samples.py --check  verifies the tree instead: sizes, intended damage (one
truncated archive, one two-member archive), JSON validity, token checksums and signatures, AWS
key id decoding, the planted leak, and that geo/networks.csv covers every address.

How it works
  * One fictional company ("Acme", domains *.acme.example) between 2026-10-12T00:00Z and
    2026-11-04T17:00Z. Every actor (a person, a CI system, a service, a partner, a browser crowd,
    an attacker) owns credentials and has a rhythm (office hours in its city, 24/7, bursts).
  * Each source below turns the actors' activity into the exact shape its product writes: nginx
    combined (+ $request_time + "$http_authorization"), Apache vhost_combined, Kong file-log,
    Traefik and Envoy JSON access logs, CloudTrail delivery files and the GitHub audit log.
  * Every IP comes from the documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24,
    2001:db8::/32) or 10.0.0.0/8; samples/geo/networks.csv places each block in a city.
  * Deterministic: every source draws from its own random.Random seeded with a fixed string, no
    set/dict-order dependence, gzip members with mtime 0 and no file name. Re-running gives
    byte-identical files with the same zlib (and zstd CLI, for the one .zst file).
  * Tokens are synthetic but valid in shape: GitHub/npm tokens carry correct CRC32 checksums,
    AWS key ids decode to account 111122223333, JWTs are really signed (HS256 with a made-up
    secret, RS256 with an RSA key generated here from the seeded generator).

The planted misuse is described in samples/README.md (written by this script too).
"""

import argparse
import base64
import gzip
import hashlib
import hmac
import io
import json
import os
import random
import shutil
import subprocess
import sys
import uuid
import zlib
from datetime import date, datetime, timedelta, timezone

UTC = timezone.utc
START = datetime(2026, 10, 12, 0, 0, tzinfo=UTC)
END = datetime(2026, 11, 4, 17, 0, tzinfo=UTC)  # "now": the live logs stop here
LEAK_DAY = date(2026, 11, 4)
ATTACK_START = datetime(2026, 11, 4, 2, 14, 7, tzinfo=UTC)
ACCOUNT = 111122223333
SEED = "keytrail-samples-v1"

B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
URLSAFE = ALNUM + "-_"
HEX = "0123456789abcdef"
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def rng(name):
    """An independent, reproducible generator per purpose (str seeds hash with SHA-512)."""
    return random.Random(SEED + ":" + name)


def rand_str(r, alphabet, n):
    return "".join(r.choice(alphabet) for _ in range(n))


def rand_uuid(r):
    return str(uuid.UUID(int=r.getrandbits(128), version=4))


def days():
    d = START.date()
    while d <= END.date():
        yield d
        d += timedelta(days=1)


def at(d, h, m=0, s=0.0):
    return datetime(d.year, d.month, d.day, tzinfo=UTC) + timedelta(hours=h, minutes=m, seconds=s)


# --------------------------------------------------------------------------------------------
# Token registry: every planted secret goes through here so known_tokens.txt is complete.
# --------------------------------------------------------------------------------------------

SECRETS = []          # (family, token) in first-seen order
SECRET_SEEN = {}
PUBLIC_IDS = []       # (what, value): non-secret identifiers (AWS key ids, Basic user names...)
PUBLIC_SEEN = {}


def secret(family, tok):
    if tok not in SECRET_SEEN:
        SECRET_SEEN[tok] = family
        SECRETS.append((family, tok))
    return tok


def public_id(what, val):
    if val not in PUBLIC_SEEN:
        PUBLIC_SEEN[val] = what
        PUBLIC_IDS.append((what, val))
    return val


def base62(n, width):
    out = ""
    while n:
        n, k = divmod(n, 62)
        out = B62[k] + out
    return out.rjust(width, "0")


def gh_checksummed(r, prefix):
    """GitHub-style token: prefix + 30 random base62 + base62(crc32(random part)) in 6 chars."""
    body = rand_str(r, B62, 30)
    return prefix + body + base62(zlib.crc32(body.encode()), 6)


def gh_bad_checksum(r, prefix):
    good = gh_checksummed(r, prefix)
    last = good[-1]
    repl = B62[(B62.index(last) + 17) % 62]
    return good[:-1] + repl


def github_pat(r):
    return "github_pat_" + rand_str(r, ALNUM, 22) + "_" + rand_str(r, ALNUM, 59)


def glpat(r):
    return "glpat-" + rand_str(r, URLSAFE, 20)


def stripe(r, prefix, n=99):
    return prefix + ("51" + rand_str(r, ALNUM, n - 2) if n > 30 else rand_str(r, ALNUM, n))


def slack_bot(r):
    return "xoxb-%d-%d-%s" % (r.randrange(10**11, 10**12), r.randrange(10**12, 10**13),
                              rand_str(r, ALNUM, 24))


def google_key(r):
    return "AIza" + rand_str(r, URLSAFE, 35)


def openai_key(r):
    return "sk-proj-" + rand_str(r, URLSAFE, 74) + "T3BlbkFJ" + rand_str(r, URLSAFE, 74)


def anthropic_key(r):
    return "sk-ant-api03-" + rand_str(r, URLSAFE, 93) + "AA"


def sendgrid_key(r):
    return "SG." + rand_str(r, URLSAFE, 22) + "." + rand_str(r, URLSAFE, 43)


def aws_key_id(r, prefix, account=ACCOUNT):
    """New-generation access key id whose chars 4..19 base32-decode to 10 bytes where
    z = first 6 bytes big-endian has its top bit set and (z & 0x7fffffffff80) >> 7 == account."""
    z = (1 << 47) | (account << 7) | r.getrandbits(7)
    raw = z.to_bytes(6, "big") + r.getrandbits(32).to_bytes(4, "big")
    return prefix + base64.b32encode(raw).decode()


def aws_account_of(key_id):
    raw = base64.b32decode(key_id[4:20])
    z = int.from_bytes(raw[:6], "big")
    return (z & 0x7FFFFFFFFF80) >> 7, bool(z >> 47)


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def jwt_encode(header, payload, signer):
    h = b64url(json.dumps(header, separators=(",", ":")).encode())
    p = b64url(json.dumps(payload, separators=(",", ":")).encode())
    signing_input = (h + "." + p).encode()
    return h + "." + p + "." + (b64url(signer(signing_input)) if signer else "")


def hs256_signer(key):
    return lambda data: hmac.new(key, data, hashlib.sha256).digest()


class RSAKey:
    """Textbook RSA key from a seeded generator, used only to sign sample RS256 JWTs."""

    def __init__(self, r, bits=2048):
        e = 65537
        while True:
            p = self._prime(r, bits // 2)
            q = self._prime(r, bits // 2)
            phi = (p - 1) * (q - 1)
            if p != q and phi % e != 0:
                break
        self.n, self.e, self.d = p * q, e, pow(e, -1, phi)
        self.k = (self.n.bit_length() + 7) // 8

    @staticmethod
    def _probably_prime(n, r):
        if n < 4:
            return n in (2, 3)
        for sp in (3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37):
            if n % sp == 0:
                return n == sp
        d, s = n - 1, 0
        while d % 2 == 0:
            d, s = d // 2, s + 1
        for _ in range(24):
            a = r.randrange(2, n - 2)
            x = pow(a, d, n)
            if x in (1, n - 1):
                continue
            for _ in range(s - 1):
                x = pow(x, 2, n)
                if x == n - 1:
                    break
            else:
                return False
        return True

    def _prime(self, r, bits):
        while True:
            c = r.getrandbits(bits) | (3 << (bits - 2)) | 1
            if self._probably_prime(c, r):
                return c

    def sign(self, data):
        """RSASSA-PKCS1-v1_5 with SHA-256."""
        prefix = bytes.fromhex("3031300d060960864801650304020105000420")
        t = prefix + hashlib.sha256(data).digest()
        em = b"\x00\x01" + b"\xff" * (self.k - len(t) - 3) + b"\x00" + t
        return pow(int.from_bytes(em, "big"), self.d, self.n).to_bytes(self.k, "big")

    def verify(self, data, sig):
        em = pow(int.from_bytes(sig, "big"), self.e, self.n).to_bytes(self.k, "big")
        return em.endswith(hashlib.sha256(data).digest()) and em.startswith(b"\x00\x01\xff")


def basic(user, password):
    blob = base64.b64encode((user + ":" + password).encode()).decode()
    secret("basic-credentials", blob)
    return "Basic " + blob


def hashed_token(tok):
    return base64.b64encode(hashlib.sha256(tok.encode()).digest()).decode()


# --------------------------------------------------------------------------------------------
# Networks: documentation ranges carved into blocks placed in cities (samples/geo/networks.csv)
# --------------------------------------------------------------------------------------------

# network, iso, country, city, lat, lon, asn, as_org, key used below
NETWORKS = [
    ("192.0.2.0/26", "DE", "Germany", "Berlin", 52.5200, 13.4050, 64501,
     "Example Business Fiber GmbH", "ber_office"),
    ("192.0.2.64/27", "DE", "Germany", "Berlin", 52.5200, 13.4050, 64502,
     "Example Kabel Berlin", "ber_home"),
    ("192.0.2.96/27", "DE", "Germany", "Frankfurt am Main", 50.1109, 8.6821, 64503,
     "Example Hosting Frankfurt", "fra_dc"),
    ("192.0.2.128/26", "GB", "United Kingdom", "London", 51.5072, -0.1276, 64504,
     "Example Telecom UK", "lon_office"),
    ("192.0.2.192/26", "NL", "Netherlands", "Amsterdam", 52.3676, 4.9041, 64505,
     "Example Cloud Europe B.V.", "ams_cloud"),
    ("198.51.100.0/26", "US", "United States", "Ashburn", 39.0438, -77.4874, 64506,
     "Example Cloud Inc.", "iad_cloud"),
    ("198.51.100.64/26", "US", "United States", "San Francisco", 37.7749, -122.4194, 64507,
     "Example Metro Fiber", "sfo_office"),
    ("198.51.100.128/27", "US", "United States", "Seattle", 47.6062, -122.3321, 64506,
     "Example Cloud Inc.", "sea_cloud"),
    ("198.51.100.160/27", "US", "United States", "New York", 40.7128, -74.0060, 64508,
     "Example Residential Broadband", "nyc_home"),
    ("198.51.100.192/26", "CA", "Canada", "Toronto", 43.6532, -79.3832, 64509,
     "Example Networks Canada", "yyz"),
    ("203.0.113.0/26", "SG", "Singapore", "Singapore", 1.3521, 103.8198, 64506,
     "Example Cloud Inc.", "sin_cloud"),
    ("203.0.113.64/27", "JP", "Japan", "Tokyo", 35.6762, 139.6503, 64496,
     "Example Mobile Japan", "tyo"),
    ("203.0.113.96/27", "AU", "Australia", "Sydney", -33.8688, 151.2093, 64497,
     "Example Broadband Australia", "syd"),
    ("203.0.113.128/27", "BR", "Brazil", "São Paulo", -23.5505, -46.6333, 64498,
     "Example Telecom Brasil", "gru"),
    ("203.0.113.160/28", "IN", "India", "Mumbai", 19.0760, 72.8777, 64499,
     "Example Net India", "bom"),
    ("203.0.113.176/28", "FR", "France", "Paris", 48.8566, 2.3522, 64500,
     "Example Telecom France", "par"),
    ("203.0.113.192/28", "PL", "Poland", "Warsaw", 52.2297, 21.0122, 64510,
     "Example Net Polska", "waw"),
    ("203.0.113.208/28", "RO", "Romania", "Bucharest", 44.4268, 26.1025, 64511,
     "Example VPS Hosting SRL", "attacker"),
    ("203.0.113.224/27", "ZA", "South Africa", "Johannesburg", -26.2041, 28.0473, 65536,
     "Example Connect Africa", "jnb"),
    ("2001:db8:100::/48", "DE", "Germany", "Berlin", 52.5200, 13.4050, 64501,
     "Example Business Fiber GmbH", "ber_office6"),
    ("2001:db8:200::/48", "US", "United States", "San Francisco", 37.7749, -122.4194, 64507,
     "Example Metro Fiber", "sfo6"),
    ("2001:db8:300::/48", "SG", "Singapore", "Singapore", 1.3521, 103.8198, 64506,
     "Example Cloud Inc.", "sin6"),
    ("2001:db8:400::/48", "BR", "Brazil", "São Paulo", -23.5505, -46.6333, 65537,
     "Example Movel Brasil", "gru6"),
    ("2001:db8:500::/48", "JP", "Japan", "Tokyo", 35.6762, 139.6503, 64496,
     "Example Mobile Japan", "tyo6"),
    ("10.20.0.0/16", "DE", "Germany", "Frankfurt am Main", 50.1109, 8.6821, 64512,
     "Acme internal (fra1)", "int_fra"),
    ("10.40.0.0/16", "US", "United States", "Ashburn", 39.0438, -77.4874, 64512,
     "Acme internal (iad1)", "int_iad"),
]
NET = {n[8]: n for n in NETWORKS}
BROWSER_NETS = ["ber_home", "lon_office", "ams_cloud", "nyc_home", "yyz", "tyo", "syd", "gru",
                "bom", "par", "waw", "jnb", "gru6", "tyo6", "sfo6", "sin6"]


def ip_in(r, key, host=None):
    """An address inside block `key`; `host` picks a fixed host number for stable callers."""
    net = NET[key][0]
    base, plen = net.split("/")
    plen = int(plen)
    if ":" in base:
        prefix = base.rstrip(":")
        if host is not None:
            return "%s::%x" % (prefix, host)
        return prefix + ":" + ":".join("%x" % r.randrange(1, 0xFFFF) for _ in range(5))
    parts = [int(x) for x in base.split(".")]
    start = (parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]
    size = 1 << (32 - plen)
    off = host if host is not None else r.randrange(1, size - 1)
    a = start + off
    return "%d.%d.%d.%d" % (a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255)


# --------------------------------------------------------------------------------------------
# Time helpers
# --------------------------------------------------------------------------------------------

def berlin_offset(t):
    """Europe/Berlin: CEST (+2) until 2026-10-25 01:00 UTC, then CET (+1)."""
    return timedelta(hours=2) if t < datetime(2026, 10, 25, 1, 0, tzinfo=UTC) \
        else timedelta(hours=1)


def local_window(r, d, utc_offset_h, start_h, end_h, n):
    """n sorted instants on local date d between start_h and end_h local time."""
    out = []
    for _ in range(n):
        h = r.uniform(start_h, end_h)
        out.append(at(d, h - utc_offset_h))
    return sorted(out)


def berlin_h(d):
    return 2 if d < date(2026, 10, 25) else 1


def weekday(d):
    return d.weekday() < 5


def diurnal(r, d, tz_h, n, peak=14.0, spread=5.0):
    """n instants on UTC day d clustered around local `peak` hour, 24/7 tail."""
    out = []
    for _ in range(n):
        if r.random() < 0.2:
            h = r.uniform(0, 24)
        else:
            h = (r.gauss(peak, spread) - tz_h) % 24
        out.append(at(d, h))
    return sorted(out)


def in_range(t):
    return START <= t < END


# --------------------------------------------------------------------------------------------
# Output helpers
# --------------------------------------------------------------------------------------------

def gz_bytes(data, level=6):
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=level) as g:
        g.write(data)
    return buf.getvalue()


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def jline(obj, sort=False):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False, sort_keys=sort)


# --------------------------------------------------------------------------------------------
# The credentials everybody uses (one generator, so adding an actor elsewhere changes nothing)
# --------------------------------------------------------------------------------------------

class Keys:
    def __init__(self):
        r = rng("keys")
        # GitHub Enterprise (git.acme.example) and friends
        self.pat_mkoch = secret("github", gh_checksummed(r, "ghp_"))       # the leaked one
        self.pat_lookalike = secret("github-bad-checksum", gh_bad_checksum(r, "ghp_"))
        self.oauth_jenkins = secret("github", gh_checksummed(r, "gho_"))
        self.finegrained_release = secret("github", github_pat(r))
        self.glpat_monitor = secret("gitlab", glpat(r))
        self.glpat_jwright = secret("gitlab", glpat(r))
        self.npm_ci = secret("npm", gh_checksummed(r, "npm_"))
        self.npm_pnowak = secret("npm", gh_checksummed(r, "npm_"))
        self.maps_browser = secret("google", google_key(r))
        self.maps_server = secret("google", google_key(r))
        self.metrics_api_key = secret("generic", rand_str(r, HEX, 32))
        self.deploy_dash = secret("generic", rand_str(r, B62, 40))
        self.grafana_ro_pw = secret("basic-password", rand_str(r, ALNUM, 20))
        self.grafana_deploy_pw = secret("basic-password", rand_str(r, ALNUM, 24))
        # Kong: Acme's payments API (Stripe-style keys issued to merchants)
        self.sk_nordwind = secret("stripe", stripe(r, "sk_live_"))
        self.sk_sunrise = secret("stripe", stripe(r, "sk_live_", 24))         # legacy short key
        self.rk_bluefin = secret("stripe", stripe(r, "rk_live_"))
        self.pk_storefront = secret("stripe", stripe(r, "pk_live_"))
        self.sk_test_dev = secret("stripe", stripe(r, "sk_test_"))
        self.jwt_hs_secret = rand_str(r, ALNUM, 48).encode()                  # never logged
        # Traefik egress: SaaS keys of internal services
        self.openai = secret("openai", openai_key(r))
        self.anthropic = secret("anthropic", anthropic_key(r))
        self.slack = secret("slack", slack_bot(r))
        self.sendgrid = secret("sendgrid", sendgrid_key(r))
        self.twilio_sid = public_id("twilio-api-key-sid", "SK" + rand_str(r, HEX, 32))
        self.twilio_secret = secret("twilio-secret", rand_str(r, ALNUM, 32))
        self.twilio_account = "AC" + rand_str(r, HEX, 32)
        # Envoy partner ingress: opaque bearer tokens
        self.partner_polaris = secret("generic", rand_str(r, B62, 40))
        self.partner_maple = secret("generic", rand_str(r, HEX, 64))
        self.partner_orbit_old = secret("generic", "orb_" + rand_str(r, URLSAFE, 43))
        self.partner_orbit_new = secret("generic", "orb_" + rand_str(r, URLSAFE, 43))
        # Apache legacy vhosts
        self.legacy_api_partner = secret("generic", rand_str(r, HEX, 32))
        self.legacy_api_stock = secret("generic", rand_str(r, HEX, 40))
        self.legacy_export_token = secret("generic", rand_str(r, B62, 40))
        # AWS (key ids are not secrets: listed apart)
        self.akia_backup = public_id("aws-key-id", aws_key_id(r, "AKIA"))
        self.akia_ci = public_id("aws-key-id", aws_key_id(r, "AKIA"))
        self.akia_jsilva = public_id("aws-key-id", aws_key_id(r, "AKIA"))
        # legacy-reports: a forgotten key, used only by the thief, who mints a second one
        r2 = rng("aws-legacy-reports")
        self.akia_legacy = public_id("aws-key-id", aws_key_id(r2, "AKIA"))
        self.akia_legacy_minted = public_id("aws-key-id", aws_key_id(r2, "AKIA"))
        # Basic user names (not secrets: the server logs them in %u / $remote_user)
        for u in ("mkoch", "x-access-token", "ops-readonly", "deploy", "jsmith", "reports",
                  "admin", "root", "test"):
            public_id("basic-user", u)


# GitHub audit events produced by the activity below (time, event dict), written by github().
GH_EVENTS = []
REPOS = ["api", "web", "infra", "payments-service", "ledger", "mobile-app", "design-system",
         "docs", "terraform-modules", "data-pipeline", "auth-service", "billing-worker",
         "status-page", "sdk-python", "sdk-node", "helm-charts"]
GH_ACTORS = {"mkoch": 4188123, "jwright": 5120987, "pnowak": 6034411, "release-bot": 7712004,
             "jenkins-acme": 3301577, "acme-ci[bot]": 149887201, "asato": 5522310}


GH_RNG = rng("gh-events")


def gh_event(_r, t, action, actor, ip, cc, ua, token=None, access_type=None, token_id=None,
             scopes=None, repo=None, extra=None):
    r = GH_RNG
    ms = int(t.timestamp() * 1000)
    ev = {"@timestamp": ms, "_document_id": b64url(r.getrandbits(128).to_bytes(16, "big")),
          "action": action, "actor": actor, "actor_id": GH_ACTORS.get(actor, 0),
          "actor_ip": ip, "actor_is_bot": actor.endswith("[bot]"),
          "actor_location": {"country_code": cc}, "business": "acme", "business_id": 4417,
          "created_at": ms, "operation_type": "access", "org": "acme", "org_id": 90311852,
          "request_id": "%04X:%04X:%06X:%06X:%08X" % (r.getrandbits(16), r.getrandbits(16),
                                                      r.getrandbits(24), r.getrandbits(24),
                                                      int(t.timestamp())),
          "user_agent": ua}
    if ip.startswith("10."):
        del ev["actor_location"]          # no geolocation for private addresses
    if token is not None:
        ev["hashed_token"] = hashed_token(token)
        ev["programmatic_access_type"] = access_type
        if token_id is not None:
            ev["token_id"] = token_id
        if scopes is not None:
            ev["token_scopes"] = scopes
    if repo is not None:
        ev["repo"] = "acme/" + repo
        ev["repository"] = "acme/" + repo
        ev["repository_public"] = False
    if extra:
        ev.update(extra)
    GH_EVENTS.append((t, len(GH_EVENTS), ev))


# --------------------------------------------------------------------------------------------
# nginx: edge-01, the shared reverse proxy in front of git.acme.example (GitHub Enterprise
# Server), gitlab.acme.example, the npm registry, Grafana and a few small APIs. All server
# blocks log to the default access.log, rotated daily at local midnight (dateext).
# --------------------------------------------------------------------------------------------

NGINX_UA_GH = "GitHub CLI 2.62.0"
NGINX_UA_GIT = "git/2.47.1"
BROWSERS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.0 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.6723.58 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/129.0.0.0 Safari/537.36 Edg/129.0.0.0",
]


def nginx_escape(s):
    out = []
    for ch in s:
        o = ord(ch)
        if ch in '"\\' or o < 0x20 or o >= 0x7f:
            out.append("".join("\\x%02X" % b for b in ch.encode("utf-8")))
        else:
            out.append(ch)
    return "".join(out)


def rt(r, mean=-3.2, sd=0.9):
    return max(0.001, min(r.lognormvariate(mean, sd), 30.0))


class Nginx:
    def __init__(self, keys):
        self.k = keys
        self.r = rng("nginx")
        self.reqs = []   # (t, seq, dict)

    def add(self, t, ip, method, path, status, size, ua, auth=None, user=None, ref="-",
            proto="HTTP/1.1", reqtime=None, raw_request=None):
        if not in_range(t):
            return
        if user is None and auth and auth.startswith("Basic "):
            try:
                user = base64.b64decode(auth[6:]).decode().split(":", 1)[0]
            except Exception:
                user = None
        d = {"ip": ip, "user": user or "-", "req": raw_request if raw_request is not None
             else "%s %s %s" % (method, path, proto), "status": status, "size": size,
             "ref": ref, "ua": ua, "rt": reqtime if reqtime is not None else rt(self.r),
             "auth": auth}
        self.reqs.append((t, len(self.reqs), d))

    # --- actors -----------------------------------------------------------------------------

    def mkoch(self, d):
        """Marta Koch, Berlin: GitHub CLI + git over HTTPS with her classic PAT."""
        r, k = self.r, self.k
        pat = k.pat_mkoch
        if weekday(d):
            n_sessions = r.randint(5, 9)
            times = local_window(r, d, berlin_h(d), 8.5, 18.5, n_sessions)
            ips = [ip_in(r, "ber_office", 14)] * 4 + [ip_in(r, "ber_office", 15),
                                                       ip_in(r, "ber_office6", 0x14)]
        else:
            n_sessions = r.randint(1, 2)
            times = local_window(r, d, berlin_h(d), 10, 22, n_sessions)
            ips = [ip_in(r, "ber_home", 77)]
        mine = ["api", "web", "payments-service", "design-system"]
        for t0 in times:
            ip = r.choice(ips)
            t = t0
            for _ in range(r.randint(2, 6)):
                t += timedelta(seconds=r.uniform(2, 240))
                self.gh_cli_call(t, ip, pat, r.choice(mine))
            if r.random() < 0.7:
                t += timedelta(seconds=r.uniform(5, 600))
                self.git_op(t, ip, "mkoch", pat, r.choice(mine),
                            push=r.random() < 0.3, ua=NGINX_UA_GIT, actor="mkoch",
                            access="Personal access token (classic)", token_id=871245563,
                            scopes="repo, read:org, workflow, gist", cc="DE")

    def gh_cli_call(self, t, ip, pat, repo, actor="mkoch", cc="DE", ua=NGINX_UA_GH,
                    scheme="token"):
        r = self.r
        n = r.randint(1800, 2400)
        choices = [
            ("GET", "/api/v3/repos/acme/%s/pulls?state=open&per_page=30" % repo, 200,
             (9000, 42000)),
            ("GET", "/api/v3/repos/acme/%s/pulls/%d" % (repo, n), 200, (6000, 14000)),
            ("GET", "/api/v3/repos/acme/%s/pulls/%d/comments?per_page=100" % (repo, n), 200,
             (2000, 30000)),
            ("POST", "/api/graphql", 200, (1200, 18000)),
            ("GET", "/api/v3/repos/acme/%s/actions/runs?per_page=20&branch=main" % repo, 200,
             (8000, 40000)),
            ("GET", "/api/v3/repos/acme/%s/issues?state=open&per_page=30" % repo, 304, (0, 0)),
            ("GET", "/api/v3/repos/acme/%s/commits/main/check-runs" % repo, 200, (3000, 12000)),
            ("GET", "/api/v3/user", 200, (1300, 1500)),
        ]
        method, path, status, (lo, hi) = r.choice(choices)
        if status == 200 and r.random() < 0.02:
            status, lo, hi = 404, 100, 120
        size = r.randint(lo, hi) if hi else 0
        self.add(t, ip, method, path, status, size, ua, auth="%s %s" % (scheme, pat),
                 reqtime=rt(r, -2.5, 0.8))
        gh_event(rng("ghev:%s" % t.isoformat()), t, "api.request", actor, ip, cc, ua, token=pat,
                 access_type="Personal access token (classic)", token_id=871245563,
                 scopes="repo, read:org, workflow, gist",
                 repo=repo if "/repos/" in path else None,
                 extra={"request_method": method, "url_path": path.split("?")[0],
                        "status_code": status, "request_category": "api"})

    def git_op(self, t, ip, user, token, repo, push, ua, actor, access, token_id, scopes, cc,
               first_401=True, user_is_token=False, clone=False):
        r = self.r
        svc = "git-receive-pack" if push else "git-upload-pack"
        auth = basic(user, token) if not user_is_token else basic(token, "")
        if first_401:
            self.add(t, ip, "GET", "/acme/%s.git/info/refs?service=%s" % (repo, svc), 401, 90,
                     ua, reqtime=0.004)
            t += timedelta(milliseconds=r.randint(150, 900))
        self.add(t, ip, "GET", "/acme/%s.git/info/refs?service=%s" % (repo, svc), 200,
                 r.randint(900, 9000), ua, auth=auth, reqtime=rt(r, -3, 0.5))
        t += timedelta(milliseconds=r.randint(200, 1500))
        big = r.randint(2000, 400000) if not push else r.randint(300, 2000)
        self.add(t, ip, "POST", "/acme/%s.git/%s" % (repo, svc), 200, big, ua, auth=auth,
                 reqtime=rt(r, -1, 0.7))
        gh_event(None, t, "git.push" if push else "git.clone" if clone else "git.fetch",
                 actor, ip, cc, ua, token=token, access_type=access, token_id=token_id,
                 scopes=scopes, repo=repo,
                 extra={"transport_protocol": 1, "transport_protocol_name": "http",
                        "repository_id": 700000000 + REPOS.index(repo)})
        return t

    def ci(self, d):
        """acme-ci runners (Ashburn cloud, Frankfurt DC): one GitHub App token per job."""
        r, k = self.r, self.k
        jobs = []
        if weekday(d):
            jobs += local_window(r, d, berlin_h(d), 7, 20, r.randint(8, 16))
        jobs += local_window(r, d, berlin_h(d), 2, 2.5, r.randint(1, 2))    # nightly
        for t in jobs:
            tok = secret("github", gh_checksummed(r, "ghs_"))
            net = "iad_cloud" if r.random() < 0.75 else "fra_dc"
            ip = ip_in(r, net)
            repo = r.choice(REPOS)
            sha = rand_str(r, HEX, 40)
            ua_oct = "octokit-rest.js/21.0.2 octokit-core.js/6.1.2 Node.js/20.18.0 (linux; x64)"
            t = self.git_op(t, ip, "x-access-token", tok, repo, False, "git/2.46.2",
                            "acme-ci[bot]", "GitHub App server-to-server token", None, None,
                            "US" if net == "iad_cloud" else "DE", first_401=False)
            t += timedelta(seconds=r.uniform(5, 40))
            self.add(t, ip, "POST", "/api/v3/repos/acme/%s/statuses/%s" % (repo, sha), 201,
                     r.randint(1500, 1700), ua_oct, auth="Bearer " + tok)
            t += timedelta(seconds=r.uniform(1, 5))
            run = r.randint(31000000000, 31999999999)
            self.add(t, ip, "POST", "/api/v3/repos/acme/%s/check-runs" % repo, 201,
                     r.randint(2500, 3200), ua_oct, auth="Bearer " + tok)
            if r.random() < 0.5:
                t += timedelta(seconds=r.uniform(3, 30))
                self.add(t, ip, "GET", "/npm/@acme%2fdesign-tokens", 200, r.randint(4000, 9000),
                         "npm/10.9.0 node/v20.18.0 linux x64 workspaces/false ci/github-actions",
                         auth="Bearer " + k.npm_ci)
                self.add(t + timedelta(seconds=1), ip, "GET",
                         "/npm/@acme%2fdesign-tokens/-/design-tokens-2.8.1.tgz", 200,
                         r.randint(40000, 90000),
                         "npm/10.9.0 node/v20.18.0 linux x64 workspaces/false ci/github-actions",
                         auth="Bearer " + k.npm_ci)
            t += timedelta(seconds=r.uniform(120, 900))
            ok = r.random() < 0.88
            self.add(t, ip, "PATCH", "/api/v3/repos/acme/%s/check-runs/%d" % (repo, run), 200,
                     r.randint(2500, 3200), ua_oct, auth="Bearer " + tok)
            if not ok:
                self.add(t + timedelta(seconds=1), ip, "POST",
                         "/api/v3/repos/acme/%s/issues/%d/comments" % (repo, r.randint(1800, 2400)),
                         201, r.randint(1800, 2400), ua_oct, auth="Bearer " + tok)

    def jenkins(self, d):
        """Legacy Jenkins integration: OAuth token in the query string, every 30 minutes."""
        r, k = self.r, self.k
        ip = ip_in(r, "int_fra", 3 * 256 + 17)
        for i in range(48):
            t = at(d, 0, i * 30, r.uniform(0, 20))
            repo = ["api", "ledger", "billing-worker"][i % 3]
            path = "/api/v3/repos/acme/%s/commits?sha=main&per_page=1&access_token=%s" % (
                repo, k.oauth_jenkins)
            status = 200 if r.random() > 0.01 else 502
            self.add(t, ip, "GET", path, status, r.randint(3900, 4300) if status == 200 else 157,
                     "okhttp/4.12.0")
            if i % 4 == 0:
                gh_event(rng("ghj:%s" % t.isoformat()), t, "api.request", "jenkins-acme", ip, "DE",
                         "okhttp/4.12.0", token=k.oauth_jenkins, access_type="OAuth access token",
                         token_id=55100321, scopes="repo:status, read:org", repo=repo,
                         extra={"request_method": "GET", "url_path": path.split("?")[0],
                                "status_code": status, "request_category": "api",
                                "oauth_application": "Jenkins (acme)"})

    def release_bot(self, d):
        r, k = self.r, self.k
        if d.weekday() not in (1, 3):
            return
        ip = ip_in(r, "sfo_office", 6)
        ua = "release-please/16.15.0 octokit-core.js/5.2.0 Node.js/20.18.0 (linux; x64)"
        t = at(d, 17, r.randint(0, 50), r.uniform(0, 59))
        for repo in r.sample(["api", "sdk-python", "sdk-node", "helm-charts"], 2):
            rel = r.randint(180000000, 189999999)
            for method, path, status in [
                ("GET", "/api/v3/repos/acme/%s/releases/latest" % repo, 200),
                ("GET", "/api/v3/repos/acme/%s/compare/v3.%d.0...main"
                 % (repo, r.randint(1, 30)), 200),
                ("POST", "/api/v3/repos/acme/%s/git/refs" % repo, 201),
                ("POST", "/api/v3/repos/acme/%s/releases" % repo, 201),
                ("POST", "/api/uploads/repos/acme/%s/releases/%d/assets?name=checksums.txt"
                 % (repo, rel), 201),
                ("PATCH", "/api/v3/repos/acme/%s/releases/%d" % (repo, rel), 200),
            ]:
                t += timedelta(seconds=r.uniform(0.3, 4))
                self.add(t, ip, method, path, status, r.randint(1200, 24000), ua,
                         auth="Bearer " + k.finegrained_release)
                gh_event(rng("ghr:%s" % t.isoformat()), t, "api.request", "release-bot", ip, "US",
                         ua, token=k.finegrained_release,
                         access_type="Fine-grained personal access token", token_id=1290331,
                         repo=repo, extra={"request_method": method,
                                           "url_path": path.split("?")[0],
                                           "status_code": status, "request_category": "api"})

    def gitlab(self, d):
        r, k = self.r, self.k
        if not weekday(d):
            return
        mon = ip_in(r, "lon_office", 12)
        for h in range(8, 19):
            t = at(d, h - (1 if d < date(2026, 10, 25) else 0), 2, r.uniform(0, 30))
            self.add(t, mon, "GET", "/api/v4/projects/42/pipelines?status=failed&per_page=20"
                     "&private_token=" + k.glpat_monitor, 200, r.randint(800, 6000),
                     "python-httpx/0.27.2")
        dev = ip_in(r, "lon_office", 22)
        ua = "glab/1.48.0 (linux, amd64)"
        for t in local_window(r, d, 1 if d < date(2026, 10, 25) else 0, 9, 18, r.randint(4, 14)):
            method, path, status = r.choice([
                ("GET", "/api/v4/projects/acme%2Fbackend/merge_requests?state=opened&per_page=30",
                 200),
                ("GET", "/api/v4/user", 200),
                ("GET", "/api/v4/projects/acme%2Fbackend/pipelines?ref=main&per_page=5", 200),
                ("POST", "/api/v4/projects/acme%%2Fbackend/merge_requests/%d/notes"
                 % r.randint(300, 420), 201),
                ("GET", "/api/v4/projects/acme%%2Fbackend/jobs/%d/trace"
                 % r.randint(10**6, 2 * 10**6),
                 200),
            ])
            self.add(t, dev, method, path, status, r.randint(500, 30000), ua,
                     auth="Bearer " + k.glpat_jwright)

    def npm_dev(self, d):
        r, k = self.r, self.k
        if not weekday(d):
            return
        ip = ip_in(r, "waw", 5)
        ua = "npm/10.9.0 node/v22.11.0 darwin arm64 workspaces/false"
        for t in local_window(r, d, 2 if d < date(2026, 10, 25) else 1, 9, 17, r.randint(0, 3)):
            for pkg in r.sample(["@acme%2fui-kit", "@acme%2fdesign-tokens", "@acme%2fapi-client",
                                 "@acme%2feslint-config"], r.randint(1, 3)):
                t += timedelta(milliseconds=r.randint(20, 400))
                st = 200 if r.random() < 0.7 else 304
                self.add(t, ip, "GET", "/npm/" + pkg, st,
                         r.randint(3000, 20000) if st == 200 else 0,
                         ua, auth="Bearer " + k.npm_pnowak)

    def maps(self, d):
        """Static-maps proxy: the browser key is public by design and used from everywhere."""
        r, k = self.r, self.k
        for t in diurnal(r, d, 0, r.randint(20, 45), peak=13, spread=6):
            net = r.choice(BROWSER_NETS)
            lat, lon = r.choice([("52.5200", "13.4050"), ("51.5072", "-0.1276"),
                                 ("40.7128", "-74.0060")])
            path = ("/maps/api/staticmap?center=%s%%2C%s&zoom=13&size=640x320&scale=2"
                    "&markers=color%%3Ared%%7C%s%%2C%s&key=%s" % (lat, lon, lat, lon,
                                                                  k.maps_browser))
            self.add(t, ip_in(r, net), "GET", path, 200, r.randint(38000, 91000),
                     r.choice(BROWSERS), ref="https://www.acme.example/contact")

    def metrics(self, d):
        r, k = self.r, self.k
        for i in range(48):
            t = at(d, 0, i * 30 + 1, r.uniform(0, 5))
            frm = int(t.timestamp()) // 1800 * 1800 - 1800
            self.add(t, ip_in(r, "iad_cloud", 41 + (i % 2)), "GET",
                     "/api/v1/metrics/export?api_key=%s&from=%d&to=%d" % (
                         k.metrics_api_key, frm, frm + 1800), 200, r.randint(20000, 26000),
                     "statuspoller/2.3 (+https://status.example.net/bot)")

    def grafana(self, d):
        r, k = self.r, self.k
        ua = BROWSERS[0]
        if weekday(d):
            ip = ip_in(r, "ber_office", 21)
            for t in local_window(r, d, berlin_h(d), 9, 17.5, r.randint(6, 20)):
                method, path = r.choice([
                    ("GET", "/grafana/api/dashboards/uid/edge-overview"),
                    ("POST", "/grafana/api/ds/query?ds_type=prometheus"),
                    ("GET", "/grafana/api/search?query=&starred=false"),
                    ("GET", "/grafana/public/build/runtime.8f3c1e9a.js"),
                ])
                self.add(t, ip, method, path, 200, r.randint(900, 60000), ua,
                         auth=basic("ops-readonly", k.grafana_ro_pw),
                         ref="https://edge.acme.example/grafana/d/edge-overview")
        t = at(d, 4 - berlin_h(d), r.randint(0, 5), r.uniform(0, 59))
        self.add(t, ip_in(r, "fra_dc", 5), "GET", "/grafana/api/health", 200, 70,
                 "curl/7.88.1", auth=basic("deploy", k.grafana_deploy_pw))

    def internal_tool(self, d):
        r, k = self.r, self.k
        ip = ip_in(r, "int_fra", 2 * 256 + 8)
        for i in range(48):
            t = at(d, 0, i * 30 + 7, r.uniform(0, 50))
            self.add(t, ip, "GET", "/api/internal/deploys?env=prod&limit=20", 200,
                     r.randint(4000, 7000), "deploy-dashboard/0.9.4 (+go1.23.2)",
                     auth="Bearer " + k.deploy_dash)

    def healthz(self, d):
        r = self.r
        for i in range(96):
            for host in (5, 6):
                t = at(d, 0, i * 15, host * 3 + r.uniform(0, 1))
                self.add(t, ip_in(r, "int_fra", host), "GET", "/healthz", 200, 2,
                         "kube-probe/1.31", reqtime=0.001)

    def scanners(self, d):
        r = self.r
        paths = ["/.env", "/wp-login.php", "/.git/config", "/phpmyadmin/index.php",
                 "/actuator/env", "/server-status", "/.aws/credentials", "/config.json",
                 "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php", "/api/v3/meta",
                 "/boaform/admin/formLogin", "/owa/auth/logon.aspx", "/.DS_Store"]
        uas = ["Mozilla/5.0 zgrab/0.x", "curl/7.88.1", "Go-http-client/1.1",
               "Mozilla/5.0 (compatible; CensysInspect/1.1; +https://about.censys.io/)",
               'Mozilla/5.0 "Nuclei" (+https://example.net/scanner)', "-"]
        fake_auth = [None, None, None, "Bearer null", "Bearer undefined", "Bearer ${TOKEN}",
                     "Basic Og==", "Bearer ", "token"]
        for t in sorted(at(d, r.uniform(0, 24)) for _ in range(r.randint(5, 18))):
            net = r.choice(BROWSER_NETS + ["sin_cloud", "ams_cloud", "iad_cloud"])
            path = r.choice(paths)
            st = 404 if path != "/api/v3/meta" else 200
            self.add(t, ip_in(r, net), "GET", path, st, r.randint(150, 600), r.choice(uas),
                     auth=r.choice(fake_auth))

    def lookalike(self, d):
        if d != date(2026, 10, 22):
            return
        r, k = self.r, self.k
        ip = ip_in(r, "lon_office", 22)
        for s in (0, 7):
            t = at(d, 10, 41, 12 + s)
            self.add(t, ip, "GET", "/api/v3/user", 401, 131, "curl/8.7.1",
                     auth="token " + k.pat_lookalike)

    # --- the planted misuse -----------------------------------------------------------------

    def attack(self):
        """2026-11-04 03:14 Berlin time: Marta's PAT used from a VPS in Bucharest."""
        r, k = rng("attack-gh"), self.k
        ip = ip_in(r, "attacker", 5)          # 203.0.113.213
        pat = k.pat_mkoch
        py = "python-requests/2.32.3"
        t = ATTACK_START

        def call(method, path, status, size, ua=py, scheme="token", auth=True):
            nonlocal t
            t += timedelta(seconds=r.uniform(0.2, 2.5))
            self.add(t, ip, method, path, status, size, ua,
                     auth=("%s %s" % (scheme, pat)) if auth else None, reqtime=rt(r, -2.3, 0.6))
            if auth:
                gh_event(rng("gha:%s:%s" % (t.isoformat(), path)), t, "api.request", "mkoch", ip,
                         "RO", ua, token=pat, access_type="Personal access token (classic)",
                         token_id=871245563, scopes="repo, read:org, workflow, gist",
                         repo=path.split("/")[5] if path.startswith("/api/v3/repos/acme/")
                         else None,
                         extra={"request_method": method, "url_path": path.split("?")[0],
                                "status_code": status, "request_category": "api"})

        call("GET", "/api/v3/user", 200, 1411)
        call("GET", "/api/v3/user/orgs", 200, 932)
        call("GET", "/api/v3/user/repos?per_page=100&page=1", 200, 96210)
        call("GET", "/api/v3/orgs/acme", 200, 1530)
        for p in (1, 2, 3):
            call("GET", "/api/v3/orgs/acme/members?per_page=100&page=%d" % p, 200,
                 r.randint(60000, 90000) if p < 3 else 21877)
        for p in (1, 2):
            call("GET", "/api/v3/orgs/acme/repos?type=all&per_page=100&page=%d" % p, 200,
                 r.randint(150000, 260000))
        call("GET", "/api/v3/orgs/acme/teams?per_page=100", 200, 18220)
        for path in ("/api/v3/orgs/acme/hooks", "/api/v3/orgs/acme/actions/secrets",
                     "/api/v3/orgs/acme/audit-log", "/api/v3/orgs/acme/credential-authorizations",
                     "/api/v3/admin/users", "/api/v3/enterprise/settings/license"):
            call("GET", path, 403, r.randint(180, 260))
        for repo in REPOS:
            call("GET", "/api/v3/repos/acme/%s/actions/secrets" % repo, 403, 214)
            if r.random() < 0.5:
                call("GET", "/api/v3/repos/acme/%s/contents/.env" % repo, 404, 118)
        for q in ("AWS_SECRET_ACCESS_KEY", "password", "BEGIN+RSA+PRIVATE+KEY", "sk_live_"):
            call("GET", "/api/v3/search/code?q=org%%3Aacme+%s&per_page=100" % q, 200,
                 r.randint(2000, 90000))
        for path in ("/api/v3/orgs/acme/members", "/api/v3/orgs/acme/repos"):
            call("GET", path, 401, 131, ua="curl/8.5.0", auth=False)
        call("GET", "/api/v3/orgs/acme/members?filter=2fa_disabled", 200, 4410, ua="curl/8.5.0",
             scheme="Bearer")
        # clones with the token as the user name (https://TOKEN@host/...): lands in %u too
        t += timedelta(seconds=40)
        for repo in ["infra", "terraform-modules", "auth-service", "payments-service", "ledger",
                     "helm-charts", "data-pipeline", "api", "billing-worker", "mobile-app",
                     "sdk-python", "docs"]:
            t += timedelta(seconds=r.uniform(4, 30))
            t = self.git_op(t, ip, "", pat, repo, False, "git/2.45.2", "mkoch",
                            "Personal access token (classic)", 871245563,
                            "repo, read:org, workflow, gist", "RO", first_401=True,
                            user_is_token=True, clone=True)
        # persistence: an SSH key added to Marta's account
        t += timedelta(seconds=55)
        call("POST", "/api/v3/user/keys", 201, 612, ua="curl/8.5.0", scheme="Bearer")
        gh_event(rng("gh-key"), t + timedelta(milliseconds=80), "public_key.create", "mkoch", ip,
                 "RO", "curl/8.5.0", token=pat, access_type="Personal access token (classic)",
                 token_id=871245563, scopes="repo, read:org, workflow, gist",
                 extra={"operation_type": "create", "title": "deploy",
                        "fingerprint": "SHA256:" + b64url(r.getrandbits(256).to_bytes(32, "big")),
                        "read_only": False})
        call("GET", "/api/v3/user/keys", 200, 1208, ua="curl/8.5.0", scheme="Bearer")

    def build(self):
        for d in days():
            for f in (self.healthz, self.mkoch, self.ci, self.jenkins, self.release_bot,
                      self.gitlab, self.npm_dev, self.maps, self.metrics, self.grafana,
                      self.internal_tool, self.scanners, self.lookalike):
                f(d)
        self.attack()
        self.reqs.sort(key=lambda x: (x[0], x[1]))

    # --- files ------------------------------------------------------------------------------

    @staticmethod
    def line(t, d, extended):
        off = berlin_offset(t)
        lt = t + off
        ts = lt.strftime("%d/%b/%Y:%H:%M:%S") + (" +0200" if off.seconds == 7200 else " +0100")
        s = '%s - %s [%s] "%s" %d %d "%s" "%s"' % (
            d["ip"], nginx_escape(d["user"]), ts, nginx_escape(d["req"]), d["status"], d["size"],
            nginx_escape(d["ref"]), nginx_escape(d["ua"]))
        if extended:
            s += ' %.3f "%s"' % (d["rt"], nginx_escape(d["auth"]) if d["auth"] else "-")
        return s + "\n"

    def write(self, out):
        by_day = {}
        for t, _, d in self.reqs:
            ld = (t + berlin_offset(t)).date()
            by_day.setdefault(ld, []).append(self.line(t, d, ld >= date(2026, 10, 14)))
        r = rng("nginx-files")
        files = []
        for ld in sorted(by_day):
            lines = by_day[ld]
            body = "".join(lines).encode()
            if ld == date(2026, 10, 15):
                # a writer killed mid-line, and later a crash that left NUL padding and garbage
                k = len(lines) // 3
                half = lines[k][: len(lines[k]) // 2] + "\n"
                junk = b"\x00" * 700 + bytes(r.getrandbits(8) for _ in range(300)) + b"\n"
                body = ("".join(lines[:k]) + half + "".join(lines[k + 1: 2 * k])).encode() \
                    + junk + "".join(lines[2 * k:]).encode()
            if ld == date(2026, 10, 18):
                k = len(lines) // 3
                ts = lines[k].split("[", 1)[1].split("]", 1)[0]
                bad = [
                    '203.0.113.181 - - [' + ts + '] "\\x16\\x03\\x01\\x02\\x00'
                    '\\x01\\x00\\x01\\xFC\\x03\\x03\\xA7\\x1E" 400 157 "-" "-" 0.001 "-"\n',
                    '203.0.113.181 - - [' + ts + '] "-" 400 0 "-" "-" 0.000 "-"\n',
                    '198.51.100.201 - - [' + ts + '] "GET /index.html HTTP/1.1'
                    ' extra" 400 157 "-" "-" 0.000 "-"\n',
                    '198.51.100.201 - - [' + ts + '] "\\x05\\x01\\x00" 400 157 '
                    '"-" "-" 0.000 "-"\n',
                    "this is not an access log line at all\n",
                    '192.0.2.14 - - [' + ts + '] "GET /api/v3/user HTTP/1.1" 200 '
                    '"-" "GitHub CLI 2.62.0"\n',
                ]
                body = "".join(lines[:k] + bad + lines[k:]).encode()
            if ld == date(2026, 10, 22):
                k = len(lines) // 2
                ts = lines[k].split("[", 1)[1].split("]", 1)[0]
                big = ('198.51.100.77 - - [' + ts + '] "GET /search?q='
                       + "A" * (1 << 20) + '%2F' + "B" * 150000
                       + ' HTTP/1.1" 414 0 "-" "Mozilla/5.0 zgrab/0.x" 0.000 "-"\n')
                body = "".join(lines[:k] + [big] + lines[k:]).encode()
            nd = ld + timedelta(days=1)
            if ld == END.date():
                name, data = "access.log", body
            else:
                name = "access.log-%s.gz" % nd.strftime("%Y%m%d")
                if ld == date(2026, 10, 27):
                    # two members, the split falling inside a line (cat a.gz b.gz)
                    cut = body.index(b"\n", len(body) // 2) - 25
                    data = gz_bytes(body[:cut], 6) + gz_bytes(body[cut:], 9)
                elif ld == date(2026, 10, 20):
                    full = gz_bytes(body)
                    data = full[: int(len(full) * 0.55)]
                else:
                    data = gz_bytes(body)
            write(os.path.join(out, "nginx", name), data)
            files.append(name)
        return files


# --------------------------------------------------------------------------------------------
# Kong: api.acme.example, Acme's payments API. file-log plugin, one JSON object per line.
# Kong >= 2.1 writes "authorization":"REDACTED"; this deployment restores the header with
# custom_fields_by_lua from 2026-10-12 09:30Z on (the earlier lines keep REDACTED).
# --------------------------------------------------------------------------------------------

class JwtClient:
    def __init__(self, name, alg, signer, kid, ttl, scope):
        self.name, self.alg, self.signer, self.kid, self.ttl, self.scope = \
            name, alg, signer, kid, ttl, scope
        self.current = None   # (token, iat, exp)

    def token_at(self, r, t, force_new=False):
        ts = int(t.timestamp())
        if force_new or self.current is None or ts >= self.current[2] - 60:
            iat = ts - r.randint(0, 3)
            hdr = {"alg": self.alg, "typ": "JWT"}
            if self.kid:
                hdr["kid"] = self.kid
            payload = {"iss": "https://auth.acme.example/", "sub": self.name,
                       "aud": "https://api.acme.example", "iat": iat, "nbf": iat,
                       "exp": iat + self.ttl, "jti": rand_uuid(r), "client_id": self.name,
                       "scope": self.scope}
            tok = jwt_encode(hdr, payload, self.signer)
            self.current = (secret("jwt", tok), iat, iat + self.ttl)
        return self.current[0]


class Kong:
    HOST = "api.acme.example"

    def __init__(self, keys):
        self.k = keys
        self.r = rng("kong")
        ids = rng("kong-ids")
        self.ws = rand_uuid(ids)
        self.service = {"id": rand_uuid(ids), "name": "payments", "host": "payments.svc.internal",
                        "port": 8080, "protocol": "http", "path": "/", "retries": 5,
                        "connect_timeout": 60000, "read_timeout": 60000, "write_timeout": 60000,
                        "enabled": True, "ws_id": self.ws, "created_at": 1751014512,
                        "updated_at": 1759308211, "tags": ["payments", "prod"]}
        self.routes = {}
        for name, paths in (("payments-v1", ["/v1"]), ("internal-ledger", ["/v1/internal"])):
            self.routes[name] = {"id": rand_uuid(ids), "name": name, "paths": paths,
                                 "protocols": ["https"], "strip_path": False,
                                 "preserve_host": False, "https_redirect_status_code": 426,
                                 "regex_priority": 0, "path_handling": "v0",
                                 "request_buffering": True, "response_buffering": True,
                                 "service": {"id": self.service["id"]}, "ws_id": self.ws,
                                 "created_at": 1751014530, "updated_at": 1759308240, "tags": []}
        self.consumers = {}
        for name in ("nordwind-shop", "sunrise-travel", "bluefin-analytics", "storefront-js",
                     "acme-dev-sandbox", "svc-ledger", "kestrel-logistics", "svc-reporting"):
            self.consumers[name] = {"id": rand_uuid(ids), "username": name,
                                    "created_at": 1751100000 + ids.randrange(10**7),
                                    "updated_at": 1759300000, "type": 0, "tags": None,
                                    "custom_id": None, "username_lower": name}
        jr = rng("jwt-keys")
        self.rsa = RSAKey(jr)
        self.jwt = {
            "svc-ledger": JwtClient("svc-ledger", "HS256", hs256_signer(keys.jwt_hs_secret), None,
                                    3600, "ledger:read ledger:write"),
            "kestrel-logistics": JwtClient("kestrel-logistics", "RS256", self.rsa.sign,
                                           "auth-2026-09", 3600, "payouts:write transfers:read"),
            "svc-reporting": JwtClient("svc-reporting", "RS256", self.rsa.sign, "auth-2026-09",
                                       900, "reports:run"),
        }
        self.recs = []   # (t, seq, line)

    def rec(self, t, ip, method, uri, status, ua, consumer=None, auth=None, apikey=None,
            route="payments-v1", body_size=0, resp_size=None, extra_headers=None):
        r = self.r
        if not in_range(t):
            return
        rid = rand_str(r, HEX, 32)
        qs = {}
        if "?" in uri:
            for kv in uri.split("?", 1)[1].split("&"):
                kk, _, vv = kv.partition("=")
                qs[kk.replace("%5B", "[").replace("%5D", "]")] = vv
        headers = {"host": self.HOST, "user-agent": ua, "accept": "application/json",
                   "x-forwarded-for": ip, "x-forwarded-proto": "https",
                   "x-request-id": rand_uuid(r)}
        if method in ("POST", "PATCH"):
            headers["content-type"] = "application/x-www-form-urlencoded"
            headers["content-length"] = str(body_size or r.randint(80, 900))
            headers["idempotency-key"] = rand_uuid(r)
        if auth is not None:
            headers["authorization"] = auth if t >= datetime(2026, 10, 12, 9, 30, tzinfo=UTC) \
                else "REDACTED"
        if apikey is not None:
            headers["apikey"] = apikey
        if extra_headers:
            headers.update(extra_headers)
        from_kong = status in (401, 403, 429) and consumer is None
        kong_lat = r.randint(0, 3)
        proxy_lat = 0 if from_kong else int(rt(r, -3.0, 0.7) * 1000)
        size = resp_size if resp_size is not None else (r.randint(600, 4200) if status < 300
                                                        else r.randint(180, 420))
        rh = {"content-type": "application/json", "content-length": str(size - 350 if size > 700
                                                                         else size),
              "connection": "close",
              "date": (t + timedelta(milliseconds=kong_lat + proxy_lat)).strftime(
                  "%a, %d %b %Y %H:%M:%S GMT"),
              "x-kong-request-id": rid}
        if not from_kong:
            rh.update({"x-kong-upstream-latency": str(proxy_lat),
                       "x-kong-proxy-latency": str(kong_lat), "via": "1.1 kong/3.8.0.0",
                       "request-id": "req_" + rand_str(r, ALNUM, 14)})
        else:
            rh["www-authenticate"] = 'Key realm="kong"' if apikey is not None else \
                'Bearer realm="kong"'
        started = int(t.timestamp() * 1000)
        o = {"response": {"size": size, "headers": rh, "status": status},
             "route": self.routes[route], "workspace": self.ws, "workspace_name": "default"}
        if not from_kong:
            o["tries"] = [{"balancer_start": started + kong_lat, "ip": "10.40.%d.%d" % (
                5, 11 + r.randrange(3)), "balancer_latency": 0, "port": 8080}]
        o["client_ip"] = ip
        o["request"] = {"id": rid, "headers": headers, "uri": uri.split("?")[0],
                        "size": int(headers.get("content-length", "0")) + r.randint(300, 700),
                        "method": method, "querystring": qs,
                        "url": "https://%s:443%s" % (self.HOST, uri)}
        o["started_at"] = started
        if not from_kong:
            o["upstream_status"] = str(status)
            o["upstream_uri"] = uri
        o["latencies"] = {"kong": kong_lat, "proxy": proxy_lat,
                          "request": kong_lat + proxy_lat + r.randint(0, 2), "receive": 0}
        o["service"] = self.service
        if consumer is not None:
            o["consumer"] = self.consumers[consumer]
            o["authenticated_entity"] = {"id": rand_uuid(rng("cred:" + consumer))}
        o["source"] = "kong" if from_kong else "upstream"
        line = jline(o).replace("/", "\\/")      # lua-cjson escapes every '/'
        self.recs.append((t, len(self.recs), line))

    def merchants(self, d):
        r, k = self.r, self.k
        nw_ips = [ip_in(r, "fra_dc", h) for h in (9, 10, 11)]
        ua_php = "AcmePay/v1 PhpBindings/15.8.0 PHP/8.3.12"
        for t in diurnal(r, d, berlin_h(d), r.randint(18, 32), peak=19, spread=3.5):
            pi = "pi_" + rand_str(r, ALNUM, 24)
            method, uri, status = r.choice([
                ("POST", "/v1/payment_intents", 200), ("POST", "/v1/payment_intents", 200),
                ("POST", "/v1/payment_intents/%s/confirm" % pi, 200),
                ("POST", "/v1/payment_intents/%s/confirm" % pi, 402),
                ("GET", "/v1/customers/cus_" + rand_str(r, ALNUM, 14), 200),
                ("POST", "/v1/refunds", 200),
                ("GET", "/v1/payment_intents?limit=10&customer=cus_" + rand_str(r, ALNUM, 14),
                 200)])
            self.rec(t, r.choice(nw_ips), method, uri, status, ua_php, "nordwind-shop",
                     auth="Bearer " + k.sk_nordwind)
        st_ips = [ip_in(r, "sin_cloud", h) for h in (10, 11, 12, 13)] + [ip_in(r, "sin6", 0x1a)]
        ua_node = "AcmePay/v1 NodeBindings/14.1.0 node/20.18.0"
        for t in diurnal(r, d, 8, r.randint(8, 18), peak=14, spread=4):
            method, uri, status = r.choice([
                ("POST", "/v1/charges", 200), ("POST", "/v1/charges", 402),
                ("GET", "/v1/charges/ch_" + rand_str(r, ALNUM, 24), 200),
                ("POST", "/v1/customers", 200), ("GET", "/v1/balance", 200)])
            self.rec(t, r.choice(st_ips), method, uri, status, ua_node, "sunrise-travel",
                     auth="Bearer " + k.sk_sunrise)
        ip = ip_in(r, "iad_cloud", 20)
        for h in range(0, 24, 2):
            t = at(d, h, 0, r.uniform(4, 9))
            gte = int(t.timestamp()) // 3600 * 3600 - 3600
            self.rec(t, ip, "GET", "/v1/balance_transactions?limit=100&created%%5Bgte%%5D=%d" % gte,
                     200, "bluefin-etl/1.8 python-httpx/0.27.2", "bluefin-analytics",
                     apikey=k.rk_bluefin, resp_size=r.randint(8000, 60000))
        for t in diurnal(r, d, 0, r.randint(8, 18), peak=15, spread=7):
            net = r.choice(BROWSER_NETS)
            method, uri = r.choice([("POST", "/v1/payment_methods"), ("POST", "/v1/tokens"),
                                    ("GET", "/v1/elements/sessions?key=%s&type=payment_intent"
                                     % k.pk_storefront)])
            self.rec(t, ip_in(r, net), method, uri, 200, r.choice(BROWSERS), "storefront-js",
                     auth="Bearer " + k.pk_storefront,
                     extra_headers={"origin": "https://shop.nordwind.example",
                                    "referer": "https://shop.nordwind.example/checkout"})
        if weekday(d):
            ip = ip_in(r, "ber_office", 31)
            for t in local_window(r, d, berlin_h(d), 9.5, 17.5, r.randint(3, 9)):
                method, uri, status = r.choice([
                    ("POST", "/v1/customers", 200), ("POST", "/v1/payment_intents", 200),
                    ("POST", "/v1/payment_intents", 400), ("GET", "/v1/events?limit=5", 200),
                    ("POST", "/v1/webhook_endpoints", 200)])
                self.rec(t, ip, method, uri, status,
                         r.choice(["PostmanRuntime/7.42.0", "curl/8.10.1"]), "acme-dev-sandbox",
                         auth="Bearer " + k.sk_test_dev)
        for t in sorted(at(d, r.uniform(0, 24)) for _ in range(r.randint(1, 4))):
            bad = r.choice([("apikey", "test"), ("apikey", "' OR 1=1--"),
                            ("authorization", "Bearer sk_live_xxxxxxxxxxxxxxxxxxxxxxxx"),
                            ("authorization", "Bearer")])
            self.rec(t, ip_in(r, r.choice(BROWSER_NETS)), "GET", "/v1/balance", 401,
                     "python-requests/2.31.0", None,
                     auth=bad[1] if bad[0] == "authorization" else None,
                     apikey=bad[1] if bad[0] == "apikey" else None)

    def jwt_clients(self, d):
        r = self.r
        led = self.jwt["svc-ledger"]
        ip = ip_in(r, "int_fra", 5 * 256 + 20)
        for h in range(24):
            t = at(d, h, 5, r.uniform(0, 20))
            if d == date(2026, 10, 29) and h == 14:
                # the ledger worker restarted with a cached, already expired token
                stale = led.current[0]
                for i in range(4):
                    self.rec(t + timedelta(seconds=70 * i + 95), ip, "GET",
                             "/v1/internal/ledger/entries?since=%d" % (int(t.timestamp()) - 3600),
                             401, "ledger-worker/2.4.1 (+go1.23.2)", None,
                             auth="Bearer " + stale, route="internal-ledger")
                t += timedelta(minutes=6)
            tok = led.token_at(r, t)
            for i in range(2 if h % 3 == 0 else 1):
                tt = t + timedelta(seconds=i * r.uniform(1, 20))
                method, uri = ("GET", "/v1/internal/ledger/entries?since=%d" % (
                    int(tt.timestamp()) - 3600)) if i == 0 else ("POST",
                                                                 "/v1/internal/ledger/reconcile")
                self.rec(tt, ip, method, uri, 200, "ledger-worker/2.4.1 (+go1.23.2)",
                         "svc-ledger", auth="Bearer " + tok, route="internal-ledger")
        kes = self.jwt["kestrel-logistics"]
        if weekday(d):
            ip = ip_in(r, "gru", 2)
            for t in local_window(r, d, -3, 8, 18, r.randint(5, 12)):
                tok = kes.token_at(r, t)
                method, uri = r.choice([("POST", "/v1/payouts"), ("GET", "/v1/transfers?limit=20"),
                                        ("GET", "/v1/payouts/po_" + rand_str(r, ALNUM, 24))])
                self.rec(t, ip, method, uri, 200, "kestrel-payouts/3.2 (Java/21.0.4)",
                         "kestrel-logistics", auth="Bearer " + tok)
        rep = self.jwt["svc-reporting"]
        ip = ip_in(r, "int_iad", 7 * 256 + 9)
        for h in range(0, 24, 4):
            t = at(d, h, 30, r.uniform(0, 60))
            tok = rep.token_at(r, t, force_new=True)
            self.rec(t, ip, "POST", "/v1/reports/run", 200,
                     "reporting-cron/1.0 python-httpx/0.27.2",
                     "svc-reporting", auth="Bearer " + tok)

    def alg_none(self):
        r = rng("kong-none")
        ip = ip_in(r, "par", 9)
        t = datetime(2026, 10, 30, 21, 47, 3, tzinfo=UTC)
        iat = int(t.timestamp())
        for hdr in ({"alg": "none", "typ": "JWT"}, {"alg": "None", "typ": "JWT"}):
            tok = secret("jwt", jwt_encode(hdr, {"iss": "https://auth.acme.example/",
                                                 "sub": "svc-ledger", "role": "admin",
                                                 "iat": iat, "exp": iat + 86400}, None))
            for uri in ("/v1/internal/ledger/entries?since=0", "/v1/balance"):
                t += timedelta(seconds=r.uniform(1, 6))
                self.rec(t, ip, "GET", uri, 401, "python-requests/2.31.0", None,
                         auth="Bearer " + tok,
                         route="internal-ledger" if "internal" in uri else "payments-v1")

    def build(self):
        for d in days():
            self.merchants(d)
            self.jwt_clients(d)
        self.alg_none()
        self.recs.sort(key=lambda x: (x[0], x[1]))

    def write(self, out):
        by_day = {}
        for t, _, line in self.recs:
            by_day.setdefault(t.date(), []).append(line + "\n")
        files = []
        for d in sorted(by_day):
            lines = by_day[d]
            if d == date(2026, 10, 17):
                # two workers' writes interleaved (writes over PIPE_BUF are not atomic)
                k = len(lines) // 2
                a, b = lines[k], lines[k + 1]
                lines[k:k + 2] = [a[:700] + b, a[700:]]
            if d == date(2026, 10, 24):
                k = len(lines) // 3
                lines[k:k] = ["\n", lines[k][: len(lines[k]) // 3] + "\n"]
            name = "kong-%s.json.gz" % d.isoformat()
            write(os.path.join(out, "kong", name), gz_bytes("".join(lines).encode()))
            files.append(name)
        return files


# --------------------------------------------------------------------------------------------
# Traefik: egress.acme.internal, the gateway internal services use to reach SaaS APIs (the
# prefix is stripped and the request forwarded). JSON access log with request headers kept.
# Rotated weekly; one rotation was compressed with zstd (compresscmd zstd).
# --------------------------------------------------------------------------------------------

def go_json(obj):
    """encoding/json: HTML-safe escaping of <, > and &."""
    return jline(obj).replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


class Traefik:
    def __init__(self, keys):
        self.k = keys
        self.r = rng("traefik")
        self.recs = []
        self.count = 0

    def rec(self, t, client, svc, method, path, status, ua, headers, resp_ct="application/json",
            req_size=0, resp_size=None, dur_ms=None):
        r = self.r
        if not in_range(t):
            return
        self.count += 1
        port = r.randint(32768, 60999)
        dur = int((dur_ms if dur_ms is not None else rt(r, -1.2, 0.8) * 1000) * 1e6)
        over = r.randint(90000, 900000)
        size = resp_size if resp_size is not None else r.randint(200, 5000)
        loc = t + berlin_offset(t)
        nanos = t.microsecond * 1000 + r.randrange(1000)
        o = {"ClientAddr": "%s:%d" % (client, port), "ClientHost": client, "ClientPort": str(port),
             "ClientUsername": "-", "DownstreamContentSize": size, "DownstreamStatus": status,
             "Duration": dur + over, "OriginContentSize": size, "OriginDuration": dur,
             "OriginStatus": status, "Overhead": over, "RequestAddr": "egress.acme.internal",
             "RequestContentSize": req_size, "RequestCount": self.count,
             "RequestHost": "egress.acme.internal", "RequestMethod": method,
             "RequestPath": path, "RequestPort": "-", "RequestProtocol": "HTTP/1.1",
             "RequestScheme": "https", "RetryAttempts": 0, "RouterName": svc + "@file",
             "ServiceAddr": SAAS[svc][0], "ServiceName": svc + "@file",
             "ServiceURL": "https://" + SAAS[svc][0],
             "StartLocal": loc.strftime("%Y-%m-%dT%H:%M:%S.") + "%09d" % nanos + (
                 "+02:00" if berlin_offset(t).seconds == 7200 else "+01:00"),
             "StartUTC": t.strftime("%Y-%m-%dT%H:%M:%S.") + "%09d" % nanos + "Z",
             "TLSCipher": "TLS_AES_128_GCM_SHA256", "TLSVersion": "1.3",
             "downstream_Content-Type": resp_ct, "entryPointName": "websecure",
             "level": "info", "msg": "", "origin_Content-Type": resp_ct}
        for hk, hv in headers.items():
            o["request_" + hk] = hv
        o["request_User-Agent"] = ua
        o["time"] = (t + timedelta(microseconds=(dur + over) // 1000)
                     ).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.recs.append((t, len(self.recs), go_json(o)))

    def build(self):
        r, k = self.r, self.k
        for d in days():
            if d == date(2026, 10, 28):
                self.count = 0        # traefik restarted (config upgrade): counter resets
            # support-bot: OpenAI, office-hours heavy
            ip = ip_in(r, "int_fra", 4 * 256 + 21)
            for t in diurnal(r, d, berlin_h(d), r.randint(10, 25), peak=13, spread=3):
                path = r.choice(["/openai/v1/chat/completions"] * 4 + ["/openai/v1/embeddings"])
                status = 200 if r.random() > 0.03 else r.choice([429, 500, 503])
                self.rec(t, ip, "openai", "POST", path, status, "OpenAI/Python 1.54.4",
                         {"Authorization": "Bearer " + k.openai,
                          "Content-Type": "application/json"},
                         req_size=r.randint(400, 9000), dur_ms=r.uniform(300, 9000))
            # summarizer: Anthropic, x-api-key header
            ip = ip_in(r, "int_iad", 2 * 256 + 9)
            for t in diurnal(r, d, -4, r.randint(4, 12), peak=11, spread=4):
                self.rec(t, ip, "anthropic", "POST", "/anthropic/v1/messages",
                         200 if r.random() > 0.04 else 529, "Anthropic/Python 0.39.0",
                         {"X-Api-Key": k.anthropic, "Anthropic-Version": "2023-06-01",
                          "Content-Type": "application/json"},
                         req_size=r.randint(2000, 30000), dur_ms=r.uniform(900, 20000))
            # alertmanager: Slack, bursts
            ip = ip_in(r, "int_fra", 1 * 256 + 5)
            for _ in range(r.randint(0, 4)):
                t0 = at(d, r.uniform(0, 24))
                self.rec(t0 - timedelta(seconds=1), ip, "slack", "GET",
                         "/slack/api/conversations.info?channel=C07ALRT2Q&include_locale=false",
                         200, "Python/3.12.7 slack_sdk/3.33.3 Linux/6.1.0-26-amd64",
                         {"Authorization": "Bearer " + k.slack}, dur_ms=r.uniform(60, 200))
                for i in range(r.randint(1, 8)):
                    t = t0 + timedelta(seconds=i * r.uniform(0.2, 3))
                    self.rec(t, ip, "slack", "POST", "/slack/api/chat.postMessage", 200,
                             "Python/3.12.7 slack_sdk/3.33.3 Linux/6.1.0-26-amd64",
                             {"Authorization": "Bearer " + k.slack,
                              "Content-Type": "application/json;charset=utf-8"},
                             req_size=r.randint(300, 3000), dur_ms=r.uniform(80, 400))
            # mailer: SendGrid, business hours
            ip = ip_in(r, "int_iad", 3 * 256 + 14)
            for t in diurnal(r, d, berlin_h(d), r.randint(6, 18), peak=11, spread=3):
                self.rec(t, ip, "sendgrid", "POST", "/sendgrid/v3/mail/send", 202,
                         "sendgrid/6.11.0;python", {"Authorization": "Bearer " + k.sendgrid,
                                                    "Content-Type": "application/json"},
                         resp_ct="", req_size=r.randint(1500, 12000), resp_size=0,
                         dur_ms=r.uniform(60, 300))
            # auth-service: Twilio SMS, 24/7, HTTP Basic with the API key sid and secret
            ip = ip_in(r, "int_iad", 3 * 256 + 30)
            for t in diurnal(r, d, 0, r.randint(6, 15), peak=15, spread=7):
                self.rec(t, ip, "twilio", "POST",
                         "/twilio/2010-04-01/Accounts/%s/Messages.json" % k.twilio_account, 201,
                         "twilio-python/9.3.7 (Linux x86_64) Python/3.12.7",
                         {"Authorization": basic(k.twilio_sid, k.twilio_secret),
                          "Content-Type": "application/x-www-form-urlencoded"},
                         req_size=r.randint(90, 200), dur_ms=r.uniform(120, 600))
        self.recs.sort(key=lambda x: (x[0], x[1]))

    def write(self, out):
        weeks = [(date(2026, 10, 19), "access.log-20261019.gz"),
                 (date(2026, 10, 26), "access.log-20261026.zst"),
                 (date(2026, 11, 2), "access.log-20261102.gz"),
                 (date(2026, 11, 9), "access.log")]
        files = []
        for i, (end, name) in enumerate(weeks):
            beg = weeks[i - 1][0] if i else date(2000, 1, 1)
            body = "".join(line + "\n" for t, _, line in self.recs
                           if beg <= t.date() < end).encode()
            if name.endswith(".gz"):
                data = gz_bytes(body)
            elif name.endswith(".zst"):
                data = zstd_bytes(body)
            else:
                data = body
            write(os.path.join(out, "traefik", name), data)
            files.append(name)
        return files


SAAS = {"openai": ("api.openai.com:443",), "anthropic": ("api.anthropic.com:443",),
        "slack": ("slack.com:443",), "sendgrid": ("api.sendgrid.com:443",),
        "twilio": ("api.twilio.com:443",)}


def zstd_bytes(data):
    exe = shutil.which("zstd")
    if exe is None:
        sys.exit("make_samples: the zstd command is needed for samples/traefik/*.zst")
    p = subprocess.run([exe, "-q", "-c", "-10", "--no-progress"], input=data,
                       stdout=subprocess.PIPE, check=True)
    return p.stdout


# --------------------------------------------------------------------------------------------
# Envoy: partners.acme.example ingress; JSON access log (json_format) with the request's
# Authorization header, fields rendered null when unavailable; ext_authz denials as UAEX.
# --------------------------------------------------------------------------------------------

class Envoy:
    def __init__(self, keys):
        self.k = keys
        self.r = rng("envoy")
        self.recs = []

    def rec(self, t, ip, method, path, status, ua, auth, flags="-", size=None):
        r = self.r
        if not in_range(t):
            return
        denied = flags == "UAEX"
        dur = r.randint(1, 4) if denied else int(rt(r, -3.0, 0.6) * 1000) + 1
        o = {"authority": "partners.acme.example", "authorization": auth,
             "bytes_received": 0 if method == "GET" else r.randint(200, 2400),
             "bytes_sent": size if size is not None else (r.randint(40, 90) if denied
                                                          else r.randint(400, 16000)),
             "downstream_remote_address": "%s:%d" % (("[%s]" % ip) if ":" in ip else ip,
                                                     r.randint(1024, 65535)),
             "duration": dur, "method": method, "path": path, "protocol": "HTTP/2",
             "request_id": rand_uuid(r), "response_code": status, "response_flags": flags,
             "start_time": t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000),
             "upstream_host": None if denied else "10.40.9.%d:8443" % r.randint(10, 13),
             "upstream_service_time": None if denied else str(max(1, dur - 1)),
             "user_agent": ua, "x_forwarded_for": None}
        self.recs.append((t, len(self.recs), jline(o, sort=True)))

    def build(self):
        r, k = self.r, self.k
        for d in days():
            ip = ip_in(r, "yyz", 14)
            for i in range(0, 24 * 60, 20):
                t = at(d, 0, i, r.uniform(0, 40))
                self.rec(t, ip, "GET", "/partner/v2/shipments?status=open&updated_since=%d" % (
                    int(t.timestamp()) - 1200), 200, "polaris-sync/4.0.2",
                    "Bearer " + k.partner_polaris)
            if weekday(d):
                ip = ip_in(r, "sea_cloud", 3)
                for t in local_window(r, d, -7, 8, 17, r.randint(6, 14)):
                    method, path = r.choice([("POST", "/partner/v2/rates/quote"),
                                             ("POST", "/partner/v2/labels"),
                                             ("GET", "/partner/v2/labels/lbl_%s.pdf"
                                              % rand_str(r, ALNUM, 16))])
                    self.rec(t, ip, method, path, 200 if method == "GET" else 201,
                             "maple-retail-integration/1.12 (+okhttp/4.12.0)",
                             "Bearer " + k.partner_maple)
            tok = k.partner_orbit_old if d < date(2026, 10, 28) else k.partner_orbit_new
            ip = ip_in(r, "syd", 8)
            for t in local_window(r, d, 11, 7, 19, r.randint(3, 8)):
                self.rec(t, ip, "GET", "/partner/v2/claims?page=1", 200, "orbit-claims/2.2",
                         "Bearer " + tok)
            if d == date(2026, 10, 28):
                # the partner's second worker still had the old token for a while
                for i in range(5):
                    t = at(d, 0, 5 + 9 * i, 10)
                    self.rec(t, ip_in(r, "syd", 9), "GET", "/partner/v2/claims?page=1", 401,
                             "orbit-claims/2.2", "Bearer " + k.partner_orbit_old, flags="UAEX")
            for t in sorted(at(d, r.uniform(0, 24)) for _ in range(r.randint(0, 3))):
                self.rec(t, ip_in(r, r.choice(BROWSER_NETS)), "GET", "/partner/v2/shipments", 401,
                         r.choice(["curl/8.5.0", "Go-http-client/2.0"]),
                         r.choice([None, "Bearer test", "Bearer eyJhbGciOi"]), flags="UAEX")
        self.recs.sort(key=lambda x: (x[0], x[1]))

    def write(self, out):
        body = "".join(line + "\n" for _, _, line in self.recs).encode()
        write(os.path.join(out, "envoy", "partners-ingress.log.gz"), gz_bytes(body))
        return ["partners-ingress.log.gz"]


# --------------------------------------------------------------------------------------------
# Apache (Debian): other_vhosts_access.log in vhost_combined:
#   %v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"
# legacy.acme.example is protected by mod_auth_basic (%u is the user, also on a failed 401);
# api-v1.acme.example is the old API with keys in the query string.
# --------------------------------------------------------------------------------------------

class Apache:
    def __init__(self, keys):
        self.k = keys
        self.r = rng("apache")
        self.lines = []

    def add(self, t, vhost, port, ip, user, method, path, status, size, ref, ua):
        if not in_range(t):
            return
        s = '%s:%d %s - %s [%s +0000] "%s %s HTTP/1.1" %d %d "%s" "%s"\n' % (
            vhost, port, ip, user, t.strftime("%d/%b/%Y:%H:%M:%S"), method, path, status, size,
            ref, ua)
        self.lines.append((t, len(self.lines), s))

    def build(self):
        r, k = self.r, self.k
        for d in days():
            if weekday(d):
                ip = ip_in(r, "ber_office", 33)
                for t in local_window(r, d, berlin_h(d), 8.5, 17, r.randint(5, 15)):
                    path = r.choice(["/reports/weekly?team=payments", "/reports/daily.csv",
                                     "/admin/users", "/static/app.css", "/reports/"])
                    self.add(t, "legacy.acme.example", 443, ip, "jsmith", "GET", path, 200,
                             r.randint(1200, 90000), "https://legacy.acme.example/reports/",
                             BROWSERS[1])
            t = at(d, 6, 0, r.uniform(1, 4))
            self.add(t, "legacy.acme.example", 443, ip_in(r, "int_fra", 9 * 256 + 4), "reports",
                     "GET", "/reports/daily.csv?date=%s" % (d - timedelta(days=1)).isoformat(),
                     200, r.randint(40000, 70000), "-", "Wget/1.21.3")
            if r.random() < 0.25:
                t = at(d, r.uniform(9, 16))
                self.add(t, "legacy.acme.example", 443, ip_in(r, "lon_office", 40), "admin",
                         "POST", "/admin/users/%d/reset" % r.randint(10, 90), 302, 520,
                         "https://legacy.acme.example/admin/users", BROWSERS[0])
            # the old API
            ip = ip_in(r, "yyz", 30)
            for t in diurnal(r, d, -4, r.randint(10, 25), peak=12, spread=3):
                self.add(t, "api-v1.acme.example", 443, ip, "-", "GET",
                         "/v1/orders?status=shipped&page=%d&api_key=%s" % (
                             r.randint(1, 4), k.legacy_api_partner), 200,
                         r.randint(3000, 40000), "-", "Apache-HttpClient/4.5.14 (Java/17.0.12)")
            ip = ip_in(r, "ams_cloud", 12)
            for i in range(0, 24, 2):
                t = at(d, i, 15, r.uniform(0, 59))
                self.add(t, "api-v1.acme.example", 443, ip, "-", "GET",
                         "/v1/stock?sku=ALL&apikey=" + k.legacy_api_stock, 200,
                         r.randint(50000, 80000), "-", "stocksync/0.7 (+libcurl/7.88.1)")
            ip = ip_in(r, "fra_dc", 20)
            for t in diurnal(r, d, berlin_h(d), r.randint(5, 12), peak=12, spread=4):
                self.add(t, "api-v1.acme.example", 443, ip, "-", "GET",
                         "/v1/geo/lookup?address=Alexanderplatz+1%2C+Berlin&key=" + k.maps_server,
                         200, r.randint(900, 2000), "-", "acme-geo/1.3 Python-urllib/3.11")
            if d.weekday() == 0:
                t = at(d, 5, 30, r.uniform(0, 59))
                self.add(t, "api-v1.acme.example", 443, ip_in(r, "int_fra", 9 * 256 + 4), "-",
                         "GET", "/v1/export/full?format=csv&access_token=" + k.legacy_export_token,
                         200, r.randint(2 * 10**6, 3 * 10**6), "-", "Wget/1.21.3")
            for t in diurnal(r, d, 0, r.randint(10, 25), peak=14, spread=6):
                ip = ip_in(r, r.choice(BROWSER_NETS))
                if r.random() < 0.3:
                    self.add(t, "www.acme.example", 80, ip, "-", "GET", "/", 301, 545, "-",
                             r.choice(BROWSERS))
                else:
                    self.add(t, "www.acme.example", 443, ip, "-", "GET",
                             r.choice(["/", "/pricing", "/contact", "/blog/", "/favicon.ico"]),
                             200, r.randint(2000, 60000), "https://www.example.com/",
                             r.choice(BROWSERS))
            if d == date(2026, 10, 21):
                # a password-guessing run against the Basic-auth vhost
                ip = ip_in(r, "waw", 12)
                t = at(d, 1, 12, 5)
                for i in range(60):
                    t += timedelta(seconds=r.uniform(0.3, 2.5))
                    self.add(t, "legacy.acme.example", 443, ip,
                             ["admin", "root", "test", "jsmith"][i % 4], "GET", "/admin/", 401,
                             736, "-", "Mozilla/5.0 (Hydra)")
        self.lines.sort(key=lambda x: (x[0], x[1]))

    def write(self, out):
        body = "".join(s for _, _, s in self.lines).encode()
        write(os.path.join(out, "apache", "other_vhosts_access.log.gz"), gz_bytes(body))
        return ["other_vhosts_access.log.gz"]


# --------------------------------------------------------------------------------------------
# CloudTrail: account 111122223333, us-east-1, delivery files with a Records wrapper, gzip.
# --------------------------------------------------------------------------------------------

CLI_UA = ("aws-cli/2.18.4 md/awscrt#0.22.0 ua/2.0 os/linux#6.8.0-1015-azure md/arch#x86_64 "
          "lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe "
          "md/distrib#ubuntu.24 md/prompt#off md/command#%s")
GO_UA = ("aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 "
         "api/%s#1.58.2")
KALI_UA = ("aws-cli/2.15.30 Python/3.11.8 Linux/6.6.9-amd64 source/x86_64.kali.2024 prompt/off "
           "command/%s")
MAC_UA = ("aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/macos#23.6.0 md/arch#arm64 "
          "lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#source "
          "md/prompt#off md/command#%s")


class CloudTrail:
    def __init__(self, keys):
        self.k = keys
        self.r = rng("cloudtrail")
        self.events = []
        self.roles = {"deploy-role": "AROA" + rand_str(rng("aroa1"), B32[:26] + "234567", 17),
                      "ec2-app-role": "AROA" + rand_str(rng("aroa2"), B32[:26] + "234567", 17)}
        self.users = {"backup-agent": "AIDA" + rand_str(rng("aida1"), B32, 17),
                      "ci-deployer": "AIDA" + rand_str(rng("aida2"), B32, 17),
                      "j.silva": "AIDA" + rand_str(rng("aida3"), B32, 17),
                      "legacy-reports": "AIDA" + rand_str(rng("aida4"), B32, 17)}

    def user_identity(self, user, key):
        return {"type": "IAMUser", "principalId": self.users[user],
                "arn": "arn:aws:iam::%d:user/%s" % (ACCOUNT, user), "accountId": str(ACCOUNT),
                "accessKeyId": key, "userName": user}

    def role_identity(self, role, session, key, created, mfa="false"):
        return {"type": "AssumedRole", "principalId": "%s:%s" % (self.roles[role], session),
                "arn": "arn:aws:sts::%d:assumed-role/%s/%s" % (ACCOUNT, role, session),
                "accountId": str(ACCOUNT), "accessKeyId": key,
                "sessionContext": {"sessionIssuer": {
                    "type": "Role", "principalId": self.roles[role],
                    "arn": "arn:aws:iam::%d:role/%s" % (ACCOUNT, role), "accountId": str(ACCOUNT),
                    "userName": role}, "webIdFederationData": {},
                    "attributes": {"creationDate": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                   "mfaAuthenticated": mfa}}}

    def ev(self, t, ident, source, name, ip, ua, req=None, resp=None, error=None, read_only=True,
           data=False, resources=None, extra=None, host=None):
        r = self.r
        if not in_range(t):
            return
        e = {"eventVersion": "1.10" if not data else "1.09", "userIdentity": ident,
             "eventTime": t.strftime("%Y-%m-%dT%H:%M:%SZ"), "eventSource": source,
             "eventName": name, "awsRegion": "us-east-1", "sourceIPAddress": ip,
             "userAgent": ua}
        if error:
            e["errorCode"], e["errorMessage"] = error
        e["requestParameters"] = req
        e["responseElements"] = resp
        if data:
            e["additionalEventData"] = {"SignatureVersion": "SigV4",
                                        "CipherSuite": "TLS_AES_128_GCM_SHA256",
                                        "bytesTransferredIn": r.randint(0, 4 * 10**7) if
                                        name == "PutObject" else 0,
                                        "AuthenticationMethod": "AuthHeader",
                                        "x-amz-id-2": base64.b64encode(
                                            r.getrandbits(480).to_bytes(60, "big")).decode(),
                                        "bytesTransferredOut": r.randint(0, 4 * 10**7) if
                                        name == "GetObject" else 0}
            e["requestID"] = rand_str(r, "0123456789ABCDEF", 16)
        else:
            e["requestID"] = rand_uuid(r)
        e["eventID"] = rand_uuid(r)
        e["readOnly"] = read_only
        if resources:
            e["resources"] = resources
        e["eventType"] = "AwsApiCall"
        e["managementEvent"] = not data
        e["recipientAccountId"] = str(ACCOUNT)
        if extra:
            e.update(extra)
        e["eventCategory"] = "Data" if data else "Management"
        if host and ip not in ("AWS Internal",) and not ip.endswith(".amazonaws.com"):
            e["tlsDetails"] = {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
                               "clientProvidedHostHeader": host}
        self.events.append((t, len(self.events), e))

    def s3obj(self, t, ident, ip, ua, name, bucket, key, error=None):
        self.ev(t, ident, "s3.amazonaws.com", name, ip, ua,
                req={"bucketName": bucket, "Host": "%s.s3.us-east-1.amazonaws.com" % bucket,
                     "key": key, "x-id": name},
                resp=None if name != "PutObject" else {
                    "x-amz-server-side-encryption": "aws:kms",
                    "x-amz-server-side-encryption-aws-kms-key-id":
                        "arn:aws:kms:us-east-1:%d:key/%s" % (ACCOUNT, rand_uuid(rng("kms")))},
                error=error, read_only=name != "PutObject" and name != "DeleteObject", data=True,
                resources=[{"type": "AWS::S3::Object",
                            "ARN": "arn:aws:s3:::%s/%s" % (bucket, key)},
                           {"accountId": str(ACCOUNT), "type": "AWS::S3::Bucket",
                            "ARN": "arn:aws:s3:::%s" % bucket}],
                host="%s.s3.us-east-1.amazonaws.com" % bucket)

    def assume(self, t, caller_ident, ip, ua, role, session):
        r = self.r
        key = public_id("aws-key-id", aws_key_id(r, "ASIA"))
        tok = secret("aws-session-token", "IQoJb3JpZ2luX2VjE" + base64.b64encode(
            r.getrandbits(8 * 600).to_bytes(600, "big")).decode())
        exp = t + timedelta(hours=1)
        self.ev(t, caller_ident, "sts.amazonaws.com", "AssumeRole", ip, ua,
                req={"roleArn": "arn:aws:iam::%d:role/%s" % (ACCOUNT, role),
                     "roleSessionName": session, "durationSeconds": 3600},
                resp={"credentials": {"accessKeyId": key, "sessionToken": tok,
                                      "expiration": exp.strftime("%b %d, %Y, %I:%M:%S %p")},
                      "assumedRoleUser": {"assumedRoleId": "%s:%s" % (self.roles[role], session),
                                          "arn": "arn:aws:sts::%d:assumed-role/%s/%s" % (
                                              ACCOUNT, role, session)}},
                resources=[{"accountId": str(ACCOUNT), "type": "AWS::IAM::Role",
                            "ARN": "arn:aws:iam::%d:role/%s" % (ACCOUNT, role)}],
                host="sts.us-east-1.amazonaws.com")
        return key

    def backup(self, d):
        r, k = self.r, self.k
        ident = self.user_identity("backup-agent", k.akia_backup)
        ip = ip_in(r, "fra_dc", 4)
        for h in (1, 7, 13, 19):
            t = at(d, h, 10, r.uniform(0, 40))
            stamp = t.strftime("%Y-%m-%dT%H")
            for part in range(1, r.randint(2, 4)):
                t += timedelta(seconds=r.uniform(5, 90))
                self.s3obj(t, ident, ip, GO_UA % "s3" + " ft/s3-transfer", "PutObject",
                           "acme-db-backups", "pg/ledger/%s/part-%04d.zst" % (stamp, part))
            t += timedelta(seconds=r.uniform(1, 5))
            self.s3obj(t, ident, ip, GO_UA % "s3", "ListObjects", "acme-db-backups", "pg/ledger/")
            if h == 1:
                old = (d - timedelta(days=30)).isoformat()
                self.s3obj(t + timedelta(seconds=2), ident, ip, GO_UA % "s3", "DeleteObject",
                           "acme-db-backups", "pg/ledger/%sT01/part-0001.zst" % old)

    def ci(self, d):
        r, k = self.r, self.k
        if not weekday(d):
            return
        ident = self.user_identity("ci-deployer", k.akia_ci)
        for t in local_window(r, d, berlin_h(d), 8, 19, r.randint(3, 7)):
            ip = ip_in(r, "iad_cloud")
            run = r.randint(11000000000, 11999999999)
            self.ev(t, ident, "sts.amazonaws.com", "GetCallerIdentity", ip,
                    CLI_UA % "sts.get-caller-identity", host="sts.us-east-1.amazonaws.com")
            t += timedelta(seconds=r.uniform(1, 4))
            session = "gha-%d" % run
            asia = self.assume(t, ident, ip, CLI_UA % "sts.assume-role", "deploy-role", session)
            role = self.role_identity("deploy-role", session, asia, t)
            svc = r.choice(["payments", "ledger", "web"])
            steps = [("ecr.amazonaws.com", "GetAuthorizationToken", "ecr.get-login-password",
                      {"registryIds": [str(ACCOUNT)]}, False, True),
                     ("ecs.amazonaws.com", "RegisterTaskDefinition",
                      "ecs.register-task-definition", {"family": svc, "networkMode": "awsvpc"},
                      False, False),
                     ("ecs.amazonaws.com", "UpdateService", "ecs.update-service",
                      {"cluster": "prod", "service": svc, "forceNewDeployment": False},
                      False, False),
                     ("ecs.amazonaws.com", "DescribeServices", "ecs.wait",
                      {"cluster": "prod", "services": [svc]}, True, True)]
            for source, name, cmd, req, _, ro in steps:
                t += timedelta(seconds=r.uniform(2, 40))
                self.ev(t, role, source, name, ip, CLI_UA % cmd, req=req,
                        resp=None if ro else {"service": {"serviceName": svc}} if
                        name == "UpdateService" else None, read_only=ro,
                        host=source.replace(".amazonaws.com", ".us-east-1.amazonaws.com"))
            if r.random() < 0.15:
                t += timedelta(seconds=r.uniform(2, 9))
                self.ev(t, role, "cloudformation.amazonaws.com", "DescribeStacks", ip,
                        CLI_UA % "cloudformation.describe-stacks",
                        req={"stackName": "acme-%s-prod" % svc},
                        error=("AccessDenied", "User: arn:aws:sts::%d:assumed-role/deploy-role/%s "
                               "is not authorized to perform: cloudformation:DescribeStacks on "
                               "resource: arn:aws:cloudformation:us-east-1:%d:stack/acme-%s-prod/* "
                               "because no identity-based policy allows the "
                               "cloudformation:DescribeStacks action" % (ACCOUNT, session, ACCOUNT,
                                                                         svc)),
                        host="cloudformation.us-east-1.amazonaws.com")

    def jsilva(self, d):
        """João Silva, São Paulo: aws-cli from a laptop, office hours (UTC-3)."""
        r, k = self.r, self.k
        if not weekday(d):
            return
        ident = self.user_identity("j.silva", k.akia_jsilva)
        ip = ip_in(r, "gru", 17)
        for t in local_window(r, d, -3, 9, 18, r.randint(2, 8)):
            name, source, cmd, req, err = r.choice([
                ("DescribeInstances", "ec2.amazonaws.com", "ec2.describe-instances",
                 {"instancesSet": {}, "filterSet": {"items": [{"name": "tag:env",
                                                               "valueSet": {"items": [
                                                                   {"value": "prod"}]}}]}},
                 None),
                ("FilterLogEvents", "logs.amazonaws.com", "logs.filter-log-events",
                 {"logGroupName": "/ecs/ledger", "filterPattern": "ERROR"}, None),
                ("GetMetricData", "monitoring.amazonaws.com", "cloudwatch.get-metric-data",
                 None, None),
                ("ListBuckets", "s3.amazonaws.com", "s3.ls", {"Host": "s3.amazonaws.com"}, None),
                ("TerminateInstances", "ec2.amazonaws.com", "ec2.terminate-instances",
                 {"instancesSet": {"items": [{"instanceId": "i-0" + rand_str(r, HEX, 16)}]}},
                 ("Client.UnauthorizedOperation", "You are not authorized to perform this "
                  "operation. User: arn:aws:iam::%d:user/j.silva is not authorized to perform: "
                  "ec2:TerminateInstances on resource: arn:aws:ec2:us-east-1:%d:instance/* "
                  "because no identity-based policy allows the ec2:TerminateInstances action. "
                  "Encoded authorization failure message: %s" % (
                      ACCOUNT, ACCOUNT, rand_str(r, URLSAFE, 120)))),
            ])
            if name == "TerminateInstances" and r.random() < 0.8:
                continue
            self.ev(t, ident, source, name, ip, MAC_UA % cmd, req=req, error=err,
                    read_only=name != "TerminateInstances",
                    host=source.replace(".amazonaws.com", ".us-east-1.amazonaws.com"))
            if name == "ListBuckets":
                # the S3 console-style internal follow-up calls
                self.ev(t + timedelta(seconds=1), dict(ident, invokedBy="AWS Internal"),
                        "s3.amazonaws.com", "GetBucketLocation", "AWS Internal", "AWS Internal",
                        req={"bucketName": "acme-db-backups", "Host": "s3.amazonaws.com",
                             "location": ""})

    def platform(self, d):
        """Service-originated events: EC2 instance profile refresh, ECS, AWS Internal."""
        r = self.r
        for h in range(0, 24, 6):
            t = at(d, h, r.randint(0, 59), r.uniform(0, 59))
            session = "i-0" + rand_str(r, HEX, 16)
            key = public_id("aws-key-id", aws_key_id(r, "ASIA"))
            tok = secret("aws-session-token", "IQoJb3JpZ2luX2VjE" + base64.b64encode(
                r.getrandbits(8 * 600).to_bytes(600, "big")).decode())
            self.ev(t, {"type": "AWSService", "invokedBy": "ec2.amazonaws.com"},
                    "sts.amazonaws.com", "AssumeRole", "ec2.amazonaws.com", "ec2.amazonaws.com",
                    req={"roleArn": "arn:aws:iam::%d:role/ec2-app-role" % ACCOUNT,
                         "roleSessionName": session},
                    resp={"credentials": {"accessKeyId": key, "sessionToken": tok,
                                          "expiration": (t + timedelta(hours=6)).strftime(
                                              "%b %d, %Y, %I:%M:%S %p")}},
                    resources=[{"accountId": str(ACCOUNT), "type": "AWS::IAM::Role",
                                "ARN": "arn:aws:iam::%d:role/ec2-app-role" % ACCOUNT}],
                    extra={"sharedEventID": rand_uuid(r)})
            role = self.role_identity("ec2-app-role", session, key, t)
            role["sessionContext"]["ec2RoleDelivery"] = "2.0"
            ip = ip_in(r, "int_iad", 12 * 256 + 33)
            for _ in range(r.randint(1, 3)):
                t += timedelta(minutes=r.uniform(1, 50))
                self.ev(t, role, "ssm.amazonaws.com", "GetParameters", ip,
                        GO_UA % "ssm", req={"names": ["/prod/ledger/db_url"],
                                            "withDecryption": True},
                        host="ssm.us-east-1.amazonaws.com")
            t += timedelta(minutes=1)
            self.ev(t, {"type": "AWSService", "invokedBy": "cloudtrail.amazonaws.com"},
                    "kms.amazonaws.com", "GenerateDataKey", "cloudtrail.amazonaws.com",
                    "cloudtrail.amazonaws.com",
                    req={"keySpec": "AES_256", "encryptionContext": {
                        "aws:cloudtrail:arn": "arn:aws:cloudtrail:us-east-1:%d:trail/org-trail"
                                              % ACCOUNT}},
                    resources=[{"accountId": str(ACCOUNT), "type": "AWS::KMS::Key",
                                "ARN": "arn:aws:kms:us-east-1:%d:key/%s" % (
                                    ACCOUNT, rand_uuid(rng("kms")))}],
                    extra={"sharedEventID": rand_uuid(r)})

    def attack(self):
        """2026-11-04 02:41Z: backup-agent's key used from the Bucharest VPS (aws-cli, Kali)."""
        r, k = rng("attack-aws"), self.k
        ident = self.user_identity("backup-agent", k.akia_backup)
        ip = ip_in(r, "attacker", 9)          # 203.0.113.217
        t = datetime(2026, 11, 4, 2, 41, 19, tzinfo=UTC)

        def deny(action, resource):
            return ("AccessDenied", "User: arn:aws:iam::%d:user/backup-agent is not authorized to "
                    "perform: %s on resource: %s because no identity-based policy allows the %s "
                    "action" % (ACCOUNT, action, resource, action))

        plan = [
            ("sts.amazonaws.com", "GetCallerIdentity", "sts.get-caller-identity", None, None),
            ("s3.amazonaws.com", "ListBuckets", "s3.ls", {"Host": "s3.amazonaws.com"}, None),
            ("iam.amazonaws.com", "ListUsers", "iam.list-users", None,
             deny("iam:ListUsers", "arn:aws:iam::%d:user/" % ACCOUNT)),
            ("iam.amazonaws.com", "GetAccountAuthorizationDetails",
             "iam.get-account-authorization-details", None,
             deny("iam:GetAccountAuthorizationDetails", "*")),
            ("iam.amazonaws.com", "ListRoles", "iam.list-roles", None,
             deny("iam:ListRoles", "arn:aws:iam::%d:role/" % ACCOUNT)),
            ("iam.amazonaws.com", "ListAttachedUserPolicies", "iam.list-attached-user-policies",
             {"userName": "backup-agent"},
             deny("iam:ListAttachedUserPolicies",
                  "arn:aws:iam::%d:user/backup-agent" % ACCOUNT)),
            ("ec2.amazonaws.com", "DescribeInstances", "ec2.describe-instances",
             {"instancesSet": {}, "filterSet": {}},
             ("Client.UnauthorizedOperation", "You are not authorized to perform this operation. "
              "User: arn:aws:iam::%d:user/backup-agent is not authorized to perform: "
              "ec2:DescribeInstances because no identity-based policy allows the "
              "ec2:DescribeInstances action" % ACCOUNT)),
            ("ec2.amazonaws.com", "DescribeRegions", "ec2.describe-regions", {"regionSet": {}},
             ("Client.UnauthorizedOperation", "You are not authorized to perform this operation. "
              "User: arn:aws:iam::%d:user/backup-agent is not authorized to perform: "
              "ec2:DescribeRegions because no identity-based policy allows the "
              "ec2:DescribeRegions action" % ACCOUNT)),
            ("secretsmanager.amazonaws.com", "ListSecrets", "secretsmanager.list-secrets", None,
             deny("secretsmanager:ListSecrets", "*")),
            ("lambda.amazonaws.com", "ListFunctions20150331", "lambda.list-functions", None,
             deny("lambda:ListFunctions", "*")),
        ]
        for source, name, cmd, req, err in plan:
            t += timedelta(seconds=r.uniform(3, 25))
            host = "sts.amazonaws.com" if source.startswith("sts") else \
                source.replace(".amazonaws.com", ".us-east-1.amazonaws.com")
            if source.startswith("iam"):
                host = "iam.amazonaws.com"
            self.ev(t, ident, source, name, ip, KALI_UA % cmd, req=req, error=err,
                    read_only=True, host=host)
        # what the key can do, it does: copy the newest backups
        t += timedelta(seconds=40)
        self.s3obj(t, ident, ip, KALI_UA % "s3.ls", "ListObjects", "acme-db-backups",
                   "pg/ledger/")
        for part in range(1, 4):
            t += timedelta(seconds=r.uniform(20, 90))
            self.s3obj(t, ident, ip, KALI_UA % "s3.cp", "GetObject", "acme-db-backups",
                       "pg/ledger/2026-11-03T19/part-%04d.zst" % part)

    def escalation(self):
        """2026-11-04 01:37Z: legacy-reports' key, never used in three weeks, from the Bucharest
        VPS: whoami, enumeration (mostly refused), an inline "*" on "*" policy on itself, a
        second access key, and that key reading the backups bucket."""
        r, k = rng("attack-aws-escalation"), self.k
        user = "legacy-reports"
        ident = self.user_identity(user, k.akia_legacy)
        ip = ip_in(r, "attacker", 12)         # 203.0.113.220
        ua = ("Boto3/1.34.144 md/Botocore#1.34.144 ua/2.0 os/linux#6.8.0-45-generic "
              "md/arch#x86_64 lang/python#3.12.3 md/pyimpl#CPython cfg/retry-mode#legacy "
              "Botocore/1.34.144")
        arn = "arn:aws:iam::%d:user/%s" % (ACCOUNT, user)
        t = datetime(2026, 11, 4, 1, 37, 12, tzinfo=UTC)

        def deny(action, resource):
            return ("AccessDenied", "User: %s is not authorized to perform: %s on resource: %s "
                    "because no identity-based policy allows the %s action" % (
                        arn, action, resource, action))

        def ec2_deny(action):
            return ("Client.UnauthorizedOperation", "You are not authorized to perform this "
                    "operation. User: %s is not authorized to perform: %s because no "
                    "identity-based policy allows the %s action. Encoded authorization failure "
                    "message: %s" % (arn, action, action, rand_str(r, URLSAFE, 140)))

        def host_of(source):
            if source in ("iam.amazonaws.com", "sts.amazonaws.com"):
                return source
            return source.replace(".amazonaws.com", ".us-east-1.amazonaws.com")

        # (source, name, request, error, readOnly); the key's own policy lets it read one
        # reports bucket and manage its own user (keys, inline policies) and nothing else
        recon = [
            ("sts.amazonaws.com", "GetCallerIdentity", None, None),
            ("iam.amazonaws.com", "ListUsers", None,
             deny("iam:ListUsers", "arn:aws:iam::%d:user/" % ACCOUNT)),
            ("iam.amazonaws.com", "ListRoles", None,
             deny("iam:ListRoles", "arn:aws:iam::%d:role/" % ACCOUNT)),
            ("iam.amazonaws.com", "ListPolicies", {"scope": "Local", "onlyAttached": False},
             deny("iam:ListPolicies", "arn:aws:iam::%d:policy/" % ACCOUNT)),
            ("s3.amazonaws.com", "ListBuckets", {"Host": "s3.amazonaws.com"}, None),
            ("ec2.amazonaws.com", "DescribeInstances", {"instancesSet": {}, "filterSet": {}},
             ec2_deny("ec2:DescribeInstances")),
            ("lambda.amazonaws.com", "ListFunctions20150331", None,
             deny("lambda:ListFunctions", "*")),
            ("iam.amazonaws.com", "ListUserPolicies", {"userName": user}, None),
            ("iam.amazonaws.com", "GetUserPolicy",
             {"userName": user, "policyName": "self-service-keys"}, None),
            ("iam.amazonaws.com", "ListAttachedUserPolicies", {"userName": user}, None),
        ]
        for source, name, req, err in recon:
            t += timedelta(seconds=r.uniform(2, 19))
            self.ev(t, ident, source, name, ip, ua, req=req, error=err, host=host_of(source))
        # the self-service policy allows iam:PutUserPolicy on the user itself: make it admin
        t += timedelta(seconds=r.uniform(40, 80))
        doc = ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", '
               '"Resource": "*"}]}')
        self.ev(t, ident, "iam.amazonaws.com", "PutUserPolicy", ip, ua,
                req={"userName": user, "policyName": "s3-reports-compat", "policyDocument": doc},
                read_only=False, host="iam.amazonaws.com")
        for source, name, req in (("iam.amazonaws.com", "ListUsers", None),
                                  ("iam.amazonaws.com", "ListRoles", None),
                                  ("ec2.amazonaws.com", "DescribeInstances",
                                   {"instancesSet": {}, "filterSet": {}})):
            t += timedelta(seconds=r.uniform(3, 12))
            self.ev(t, ident, source, name, ip, ua, req=req, host=host_of(source))
        # a second key, so that rotating the first one does not lock the thief out
        t += timedelta(seconds=r.uniform(20, 50))
        self.ev(t, ident, "iam.amazonaws.com", "CreateAccessKey", ip, ua,
                req={"userName": user},
                resp={"accessKey": {"accessKeyId": k.akia_legacy_minted, "status": "Active",
                                    "userName": user,
                                    "createDate": t.strftime("%b %-d, %Y %-I:%M:%S %p")}},
                read_only=False, host="iam.amazonaws.com")
        # the new key, from another host of the same block
        ident2 = self.user_identity(user, k.akia_legacy_minted)
        ip2 = ip_in(r, "attacker", 13)        # 203.0.113.221
        t += timedelta(minutes=r.uniform(6, 9))
        self.ev(t, ident2, "sts.amazonaws.com", "GetCallerIdentity", ip2, ua,
                host="sts.amazonaws.com")
        t += timedelta(seconds=r.uniform(2, 6))
        self.ev(t, ident2, "s3.amazonaws.com", "ListBuckets", ip2, ua,
                req={"Host": "s3.amazonaws.com"}, host="s3.amazonaws.com")
        t += timedelta(seconds=r.uniform(5, 15))
        self.s3obj(t, ident2, ip2, ua, "ListObjects", "acme-db-backups", "pg/ledger/")
        for part in range(1, 6):
            t += timedelta(seconds=r.uniform(15, 70))
            self.s3obj(t, ident2, ip2, ua, "GetObject", "acme-db-backups",
                       "pg/ledger/2026-11-03T19/part-%04d.zst" % part)

    def build(self):
        for d in days():
            self.backup(d)
            self.ci(d)
            self.jsilva(d)
            self.platform(d)
        self.attack()
        self.escalation()
        self.events.sort(key=lambda x: (x[0], x[1]))

    def write(self, out):
        r = rng("cloudtrail-files")
        groups = {}
        for t, _, e in self.events:
            # CloudTrail delivers roughly every 5 minutes; kept small here: one file per busy
            # 4-hour window, split in two when it is large
            key = (t.date(), t.hour // 4 * 4 + 3)
            groups.setdefault(key, []).append(e)
        files = []
        empty_done = False
        for (d, h) in sorted(groups):
            evs = groups[(d, h)]
            chunks = [evs] if len(evs) < 60 else [evs[: len(evs) // 2], evs[len(evs) // 2:]]
            for i, chunk in enumerate(chunks):
                deliver = at(d, h, 55 + 2 * i) + timedelta(minutes=r.randint(0, 9))
                self.emit(out, deliver, chunk, r, files)
            if not empty_done and d == date(2026, 10, 14) and h >= 12:
                # CloudTrail sometimes delivers a file with no records at all
                self.emit(out, at(d, h, 58), [], r, files)
                empty_done = True
        return files

    @staticmethod
    def emit(out, deliver, records, r, files):
        d = deliver.date()
        name = "%d_CloudTrail_us-east-1_%sZ_%s.json.gz" % (
            ACCOUNT, deliver.strftime("%Y%m%dT%H%M"), rand_str(r, ALNUM, 16))
        rel = os.path.join("cloudtrail", "AWSLogs", str(ACCOUNT), "CloudTrail", "us-east-1",
                           "%04d" % d.year, "%02d" % d.month, "%02d" % d.day, name)
        body = jline({"Records": records}).encode()
        write(os.path.join(out, rel), gz_bytes(body))
        files.append(rel)


# --------------------------------------------------------------------------------------------
# GitHub audit log of the acme enterprise: an export (JSON array) of 2026-10-12..14, then the
# stream (daily gzip JSON lines) from 2026-10-15 when streaming was switched on.
# --------------------------------------------------------------------------------------------

def github_web_events():
    """Events people cause in the web UI (no token involved), so the log is not only tokens."""
    r = rng("github-web")
    people = [("mkoch", "ber_office", 14, "DE", BROWSERS[1]),
              ("jwright", "lon_office", 22, "GB", BROWSERS[0]),
              ("pnowak", "waw", 5, "PL", BROWSERS[2]),
              ("asato", "tyo", 9, "JP", BROWSERS[3])]
    actions = [("pull_request.merge", "modify"), ("pull_request.create", "create"),
               ("pull_request_review.submit", "create"), ("repo.update_member", "modify"),
               ("protected_branch.policy_override", "modify"), ("workflows.prepared_workflow_job",
                                                                "create")]
    for d in days():
        if not weekday(d):
            continue
        for actor, net, host, cc, ua in people:
            for t in local_window(r, d, {"DE": berlin_h(d), "GB": berlin_h(d) - 1, "PL":
                                         berlin_h(d), "JP": 9}[cc], 9, 18, r.randint(0, 4)):
                action, op = r.choice(actions)
                if action == "protected_branch.policy_override" and r.random() < 0.8:
                    continue
                gh_event(None, t, action, actor, ip_in(r, net, host), cc, ua,
                         repo=r.choice(REPOS), extra={"operation_type": op})
    t = datetime(2026, 10, 20, 9, 12, 40, tzinfo=UTC)
    gh_event(None, t, "org.add_member", "jwright", ip_in(r, "lon_office", 22), "GB", BROWSERS[0],
             extra={"operation_type": "create", "user": "dkim", "permission": "read"})
    t = datetime(2026, 10, 27, 14, 3, 2, tzinfo=UTC)
    gh_event(None, t, "repo.create", "mkoch", ip_in(r, "ber_office", 14), "DE", BROWSERS[1],
             repo="status-page", extra={"operation_type": "create", "visibility": "private"})


def github(out):
    github_web_events()
    evs = sorted(GH_EVENTS, key=lambda x: (x[0], x[1]))
    export = [e for t, _, e in evs if t.date() < date(2026, 10, 15)]
    stream = [(t, e) for t, _, e in evs if t.date() >= date(2026, 10, 15)]
    files = []
    name = "export-acme-1760486400.json"
    write(os.path.join(out, "github", name),
          (json.dumps(export, indent=2, ensure_ascii=False) + "\n").encode())
    files.append(name)
    by_day = {}
    for t, e in stream:
        by_day.setdefault(t.date(), []).append(jline(e) + "\n")
    r = rng("github-files")
    for d in sorted(by_day):
        rel = os.path.join("stream", "%04d" % d.year, "%02d" % d.month, "%02d" % d.day,
                           "%s.json.log.gz" % rand_uuid(r))
        write(os.path.join(out, "github", rel), gz_bytes("".join(by_day[d]).encode()))
        files.append(rel)
    return files


# --------------------------------------------------------------------------------------------
# geo, README, token list
# --------------------------------------------------------------------------------------------

def geo(out):
    lines = ["network,country_iso_code,country_name,city,latitude,longitude,asn,as_org\n"]
    for n in NETWORKS:
        lines.append("%s,%s,%s,%s,%.4f,%.4f,%d,%s\n" % n[:8])
    write(os.path.join(out, "geo", "networks.csv"), "".join(lines).encode("utf-8"))


README = """\
# samples/

Small, synthetic, realistic logs of every format keytrail reads, generated by
`tests/make_samples.py` (deterministic: re-running it rewrites identical bytes). No real tokens,
people or networks: addresses come from the documentation ranges 192.0.2.0/24, 198.51.100.0/24,
203.0.113.0/24 and 2001:db8::/32, and 10.0.0.0/8 for internal callers. Every secret planted here
is listed in `tests/fixtures/known_tokens.txt`. Do not edit files by hand: change the generator
and re-run it; `python3 tests/make_samples.py --check` verifies the result.

Time span: **2026-10-12T00:00Z .. 2026-11-04T17:00Z** ("now" is 2026-11-04 17:00 UTC), so each
key has about three weeks of baseline before the last day.

| folder | what |
| --- | --- |
| `nginx/` | edge-01, the reverse proxy in front of git.acme.example (GitHub Enterprise), GitLab, the npm registry, Grafana and small APIs. Daily dateext rotation at local midnight (Europe/Berlin, `+0200` then `+0100` after 2026-10-25): `access.log-20261013.gz` .. `access.log-20261104.gz` and the live `access.log` (2026-11-04). Until 2026-10-13 plain `combined`; from 2026-10-14 `combined` + ` $request_time "$http_authorization"`. Credentials in `Authorization` (`token`, `Bearer`, `Basic`), in `$remote_user`, and in the query string (`access_token=`, `private_token=`, `api_key=`, `key=AIza...`). Damage on purpose: `-20261016.gz` has a half line and a run of NUL/binary junk; `-20261019.gz` has invalid request lines (TLS handshake bytes, `"-"`, a line that is not a log line, a line with a missing field); `-20261021.gz` is cut in the middle of the deflate stream (`gzip -t` fails); `-20261023.gz` holds a 1.2 MiB line; `-20261028.gz` is two gzip members whose boundary falls inside a line. |
| `apache/` | `other_vhosts_access.log.gz`, Debian `vhost_combined` (`%v:%p %h %l %u %t "%r" %>s %O ...`): Basic-auth users in `%u` on legacy.acme.example (and a password-guessing run with 401s on 2026-10-21), API keys in the query string on api-v1.acme.example. |
| `kong/` | Kong 3.8 file-log of api.acme.example (Acme's payments API, Stripe-style keys): `kong-YYYY-MM-DD.json.gz`, one per day (the last one partial). Keys in `request.headers.authorization` (`Bearer sk_live_...`, `pk_live_`, `sk_test_`, JWTs) and `request.headers.apikey` (`rk_live_`), a publishable key in one query string. Slashes escaped as `\\/` (lua-cjson). Until 2026-10-12 09:30Z `authorization` is `"REDACTED"` (Kong's default). JWT clients: `svc-ledger` (HS256, 1 h tokens, expired token reused on 2026-10-29 14:06Z -> 401), `kestrel-logistics` (RS256, kid `auth-2026-09`), `svc-reporting` (RS256, 15 min tokens); two unsigned `alg: none`/`None` tokens on 2026-10-30 -> 401. Malformed: interleaved writes on 2026-10-17, an empty line and a cut line on 2026-10-24. |
| `traefik/` | Traefik JSON access log of egress.acme.internal, the gateway internal services (10.x) use to call SaaS APIs: OpenAI `sk-proj-`, Anthropic `x-api-key`, Slack `xoxb-`, SendGrid `SG.`, Twilio API key via Basic. Weekly rotation; `access.log-20261026.zst` is zstd. Go's JSON escaping (`\\u0026`). |
| `envoy/` | `partners-ingress.log.gz`: Envoy JSON access log of partners.acme.example, opaque bearer tokens of three partners (one rotates its token on 2026-10-28), ext_authz denials (`UAEX`), `null` fields. |
| `cloudtrail/` | `AWSLogs/111122223333/CloudTrail/us-east-1/YYYY/MM/DD/111122223333_CloudTrail_us-east-1_YYYYMMDDTHHMMZ_<16>.json.gz`, one-line `{"Records":[...]}` files, one with zero records (2026-10-14). IAM users `backup-agent` (24/7 from Frankfurt, S3 data events), `ci-deployer` (weekday deploys from Ashburn, AssumeRole into `deploy-role` giving ASIA keys and logged session tokens), `j.silva` (São Paulo laptop, an occasional `Client.UnauthorizedOperation`), `legacy-reports` (retired reporting job: its key appears only in the attack below); EC2 instance-profile and CloudTrail service events (`sourceIPAddress` a service name), `AWS Internal` calls. All key ids decode to account 111122223333. |
| `github/` | Audit log of the `acme` enterprise: `export-acme-1760486400.json` (an export: one pretty-printed JSON array, 2026-10-12..14) and `stream/YYYY/MM/DD/<uuid>.json.log.gz` (streaming, JSON lines, 2026-10-15..11-04). Token events carry `hashed_token` = base64(SHA-256(token)), `programmatic_access_type`, `token_id`, `token_scopes`; `api.request` events mirror the API calls in the nginx log, `git.fetch`/`git.push` the git traffic. |
| `geo/networks.csv` | The geolocation source for tests and the demo: one row per network (CIDR) with country, city, coordinates, ASN and AS organisation, covering every address used here. |
| `geo/.dbip-lite/` | Not generated here and not a log: a small real extract (DB-IP lite City, CC BY 4.0, and ip-location-db ASN rows from RouteViews, NRO and DB-IP, CC BY 4.0) for the real-geography quality corpus (`tests/quality/run-real.sh`); attribution in its `README.md`. Hidden, so `keytrail scan samples/` skips it. |

## Normal traffic

- **mkoch** (Marta Koch, Berlin): classic PAT `ghp_…`, every day for three weeks, weekdays from
  the Berlin office (192.0.2.14/.15, 2001:db8:100::14) in office hours, weekends from home
  (192.0.2.77); `GitHub CLI 2.62.0` (`Authorization: token …`) and `git/2.47.1` (Basic
  `mkoch:<PAT>`, after git's usual unauthenticated 401). Also in the GitHub audit log.
- CI: a fresh GitHub App token `ghs_…` per job from cloud runners (Ashburn, Frankfurt), office
  hours plus nightly jobs; npm token for the registry. Jenkins: OAuth token `gho_…` in the query
  string every 30 min, 24/7. release-bot: fine-grained `github_pat_…`, Tue/Thu evenings from
  San Francisco. GitLab tokens from London. A publishable Google Maps key used from everywhere.
- Kong: merchants' secret keys from their servers (Frankfurt evenings, Singapore days), a
  restricted key hourly from Ashburn, the publishable key from browsers worldwide, a test key
  from the Berlin office, JWT service clients.
- CloudTrail: see above. GitHub: web UI events of four people in four countries.
- A look-alike `ghp_` token with a wrong checksum (2026-10-22, London, 401): not a credential.

## The planted leak

On **2026-11-04 between 02:14 and 02:53 UTC** (03:14 in Berlin, at night) Marta's PAT is used
from **203.0.113.213** — a VPS in **Bucharest, RO** (AS64511 "Example VPS Hosting SRL") — with
`python-requests/2.32.3`, `curl/8.5.0` and `git/2.45.2`: reconnaissance of the org (user, orgs,
members, repos, teams, code search for secrets), many **403** (hooks, secrets, audit log, admin
endpoints, per-repo Actions secrets) and **401** (curl without the header), clones of 12
repositories with the token as the Basic user name, and a new SSH key added to her account
(`public_key.create`). It is in `nginx/access.log` (the live file) and in the GitHub audit stream
of 2026-11-04 (`actor_ip` 203.0.113.213, `actor_location.country_code` RO, same `hashed_token`
as her three weeks of normal use). Marta works normally from Berlin later that day.

The same night, **02:41–02:49 UTC**, the AWS access key of IAM user **backup-agent** (normally
only `aws-sdk-go-v2` from 192.0.2.100 in Frankfurt writing backups to S3) is used from
**203.0.113.217** (same Bucharest block) with `aws-cli/2.15.30 … Linux/6.6.9-amd64
source/x86_64.kali.2024`: `GetCallerIdentity`, `ListBuckets`, then `ListUsers`,
`GetAccountAuthorizationDetails`, `ListRoles`, `ListAttachedUserPolicies`, `ListSecrets`,
`ListFunctions` (**AccessDenied**), `DescribeInstances`, `DescribeRegions`
(**Client.UnauthorizedOperation**), and finally `ListObjects` + three `GetObject` of the newest
database backup.

An hour earlier, **01:37–01:52 UTC**, a key with no history at all is used: that of IAM user
**legacy-reports**, left behind when its reporting job was retired, whose only permissions were
one reports bucket and self-service on its own user (keys and inline policies). It appears in
the logs only in the thief's hands, from **203.0.113.220** (same Bucharest block) with
`Boto3/1.34.144`: `GetCallerIdentity`, then `ListUsers`, `ListRoles`, `ListPolicies`,
`ListFunctions` (**AccessDenied**), `DescribeInstances` (**Client.UnauthorizedOperation**),
`ListBuckets`, `ListUserPolicies`, `GetUserPolicy`, `ListAttachedUserPolicies` (allowed);
`PutUserPolicy` of an inline policy `s3-reports-compat` allowing `"Action": "*"` on
`"Resource": "*"` on itself; the refused listings again, now allowed; `CreateAccessKey` for
itself (`responseElements.accessKey.accessKeyId` a second AKIA key), so that rotating the first
key does not lock the thief out. Seven minutes later that second key is used from
**203.0.113.221**: `GetCallerIdentity`, `ListBuckets`, `ListObjects` and five `GetObject` of the
database backups. Neither key has a baseline: what they did is the evidence.
"""


def read_sample(path):
    """Decompressed bytes of one sample file, as far as they can be read (truncated gzip
    members give what precedes the cut; several members are concatenated)."""
    with open(path, "rb") as f:
        raw = f.read()
    if path.endswith(".zst"):
        exe = shutil.which("zstd")
        return subprocess.run([exe, "-q", "-d", "-c"], input=raw, stdout=subprocess.PIPE,
                              check=True).stdout
    if not raw.startswith(b"\x1f\x8b"):
        return raw
    out = []
    while raw:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        out.append(d.decompress(raw))
        if not d.eof:
            break
        raw = d.unused_data
    return b"".join(out)


def sample_files(out):
    for root, dirs, files in os.walk(out):
        # hidden folders (the real geography extract geo/.dbip-lite) are not log samples, and
        # `keytrail scan` skips them too
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name != "README.md" and root != os.path.join(out, "geo"):
                yield os.path.join(root, name)


def known_tokens(path, out):
    corpus = b"\n".join(read_sample(p) for p in sample_files(out))
    # passwords travel only inside Basic blobs: kept, a tool that decodes Basic must not print
    # them either; everything else is listed only if it really is in a file (not, say, in the
    # part of a truncated archive that cannot be read, or in a day logged without the header)
    present = [(fam, tok) for fam, tok in SECRETS
               if fam in ("basic-password", "twilio-secret") or corpus.find(tok.encode()) >= 0]
    SECRETS[:] = present
    PUBLIC_IDS[:] = [(w, v) for w, v in PUBLIC_IDS if corpus.find(v.encode()) >= 0]
    fams = {}
    for fam, tok in SECRETS:
        fams[fam] = fams.get(fam, 0) + 1
    head = [
        "# Every secret planted in samples/ by tests/make_samples.py (regenerated with it).",
        "# One raw token per line after this header; lines starting with '#' are comments.",
        "# No program output, message, report or state file may ever contain any of them, e.g.:",
        "#   grep -v '^#' tests/fixtures/known_tokens.txt | grep -F -f - OUTPUT  (must find none)",
        "# Includes the bad-checksum ghp_ look-alike, JWTs (each token), AWS session tokens,",
        "# Basic credentials (the base64 blob as sent) and the passwords inside those blobs.",
        "# Counts: " + ", ".join("%s %d" % (k, fams[k]) for k in sorted(fams)) + ".",
        "#",
        "# Not listed as secrets, because providers log them in full and keytrail may show",
        "# them (DESIGN.md): GitHub hashed_token values, AWS access key ids, Basic user names",
        "# and the Twilio API key sid. For reference they are:",
    ]
    for what, val in PUBLIC_IDS:
        head.append("#   %s %s" % (what, val))
    body = "\n".join(head) + "\n" + "".join(tok + "\n" for _, tok in SECRETS)
    write(path, body.encode())


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(here, "..", "samples"))
    ap.add_argument("--tokens", default=os.path.join(here, "fixtures", "known_tokens.txt"))
    ap.add_argument("--check", action="store_true",
                    help="verify the existing tree and token list instead of generating")
    args = ap.parse_args()
    out = os.path.normpath(args.out)
    if args.check:
        return check(out, args.tokens)
    for sub in ("nginx", "apache", "kong", "traefik", "envoy", "cloudtrail", "github"):
        shutil.rmtree(os.path.join(out, sub), ignore_errors=True)
    # geo/ also holds the real extract geo/.dbip-lite, which is not generated here
    if os.path.exists(os.path.join(out, "geo", "networks.csv")):
        os.unlink(os.path.join(out, "geo", "networks.csv"))

    keys = Keys()
    produced = {}
    for name, cls in (("nginx", Nginx), ("kong", Kong), ("traefik", Traefik), ("envoy", Envoy),
                      ("apache", Apache), ("cloudtrail", CloudTrail)):
        src = cls(keys)
        src.build()
        produced[name] = src.write(out)
    produced["github"] = github(out)
    geo(out)
    write(os.path.join(out, "README.md"), README.encode())
    known_tokens(args.tokens, out)
    for name in sorted(produced):
        print("%-10s %4d files" % (name, len(produced[name])))
    print("secrets: %d, public ids: %d" % (len(SECRETS), len(PUBLIC_IDS)))




# --------------------------------------------------------------------------------------------
# --check: verify an existing samples/ tree and token list (run after generating)
# --------------------------------------------------------------------------------------------

def gh_checksum_ok(tok):
    body = tok.split("_", 1)[1]
    return len(body) == 36 and base62(zlib.crc32(body[:30].encode()), 6) == body[30:]


def check(out, tokens_path):
    import ipaddress
    import re
    problems = []

    def fail(msg):
        problems.append(msg)

    files = list(sample_files(out))
    texts = {p: read_sample(p) for p in files}
    rel = {p: os.path.relpath(p, out) for p in files}

    # 1. size on disk
    total = sum(os.path.getsize(p) for p in files) + os.path.getsize(os.path.join(
        out, "geo", "networks.csv")) + os.path.getsize(os.path.join(out, "README.md"))
    if total > 3 * 1024 * 1024:
        fail("samples/ is %d bytes (> 3 MiB)" % total)

    # 2. damaged archives are damaged the intended way, others are whole
    for p in files:
        if not p.endswith(".gz"):
            continue
        with open(p, "rb") as f:
            raw = f.read()
        members, complete = 0, True
        while raw:
            d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            d.decompress(raw)
            if not d.eof:
                complete = False
                break
            members += 1
            raw = d.unused_data
        name = rel[p]
        if name == "nginx/access.log-20261021.gz":
            if complete:
                fail(name + " should be truncated")
        elif not complete:
            fail(name + " is truncated")
        if name == "nginx/access.log-20261028.gz" and members != 2:
            fail(name + " should have 2 gzip members, has %d" % members)
        elif name != "nginx/access.log-20261028.gz" and complete and members != 1:
            fail(name + " has %d members" % members)
        with open(p, "rb") as f:
            hdr = f.read(10)
        if hdr[4:8] != b"\0\0\0\0" or hdr[3] & 0x08:
            fail(name + ": gzip header carries an mtime or a name")

    # 3. JSON: every line/file parses except the planted malformed ones
    bad_expected = {"kong": 3, "github": 0, "traefik": 0, "envoy": 0}
    bad_seen = {k: 0 for k in bad_expected}
    empty_kong = 0
    for p in files:
        name, top = rel[p], rel[p].split(os.sep)[0]
        if top == "cloudtrail":
            try:
                doc = json.loads(texts[p])
                if not isinstance(doc.get("Records"), list):
                    fail(name + ": no Records list")
            except ValueError:
                fail(name + ": invalid JSON")
        elif name.endswith("export-acme-1760486400.json"):
            if not isinstance(json.loads(texts[p]), list):
                fail(name + ": export is not an array")
        elif top in bad_expected:
            for line in texts[p].split(b"\n"):
                if not line:
                    continue
                if line.strip() == b"":
                    empty_kong += 1
                    continue
                try:
                    json.loads(line)
                except ValueError:
                    bad_seen[top] += 1
    if bad_seen != bad_expected:
        fail("malformed JSON lines %s, expected %s" % (bad_seen, bad_expected))
    empties = [p for p in files if rel[p].startswith("cloudtrail") and
               json.loads(texts[p])["Records"] == []]
    if len(empties) != 1:
        fail("expected one CloudTrail file with zero records, found %d" % len(empties))

    # 4. tokens: listed ones are present, checksums hold, AWS ids decode, JWTs verify
    with open(tokens_path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    toks = [x for x in lines if x and not x.startswith("#")]
    pub = [x.split()[2] for x in lines if x.startswith("#   aws-key-id ")]
    corpus = b"\n".join(texts[p] for p in files)
    for t in toks:
        if not re.fullmatch(r"[\x21-\x7e]+", t):
            fail("token with odd characters in the list")
    missing = [t for t in toks if corpus.find(t.encode()) < 0]
    if len(missing) != len([x for x in missing if len(x) in (20, 24, 32)]):
        fail("%d listed tokens are nowhere in samples/" % len(missing))
    ghs = [t for t in toks if re.match(r"(ghp|gho|ghu|ghs|ghr|npm)_", t)]
    bad = [t for t in ghs if not gh_checksum_ok(t)]
    if len(bad) != 1:
        fail("expected exactly one bad-checksum look-alike, found %d" % len(bad))
    if not pub:
        fail("no AWS key ids listed")
    for k in pub:
        acct, top = aws_account_of(k)
        if acct != ACCOUNT or not top or not re.fullmatch(r"(AKIA|ASIA)[A-Z2-7]{16}", k):
            fail("AWS key id %s does not decode to %d" % (k, ACCOUNT))
        if corpus.find(k.encode()) < 0:
            fail("AWS key id %s not in samples" % k)
    keys = Keys()
    rsa = RSAKey(rng("jwt-keys"))
    n_jwt = {"HS256": 0, "RS256": 0, "none": 0}
    for t in toks:
        if not t.startswith("eyJ"):
            continue
        h, pl, sig = t.split(".")
        hdr = json.loads(base64.urlsafe_b64decode(h + "=" * (-len(h) % 4)))
        data = (h + "." + pl).encode()
        raw = base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4))
        if hdr["alg"] == "HS256":
            ok = hmac.compare_digest(hmac.new(keys.jwt_hs_secret, data, hashlib.sha256).digest(),
                                     raw)
        elif hdr["alg"] == "RS256":
            ok = rsa.verify(data, raw)
        else:
            ok = sig == "" and hdr["alg"].lower() == "none"
        n_jwt["none" if hdr["alg"].lower() == "none" else hdr["alg"]] += 1
        if not ok:
            fail("JWT with a bad signature (%s)" % hdr["alg"])
    if min(n_jwt.values()) == 0:
        fail("JWT algorithms missing: %s" % n_jwt)

    # 5. the planted leak is where the README says
    pat = keys.pat_mkoch
    live = texts[os.path.join(out, "nginx", "access.log")].decode()
    atk = [x for x in live.split("\n") if x.startswith("203.0.113.213 ") and pat in x]
    if len(atk) < 40:
        fail("planted PAT misuse: %d lines in nginx/access.log" % len(atk))
    ht = hashed_token(pat).encode()
    gh_atk = gh_base = 0
    for p in files:
        if rel[p].startswith("github"):
            for line in texts[p].split(b"\n"):
                if ht in line:
                    if b'"203.0.113.213"' in line:
                        gh_atk += 1
                    else:
                        gh_base += 1
    if gh_atk < 40 or gh_base < 100:
        fail("GitHub audit: %d attack / %d baseline events with the PAT's hashed_token"
             % (gh_atk, gh_base))
    ct_atk = sum(texts[p].count(b'"203.0.113.217"') for p in files if
                 rel[p].startswith("cloudtrail"))
    if ct_atk < 10:
        fail("CloudTrail: %d attack events" % ct_atk)

    # 6. every address used is inside a network of geo/networks.csv
    nets = []
    with open(os.path.join(out, "geo", "networks.csv"), encoding="utf-8") as f:
        for row in f.read().split("\n")[1:]:
            if row:
                nets.append(ipaddress.ip_network(row.split(",")[0]))
    addr_re = re.compile(rb'(?<![\w.:/])((?:\d{1,3}\.){3}\d{1,3}|2001:db8:[0-9a-f:]+)(?![\w.])')
    seen = set()
    for p in files:
        for m in addr_re.finditer(texts[p]):
            seen.add(m.group(1).decode().rstrip(":"))
    uncovered = []
    for a in sorted(seen):
        try:
            ip = ipaddress.ip_address(a)
        except ValueError:
            continue
        if not any(ip in n for n in nets):
            uncovered.append(a)
    if uncovered:
        fail("addresses not in networks.csv: %s" % ", ".join(uncovered[:10]))

    for msg in problems:
        print("FAIL:", msg)
    print("checked %d files, %d tokens, %d AWS key ids, %d addresses, JWT %s: %s" % (
        len(files), len(toks), len(pub), len(seen), n_jwt, "FAILED" if problems else "ok"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

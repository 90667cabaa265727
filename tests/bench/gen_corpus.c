/*
 * gen_corpus: writes keytrail's benchmark corpus, a large gzip corpus per input format.
 *
 *     gen_corpus [--mb N] [--seed N] [--jobs N] [--ct-file-kb N] OUTDIR
 *
 * Writes OUTDIR/{kong,cloudtrail,nginx,github}/... and OUTDIR/manifest.tsv (one row per file:
 * format, relative path, uncompressed bytes, records, compressed bytes). N megabytes (10^6
 * bytes, default 1200) of uncompressed text are split between the formats (Kong JSON lines 35%,
 * CloudTrail 25%, combined access logs 25%, GitHub audit JSON lines 15%).
 *
 * How it works: a seeded xoshiro256** generator builds one pool of credentials (about 14 000
 * keys over a dozen families, drawn with a skew so a few keys are busy and most are rare), pools
 * of client addresses, user agents and paths; then every output file gets its own generator
 * seeded from (seed, file index), so the bytes do not depend on --jobs or on the order the
 * files are written in. Records are formatted into a buffer and written through gzwrite at
 * level 6 (gzip header without name and with mtime 0). Identifiers that are random in real logs
 * (request ids, event ids, tokens) are random here too, which keeps the compression ratio near
 * what real logs give (about 8-15x) instead of the 100x of repetitive synthetic text.
 * --jobs forks that many writer processes, each taking every Nth file.
 *
 * Build (see run.sh):  cc -O2 -std=c11 -o gen_corpus gen_corpus.c -lz
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

/* ---------------------------------------------------------------------------------------- */
/* Random numbers: splitmix64 to seed, xoshiro256** to draw.                                 */
/* ---------------------------------------------------------------------------------------- */

struct rng {
    uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void rng_seed(struct rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed ^ (stream * 0xd1342543de82ef95ULL);
    for (int i = 0; i < 4; i++) {
        r->s[i] = splitmix64(&x);
    }
}

static uint64_t rotl(uint64_t v, int k)
{
    return (v << k) | (v >> (64 - k));
}

static uint64_t rng_next(struct rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Uniform in [0, n). */
static uint32_t rng_below(struct rng *r, uint32_t n)
{
    return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Skewed pick in [0, n): index ~ n * u^3, so low indexes are much busier. */
static uint32_t rng_skew(struct rng *r, uint32_t n)
{
    double u = (double)(rng_next(r) >> 11) / 9007199254740992.0;
    uint32_t i = (uint32_t)(u * u * u * n);
    return i < n ? i : n - 1;
}

static double rng_unit(struct rng *r)
{
    return (double)(rng_next(r) >> 11) / 9007199254740992.0;
}

static const char B62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
static const char HEXD[] = "0123456789abcdef";
static const char B32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char URLS[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void rand_chars(struct rng *r, char *out, size_t n, const char *alphabet, uint32_t size)
{
    for (size_t i = 0; i < n; i++) {
        out[i] = alphabet[rng_below(r, size)];
    }
}

/* ---------------------------------------------------------------------------------------- */
/* Output buffer.                                                                            */
/* ---------------------------------------------------------------------------------------- */

struct buf {
    char *p;
    size_t len;
    size_t cap;
};

static void buf_reserve(struct buf *b, size_t extra)
{
    if (b->len + extra <= b->cap) {
        return;
    }
    size_t cap = b->cap ? b->cap : 1 << 20;
    while (cap < b->len + extra) {
        cap *= 2;
    }
    char *p = realloc(b->p, cap);
    if (p == NULL) {
        fprintf(stderr, "gen_corpus: out of memory\n");
        exit(1);
    }
    b->p = p;
    b->cap = cap;
}

static void put(struct buf *b, const char *s, size_t n)
{
    buf_reserve(b, n);
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

static void puts_(struct buf *b, const char *s)
{
    put(b, s, strlen(s));
}

__attribute__((format(printf, 2, 3))) static void putf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    buf_reserve(b, 512);
    va_start(ap, fmt);
    int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return;
    }
    if ((size_t)n >= b->cap - b->len) {
        buf_reserve(b, (size_t)n + 1);
        va_start(ap, fmt);
        vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
}

static void put_rand(struct buf *b, struct rng *r, size_t n, const char *alphabet, uint32_t size)
{
    buf_reserve(b, n);
    rand_chars(r, b->p + b->len, n, alphabet, size);
    b->len += n;
}

static void put_uuid(struct buf *b, struct rng *r)
{
    static const int groups[] = {8, 4, 4, 4, 12};
    for (int g = 0; g < 5; g++) {
        if (g) {
            put(b, "-", 1);
        }
        put_rand(b, r, (size_t)groups[g], HEXD, 16);
    }
}

/* ---------------------------------------------------------------------------------------- */
/* Shared pools: credentials, addresses, user agents.                                        */
/* ---------------------------------------------------------------------------------------- */

enum kfam {
    K_GHP, K_GHS, K_GITHUB_PAT, K_GLPAT, K_STRIPE_SK, K_STRIPE_RK, K_STRIPE_PK, K_SLACK,
    K_GOOGLE, K_OPENAI, K_NPM, K_SENDGRID, K_JWT, K_GENERIC, K_BASIC, K__COUNT
};

struct key {
    enum kfam fam;
    char *tok;   /* as it appears in an Authorization header value or a query string */
    char *user;  /* Basic: the user name ($remote_user) */
    char hashed[45];
};

static const struct {
    enum kfam fam;
    unsigned count;
} KEY_PLAN[] = {
    {K_GHP, 2500},   {K_GHS, 1500},    {K_GITHUB_PAT, 600}, {K_GLPAT, 500},
    {K_STRIPE_SK, 1800}, {K_STRIPE_RK, 400}, {K_STRIPE_PK, 300}, {K_SLACK, 300},
    {K_GOOGLE, 500}, {K_OPENAI, 400}, {K_NPM, 400}, {K_SENDGRID, 200},
    {K_JWT, 2000},   {K_GENERIC, 1500}, {K_BASIC, 600},
};

#define N_AWS 1800
#define N_IP4 60000
#define N_IP6 6000

static struct key *keys;
static unsigned n_keys;
static char (*aws_ids)[21];
static uint32_t *ip4;
static char (*ip6)[40];

static char *dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p == NULL) {
        fprintf(stderr, "gen_corpus: out of memory\n");
        exit(1);
    }
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static void b64url(const unsigned char *in, size_t n, struct buf *out)
{
    static const char *A = URLS;
    size_t i = 0;
    for (; i + 2 < n; i += 3) {
        uint32_t v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8) | in[i + 2];
        char c[4] = {A[v >> 18], A[(v >> 12) & 63], A[(v >> 6) & 63], A[v & 63]};
        put(out, c, 4);
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        char c[2] = {A[v >> 18], A[(v >> 12) & 63]};
        put(out, c, 2);
    } else if (n - i == 2) {
        uint32_t v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8);
        char c[3] = {A[v >> 18], A[(v >> 12) & 63], A[(v >> 6) & 63]};
        put(out, c, 3);
    }
}

static void make_jwt(struct rng *r, struct buf *out, unsigned i)
{
    char js[512];
    int n;
    if (i % 3 == 0) {
        n = snprintf(js, sizeof js, "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"k%u\"}", i % 7);
    } else {
        n = snprintf(js, sizeof js, "{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
    }
    b64url((const unsigned char *)js, (size_t)n, out);
    put(out, ".", 1);
    uint32_t iat = 1790000000u + rng_below(r, 6000000);
    n = snprintf(js, sizeof js,
                 "{\"iss\":\"https://auth%u.example.com/\",\"sub\":\"client-%u\","
                 "\"aud\":\"https://api.example.com\",\"iat\":%u,\"nbf\":%u,\"exp\":%u,"
                 "\"jti\":\"%08x%08x\",\"scope\":\"read write\"}",
                 i % 40, i / 3, iat, iat, iat + 3600, (unsigned)rng_next(r),
                 (unsigned)rng_next(r));
    b64url((const unsigned char *)js, (size_t)n, out);
    put(out, ".", 1);
    unsigned char sig[256];
    size_t sl = (i % 3 == 0) ? 256 : 32;
    for (size_t k = 0; k < sl; k++) {
        sig[k] = (unsigned char)rng_next(r);
    }
    b64url(sig, sl, out);
}

static void make_key(struct rng *r, struct key *k)
{
    struct buf b = {0};
    switch (k->fam) {
    case K_GHP:
    case K_GHS:
    case K_NPM:
        puts_(&b, k->fam == K_GHP ? "ghp_" : k->fam == K_GHS ? "ghs_" : "npm_");
        put_rand(&b, r, 36, B62, 62);
        break;
    case K_GITHUB_PAT:
        puts_(&b, "github_pat_");
        put_rand(&b, r, 22, B62, 62);
        put(&b, "_", 1);
        put_rand(&b, r, 59, B62, 62);
        break;
    case K_GLPAT:
        puts_(&b, "glpat-");
        put_rand(&b, r, 20, URLS, 64);
        break;
    case K_STRIPE_SK:
    case K_STRIPE_RK:
    case K_STRIPE_PK:
        puts_(&b, k->fam == K_STRIPE_SK ? "sk_live_51" : k->fam == K_STRIPE_RK ? "rk_live_51"
                                                                               : "pk_live_51");
        put_rand(&b, r, 97, B62, 62);
        break;
    case K_SLACK:
        putf(&b, "xoxb-%" PRIu64 "-%" PRIu64 "-",
             (uint64_t)(100000000000ULL + rng_next(r) % 900000000000ULL),
             (uint64_t)(1000000000000ULL + rng_next(r) % 9000000000000ULL));
        put_rand(&b, r, 24, B62, 62);
        break;
    case K_GOOGLE:
        puts_(&b, "AIza");
        put_rand(&b, r, 35, URLS, 64);
        break;
    case K_OPENAI:
        puts_(&b, "sk-proj-");
        put_rand(&b, r, 74, URLS, 64);
        puts_(&b, "T3BlbkFJ");
        put_rand(&b, r, 74, URLS, 64);
        break;
    case K_SENDGRID:
        puts_(&b, "SG.");
        put_rand(&b, r, 22, URLS, 64);
        put(&b, ".", 1);
        put_rand(&b, r, 43, URLS, 64);
        break;
    case K_JWT:
        make_jwt(r, &b, (unsigned)(k - keys));
        break;
    case K_GENERIC:
        if (rng_below(r, 2)) {
            put_rand(&b, r, 32, HEXD, 16);
        } else {
            put_rand(&b, r, 40, B62, 62);
        }
        break;
    case K_BASIC: {
        /* the value is the base64 blob of "user:password" */
        char up[80];
        char user[24];
        int ul = snprintf(user, sizeof user, "svc%04u", (unsigned)(k - keys) % 10000);
        k->user = dup_n(user, (size_t)ul);
        memcpy(up, user, (size_t)ul);
        up[ul] = ':';
        rand_chars(r, up + ul + 1, 20, B62, 62);
        size_t n = (size_t)ul + 21;
        for (size_t i = 0; i < n; i += 3) {
            uint32_t v = (uint32_t)(unsigned char)up[i] << 16;
            if (i + 1 < n) {
                v |= (uint32_t)(unsigned char)up[i + 1] << 8;
            }
            if (i + 2 < n) {
                v |= (unsigned char)up[i + 2];
            }
            char c[4] = {B64[v >> 18], B64[(v >> 12) & 63], i + 1 < n ? B64[(v >> 6) & 63] : '=',
                         i + 2 < n ? B64[v & 63] : '='};
            put(&b, c, 4);
        }
        break;
    }
    case K__COUNT:
        break;
    }
    k->tok = dup_n(b.p, b.len);
    free(b.p);
    /* hashed_token stands in for base64(SHA-256(token)): random but fixed per key */
    rand_chars(r, k->hashed, 43, B64, 64);
    k->hashed[43] = '=';
    k->hashed[44] = '\0';
}

static void make_aws_id(struct rng *r, char out[21], const char *prefix, uint64_t account)
{
    uint64_t z = (1ULL << 47) | (account << 7) | (rng_next(r) & 127);
    unsigned char raw[10];
    for (int i = 0; i < 6; i++) {
        raw[i] = (unsigned char)(z >> (40 - 8 * i));
    }
    uint64_t t = rng_next(r);
    for (int i = 6; i < 10; i++) {
        raw[i] = (unsigned char)(t >> (8 * (i - 6)));
    }
    memcpy(out, prefix, 4);
    /* base32 of 10 bytes: 16 characters */
    uint64_t hi = 0;
    for (int i = 0; i < 5; i++) {
        hi = (hi << 8) | raw[i];
    }
    uint64_t lo = 0;
    for (int i = 5; i < 10; i++) {
        lo = (lo << 8) | raw[i];
    }
    for (int i = 0; i < 8; i++) {
        out[4 + i] = B32[(hi >> (35 - 5 * i)) & 31];
        out[12 + i] = B32[(lo >> (35 - 5 * i)) & 31];
    }
    out[20] = '\0';
}

static void build_pools(uint64_t seed)
{
    struct rng r;
    rng_seed(&r, seed, 0xC0FFEE);
    unsigned total = 0;
    for (size_t i = 0; i < sizeof KEY_PLAN / sizeof KEY_PLAN[0]; i++) {
        total += KEY_PLAN[i].count;
    }
    keys = calloc(total, sizeof *keys);
    aws_ids = calloc(N_AWS, sizeof *aws_ids);
    ip4 = calloc(N_IP4, sizeof *ip4);
    ip6 = calloc(N_IP6, sizeof *ip6);
    if (keys == NULL || aws_ids == NULL || ip4 == NULL || ip6 == NULL) {
        fprintf(stderr, "gen_corpus: out of memory\n");
        exit(1);
    }
    /* interleave families so the skewed picks hit every family */
    unsigned left[K__COUNT] = {0};
    for (size_t i = 0; i < sizeof KEY_PLAN / sizeof KEY_PLAN[0]; i++) {
        left[KEY_PLAN[i].fam] = KEY_PLAN[i].count;
    }
    while (n_keys < total) {
        for (int f = 0; f < K__COUNT; f++) {
            if (left[f]) {
                left[f]--;
                keys[n_keys].fam = (enum kfam)f;
                make_key(&r, &keys[n_keys]);
                n_keys++;
            }
        }
    }
    for (unsigned i = 0; i < N_AWS; i++) {
        make_aws_id(&r, aws_ids[i], (i % 3) ? "AKIA" : "ASIA", 111122223333ULL);
    }
    for (unsigned i = 0; i < N_IP4; i++) {
        uint32_t a;
        do {
            a = (uint32_t)rng_next(&r);
        } while ((a >> 24) == 0 || (a >> 24) == 127 || (a >> 24) >= 224);
        ip4[i] = a;
    }
    for (unsigned i = 0; i < N_IP6; i++) {
        snprintf(ip6[i], sizeof ip6[i], "2001:db8:%x:%x::%x", rng_below(&r, 65536),
                 rng_below(&r, 65536), rng_below(&r, 65536));
    }
}

static const char *const UAS[] = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.0 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1",
    "GitHub CLI 2.62.0", "git/2.47.1", "git/2.39.5 (Apple Git-154)", "curl/8.10.1",
    "curl/7.88.1", "python-requests/2.32.3", "python-httpx/0.27.2", "Go-http-client/2.0",
    "okhttp/4.12.0", "PostmanRuntime/7.42.0", "axios/1.7.7", "node-fetch/1.0",
    "aws-cli/2.18.4 md/awscrt#0.22.0 ua/2.0 os/linux#6.8.0 md/arch#x86_64 lang/python#3.12.6",
    "aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/s3#1.58.2",
    "Boto3/1.35.36 md/Botocore#1.35.36 ua/2.0 os/linux#5.10 md/arch#x86_64 lang/python#3.11.10",
    "terraform-provider-aws/5.70.0 (+https://registry.terraform.io) aws-sdk-go-v2/1.30.5",
    "OpenAI/Python 1.54.4", "Stripe/v1 PythonBindings/11.1.0", "npm/10.9.0 node/v22.11.0 "
    "linux x64 workspaces/false", "octokit-rest.js/21.0.2 octokit-core.js/6.1.2 Node.js/20",
    "Java/21.0.4", "Apache-HttpClient/4.5.14 (Java/17.0.12)", "kube-probe/1.31",
};
#define N_UAS (sizeof UAS / sizeof UAS[0])

static const char *const WORDS[] = {
    "repos", "orgs", "users", "projects", "merge_requests", "pipelines", "charges", "customers",
    "payment_intents", "refunds", "invoices", "subscriptions", "events", "files", "releases",
    "pulls", "issues", "commits", "branches", "statuses", "checks", "members", "teams", "hooks",
    "tokens", "accounts", "orders", "shipments", "labels", "rates", "reports", "metrics",
};
#define N_WORDS (sizeof WORDS / sizeof WORDS[0])

static void put_path(struct buf *b, struct rng *r)
{
    unsigned depth = 1 + rng_below(r, 4);
    putf(b, "/%s", rng_below(r, 3) ? "api/v3" : "v1");
    for (unsigned i = 0; i < depth; i++) {
        if (i % 2 == 1) {
            putf(b, "/%u", rng_below(r, 4) ? rng_below(r, 5000) : rng_below(r, 100000000));
        } else {
            putf(b, "/%s", WORDS[rng_skew(r, N_WORDS)]);
        }
    }
}

/* Cached time formatting: re-format only when the second changes. */
struct clock {
    int64_t now_ms;
    int64_t cached_s;
    char clf[32];  /* 12/Oct/2026:08:00:01 +0000 */
    char iso[24];  /* 2026-10-12T08:00:01 */
};

static void clock_tick(struct clock *c, struct rng *r, unsigned mean_gap_ms)
{
    c->now_ms += rng_below(r, 2 * mean_gap_ms + 1);
    int64_t s = c->now_ms / 1000;
    if (s != c->cached_s) {
        time_t t = (time_t)s;
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(c->clf, sizeof c->clf, "%d/%b/%Y:%H:%M:%S +0000", &tm);
        strftime(c->iso, sizeof c->iso, "%Y-%m-%dT%H:%M:%S", &tm);
        c->cached_s = s;
    }
}

/*
 * Traffic has locality: a file is written by a set of concurrently active clients (a key, an
 * address, a user agent) that come and go, so the same few values recur within deflate's
 * window as they do in real logs.
 */
#define N_ACTIVE 48

struct actor {
    const struct key *k;
    uint32_t ip;      /* index into ip4/ip6 (ip6 when v6 is set) */
    unsigned ua;
    unsigned aws;     /* index into aws_ids */
    unsigned route;
    int v6;
};

struct gen {
    struct rng r;
    struct clock c;
    struct actor act[N_ACTIVE];
};

static void actor_new(struct gen *g, struct actor *a)
{
    struct rng *r = &g->r;
    double u = rng_unit(r);
    a->k = &keys[(unsigned)(u * u * n_keys) % n_keys];
    a->v6 = rng_below(r, 20) == 0;
    a->ip = a->v6 ? rng_skew(r, N_IP6) : rng_skew(r, N_IP4);
    a->ua = rng_skew(r, N_UAS);
    a->aws = rng_skew(r, N_AWS);
    a->route = rng_below(r, 40);
}

/* The client of the next record: mostly one of the active ones, sometimes a newcomer. */
static const struct actor *pick_actor(struct gen *g)
{
    unsigned i = rng_skew(&g->r, N_ACTIVE);
    if (rng_below(&g->r, 50) == 0) {
        actor_new(g, &g->act[i]);
    }
    return &g->act[i];
}

static void put_actor_ip(struct buf *b, const struct actor *a)
{
    if (a->v6) {
        puts_(b, ip6[a->ip]);
        return;
    }
    uint32_t v = ip4[a->ip];
    putf(b, "%u.%u.%u.%u", v >> 24, (v >> 16) & 255, (v >> 8) & 255, v & 255);
}

static uint32_t hash32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    return x ^ (x >> 16);
}

/* A stable UUID-looking id derived from a small integer (route, service, consumer ids). */
static void put_fixed_uuid(struct buf *b, uint32_t tag)
{
    putf(b, "%08x-%04x-4%03x-a%03x-%08x%04x", hash32(tag), hash32(tag + 1) & 0xffff,
         hash32(tag + 2) & 0xfff, hash32(tag + 3) & 0xfff, hash32(tag + 4),
         hash32(tag + 5) & 0xffff);
}

/* An Authorization header value for k (scheme included). */
static void put_auth(struct buf *b, const struct key *k, struct rng *r)
{
    if (k->fam == K_BASIC) {
        putf(b, "Basic %s", k->tok);
    } else if (k->fam == K_GHP && rng_below(r, 2)) {
        putf(b, "token %s", k->tok);
    } else {
        putf(b, "Bearer %s", k->tok);
    }
}

/* ---------------------------------------------------------------------------------------- */
/* Record writers: each appends one record and returns 1.                                    */
/* ---------------------------------------------------------------------------------------- */

static const char *const METHODS[] = {"GET", "GET", "GET", "GET", "POST", "POST", "PUT",
                                      "PATCH", "DELETE", "HEAD"};
static const int STATUSES[] = {200, 200, 200, 200, 200, 200, 200, 201, 204, 301, 304, 304,
                               400, 401, 403, 404, 404, 409, 422, 429, 500, 502};

static void rec_combined(struct buf *b, struct gen *g)
{
    struct rng *r = &g->r;
    struct clock *c = &g->c;
    clock_tick(c, r, 8);
    const struct actor *a = pick_actor(g);
    const struct key *k = rng_below(r, 10) < 8 ? a->k : NULL;
    put_actor_ip(b, a);
    putf(b, " - %s [%s] \"%s ", k && k->fam == K_BASIC ? k->user : "-", c->clf,
         METHODS[rng_below(r, 10)]);
    put_path(b, r);
    int q = k && k->fam != K_BASIC && (a->route % 4) == 0;
    if (q) {
        static const char *const names[] = {"api_key", "access_token", "key", "token"};
        putf(b, "?page=%u&%s=%s", rng_below(r, 20), names[a->route / 4 % 4], k->tok);
    } else if (rng_below(r, 3) == 0) {
        putf(b, "?per_page=%u&since=%" PRId64, 10 * (1 + rng_below(r, 10)),
             c->now_ms / 1000 - (int64_t)rng_below(r, 86400));
    }
    putf(b, " HTTP/1.1\" %d %u \"%s\" \"%s\" %.3f \"", STATUSES[rng_below(r, 22)],
         rng_below(r, 4) ? rng_below(r, 40000) : rng_below(r, 2000000),
         a->route % 5 ? "-" : "https://www.example.com/app", UAS[a->ua],
         rng_unit(r) * rng_unit(r) * 2.0);
    if (k && !q) {
        put_auth(b, k, r);
    } else {
        put(b, "-", 1);
    }
    puts_(b, "\"\n");
}

static void rec_kong(struct buf *b, struct gen *g)
{
    struct rng *r = &g->r;
    struct clock *c = &g->c;
    clock_tick(c, r, 5);
    const struct actor *a = pick_actor(g);
    const struct key *k = a->k;
    int status = STATUSES[rng_below(r, 22)];
    unsigned lk = rng_below(r, 4), lp = rng_below(r, 400);
    char rid[33];
    rand_chars(r, rid, 32, HEXD, 16);
    rid[32] = '\0';
    unsigned size = 600 + rng_below(r, 9000);
    putf(b, "{\"response\":{\"size\":%u,\"headers\":{\"content-type\":\"application\\/json\","
            "\"content-length\":\"%u\",\"connection\":\"close\",\"x-kong-upstream-latency\":"
            "\"%u\",\"x-kong-proxy-latency\":\"%u\",\"via\":\"1.1 kong\\/3.8.0.0\","
            "\"x-kong-request-id\":\"%s\"},\"status\":%d},\"route\":{\"id\":\"",
         size, size - 350, lp, lk, rid, status);
    put_fixed_uuid(b, 100 + a->route);
    putf(b, "\",\"name\":\"route-%u\",\"paths\":[\"\\/v1\\/%s\"],\"protocols\":[\"https\"],"
            "\"strip_path\":false,\"preserve_host\":false,\"https_redirect_status_code\":426,"
            "\"regex_priority\":0,\"path_handling\":\"v0\",\"request_buffering\":true,"
            "\"response_buffering\":true,\"service\":{\"id\":\"",
         a->route, WORDS[a->route % N_WORDS]);
    put_fixed_uuid(b, 500 + a->route / 4);
    puts_(b, "\"},\"ws_id\":\"");
    put_fixed_uuid(b, 7);
    puts_(b, "\",\"created_at\":1751014530,\"updated_at\":1759308240,\"tags\":[]},"
             "\"workspace\":\"");
    put_fixed_uuid(b, 7);
    puts_(b, "\",\"workspace_name\":\"default\",\"tries\":[{\"balancer_start\":");
    putf(b, "%" PRId64 ",\"ip\":\"10.40.%u.%u\",\"balancer_latency\":0,\"port\":8080}],"
            "\"client_ip\":\"",
         c->now_ms + lk, a->route / 4, 10 + rng_below(r, 4));
    put_actor_ip(b, a);
    putf(b, "\",\"request\":{\"id\":\"%s\",\"headers\":{\"host\":\"api.example.com\","
            "\"user-agent\":\"%s\",\"accept\":\"application\\/json\",\"x-forwarded-proto\":"
            "\"https\",\"x-request-id\":\"",
         rid, UAS[a->ua]);
    put_uuid(b, r);
    puts_(b, "\",");
    if (k->fam == K_STRIPE_RK || (k->fam == K_GENERIC && (a->route & 1))) {
        putf(b, "\"apikey\":\"%s\"", k->tok);
    } else {
        puts_(b, "\"authorization\":\"");
        put_auth(b, k, r);
        put(b, "\"", 1);
    }
    puts_(b, "},\"uri\":\"");
    size_t at = b->len;
    put_path(b, r);
    char path[256];
    size_t plen = b->len - at < sizeof path ? b->len - at : sizeof path;
    memcpy(path, b->p + at, plen);
    putf(b, "\",\"size\":%u,\"method\":\"%s\",\"querystring\":{},\"url\":\"https:\\/\\/api."
            "example.com:443",
         200 + rng_below(r, 900), METHODS[rng_below(r, 10)]);
    put(b, path, plen);
    putf(b, "\"},\"started_at\":%" PRId64 ",\"upstream_status\":\"%d\",\"upstream_uri\":\"",
         c->now_ms, status);
    put(b, path, plen);
    putf(b, "\",\"latencies\":{\"kong\":%u,\"proxy\":%u,\"request\":%u,\"receive\":0},"
            "\"service\":{\"id\":\"",
         lk, lp, lk + lp + rng_below(r, 3));
    put_fixed_uuid(b, 500 + a->route / 4);
    putf(b, "\",\"name\":\"svc-%u\",\"host\":\"svc%u.internal\",\"port\":8080,\"protocol\":"
            "\"http\",\"path\":\"\\/\",\"retries\":5,\"connect_timeout\":60000,"
            "\"read_timeout\":60000,\"write_timeout\":60000,\"enabled\":true,"
            "\"created_at\":1751014512,\"updated_at\":1759308211,\"tags\":[\"prod\"]},"
            "\"consumer\":{\"id\":\"",
         a->route / 4, a->route / 4);
    put_fixed_uuid(b, 10000 + (uint32_t)(k - keys));
    putf(b, "\",\"username\":\"consumer-%u\",\"created_at\":1751100000,\"type\":0,"
            "\"tags\":null,\"custom_id\":null},\"authenticated_entity\":{\"id\":\"",
         (unsigned)(k - keys));
    put_fixed_uuid(b, 90000 + (uint32_t)(k - keys));
    puts_(b, "\"},\"source\":\"upstream\"}\n");
}

static const char *const CT_EVENTS[][2] = {
    {"s3.amazonaws.com", "GetObject"}, {"s3.amazonaws.com", "PutObject"},
    {"s3.amazonaws.com", "ListObjects"}, {"sts.amazonaws.com", "GetCallerIdentity"},
    {"sts.amazonaws.com", "AssumeRole"}, {"ec2.amazonaws.com", "DescribeInstances"},
    {"ec2.amazonaws.com", "RunInstances"}, {"iam.amazonaws.com", "ListUsers"},
    {"kms.amazonaws.com", "Decrypt"}, {"kms.amazonaws.com", "GenerateDataKey"},
    {"ssm.amazonaws.com", "GetParameters"}, {"lambda.amazonaws.com", "Invoke"},
    {"ecs.amazonaws.com", "DescribeServices"}, {"logs.amazonaws.com", "PutLogEvents"},
    {"dynamodb.amazonaws.com", "DescribeTable"},
    {"secretsmanager.amazonaws.com", "GetSecretValue"},
};
#define N_CT (sizeof CT_EVENTS / sizeof CT_EVENTS[0])

static void rec_cloudtrail(struct buf *b, struct gen *g, int first)
{
    struct rng *r = &g->r;
    struct clock *c = &g->c;
    clock_tick(c, r, 40);
    const struct actor *a = pick_actor(g);
    unsigned ki = a->aws;
    const char *id = aws_ids[ki];
    int iam_user = id[0] == 'A' && id[1] == 'K';
    unsigned ev = (a->route + rng_skew(r, 4)) % N_CT;
    int svc_src = a->route % 12 == 0;
    int err = rng_below(r, 15) == 0;
    if (!first) {
        put(b, ",", 1);
    }
    if (iam_user) {
        putf(b, "{\"eventVersion\":\"1.10\",\"userIdentity\":{\"type\":\"IAMUser\","
                "\"principalId\":\"AIDA%08X%09u\",\"arn\":\"arn:aws:iam::111122223333:user/"
                "user-%u\",\"accountId\":\"111122223333\",\"accessKeyId\":\"%s\","
                "\"userName\":\"user-%u\"}",
             hash32(ki), ki, ki, id, ki);
    } else {
        putf(b, "{\"eventVersion\":\"1.10\",\"userIdentity\":{\"type\":\"AssumedRole\","
                "\"principalId\":\"AROA%08X%09u:session-%u\",\"arn\":\"arn:aws:sts::"
                "111122223333:assumed-role/role-%u/session-%u\",\"accountId\":\"111122223333\","
                "\"accessKeyId\":\"%s\",\"sessionContext\":{\"sessionIssuer\":{\"type\":\"Role\","
                "\"principalId\":\"AROA%08X%09u\",\"arn\":\"arn:aws:iam::111122223333:role/"
                "role-%u\",\"accountId\":\"111122223333\",\"userName\":\"role-%u\"},"
                "\"webIdFederationData\":{},\"attributes\":{\"creationDate\":\"%sZ\","
                "\"mfaAuthenticated\":\"false\"}}}",
             hash32(ki % 40), ki % 40, ki, ki % 40, ki, id, hash32(ki % 40), ki % 40, ki % 40,
             ki % 40, c->iso);
    }
    putf(b, ",\"eventTime\":\"%sZ\",\"eventSource\":\"%s\",\"eventName\":\"%s\","
            "\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"",
         c->iso, CT_EVENTS[ev][0], CT_EVENTS[ev][1]);
    if (svc_src) {
        puts_(b, a->route % 24 ? "AWS Internal" : "ec2.amazonaws.com");
    } else {
        put_actor_ip(b, a);
    }
    putf(b, "\",\"userAgent\":\"%s\",", svc_src ? "AWS Internal" : UAS[16 + a->ua % 4]);
    if (err) {
        int sl = (int)strcspn(CT_EVENTS[ev][0], ".");
        putf(b, "\"errorCode\":\"AccessDenied\",\"errorMessage\":\"User: arn:aws:iam::"
                "111122223333:user/user-%u is not authorized to perform: %.*s:%s on resource: "
                "arn:aws:%.*s:us-east-1:111122223333:%u because no identity-based policy allows "
                "the action\",",
             ki, sl, CT_EVENTS[ev][0], CT_EVENTS[ev][1], sl, CT_EVENTS[ev][0], a->route);
    }
    if (ev > 2) {
        puts_(b, "\"requestParameters\":null,\"responseElements\":null,");
    } else {
        putf(b, "\"requestParameters\":{\"bucketName\":\"bucket-%u\",\"Host\":\"bucket-%u.s3."
                "us-east-1.amazonaws.com\",\"key\":\"data/%u/part-%05u.parquet\"},"
                "\"responseElements\":%s,",
             a->route, a->route, (unsigned)(c->now_ms / 3600000) % 100000, rng_below(r, 3000),
             ev == 1 ? "{\"x-amz-server-side-encryption\":\"aws:kms\"}" : "null");
        puts_(b, "\"additionalEventData\":{\"SignatureVersion\":\"SigV4\",\"CipherSuite\":"
                 "\"TLS_AES_128_GCM_SHA256\",\"bytesTransferredIn\":0,\"AuthenticationMethod\":"
                 "\"AuthHeader\",\"x-amz-id-2\":\"");
        put_rand(b, r, 76, B64, 64);
        putf(b, "\",\"bytesTransferredOut\":%u},", rng_below(r, 50000000));
    }
    puts_(b, "\"requestID\":\"");
    if (ev <= 2) {
        put_rand(b, r, 16, "0123456789ABCDEF", 16);
    } else {
        put_uuid(b, r);
    }
    puts_(b, "\",\"eventID\":\"");
    put_uuid(b, r);
    putf(b, "\",\"readOnly\":%s,", ev == 1 || ev == 6 ? "false" : "true");
    if (ev <= 2) {
        putf(b, "\"resources\":[{\"type\":\"AWS::S3::Object\",\"ARN\":\"arn:aws:s3:::bucket-%u/"
                "data/\"},{\"accountId\":\"111122223333\",\"type\":\"AWS::S3::Bucket\",\"ARN\":"
                "\"arn:aws:s3:::bucket-%u\"}],",
             a->route, a->route);
    }
    putf(b, "\"eventType\":\"AwsApiCall\",\"managementEvent\":%s,\"recipientAccountId\":"
            "\"111122223333\",\"eventCategory\":\"%s\"",
         ev <= 2 ? "false" : "true", ev <= 2 ? "Data" : "Management");
    if (!svc_src) {
        int sl = (int)strcspn(CT_EVENTS[ev][0], ".");
        putf(b, ",\"tlsDetails\":{\"tlsVersion\":\"TLSv1.3\",\"cipherSuite\":"
                "\"TLS_AES_128_GCM_SHA256\",\"clientProvidedHostHeader\":\"%.*s.us-east-1."
                "amazonaws.com\"}",
             sl, CT_EVENTS[ev][0]);
    }
    put(b, "}", 1);
}

static const char *const GH_ACTIONS[] = {"git.clone", "git.fetch", "git.fetch", "git.push",
                                         "api.request", "api.request", "api.request",
                                         "pull_request.merge", "repo.access", "org.add_member",
                                         "workflows.completed_workflow_run"};
static const char *const GH_TYPES[] = {"Personal access token (classic)",
                                       "Fine-grained personal access token",
                                       "OAuth access token", "GitHub App server-to-server token"};

static void rec_github(struct buf *b, struct gen *g)
{
    struct rng *r = &g->r;
    struct clock *c = &g->c;
    clock_tick(c, r, 20);
    const struct actor *a = pick_actor(g);
    const struct key *k = a->k;
    unsigned who = (unsigned)(k - keys);
    const char *action = GH_ACTIONS[(a->route + rng_skew(r, 3)) % 11];
    putf(b, "{\"@timestamp\":%" PRId64 ",\"_document_id\":\"", c->now_ms);
    put_rand(b, r, 22, URLS, 64);
    putf(b, "\",\"action\":\"%s\",\"actor\":\"user%u\",\"actor_id\":%u,\"actor_ip\":\"", action,
         who, 1000000 + who);
    put_actor_ip(b, a);
    static const char *const cc[] = {"US", "DE", "GB", "IN", "BR", "JP", "FR", "CA", "SG", "NL"};
    putf(b, "\",\"actor_is_bot\":false,\"actor_location\":{\"country_code\":\"%s\"},"
            "\"business\":\"ent%u\",\"business_id\":%u,\"created_at\":%" PRId64 ","
            "\"operation_type\":\"access\",\"org\":\"org%u\",\"org_id\":%u,\"repo\":"
            "\"org%u/repo-%u\",\"repository\":\"org%u/repo-%u\",\"repository_public\":false,"
            "\"request_id\":\"%04X:%04X:%06X:%06X:%08X\",\"user_agent\":\"%s\"",
         cc[hash32(a->ip) % 10], a->route % 4, 4400 + a->route % 4, c->now_ms, a->route,
         90000000 + a->route, a->route, who % 200, a->route, who % 200, rng_below(r, 65536),
         rng_below(r, 65536), rng_below(r, 1 << 24), rng_below(r, 1 << 24),
         (unsigned)(c->now_ms / 1000), UAS[a->ua]);
    if (a->route % 5 != 0) {
        putf(b, ",\"hashed_token\":\"%s\",\"programmatic_access_type\":\"%s\",\"token_id\":%u,"
                "\"token_scopes\":\"repo, read:org, workflow\"",
             k->hashed, GH_TYPES[who % 4], 100000 + who);
    }
    if (action[0] == 'g') {
        puts_(b, ",\"transport_protocol\":1,\"transport_protocol_name\":\"http\"");
    } else if (action[0] == 'a') {
        putf(b, ",\"request_method\":\"%s\",\"url_path\":\"", METHODS[rng_below(r, 10)]);
        put_path(b, r);
        putf(b, "\",\"status_code\":%d,\"request_category\":\"api\"",
             STATUSES[rng_below(r, 22)]);
    }
    puts_(b, "}\n");
}

/* ---------------------------------------------------------------------------------------- */
/* Files.                                                                                    */
/* ---------------------------------------------------------------------------------------- */

enum fmt { F_KONG, F_CLOUDTRAIL, F_COMBINED, F_GITHUB, F__COUNT };
static const char *const FMT_NAME[] = {"jsonl", "cloudtrail", "combined", "github"};
static const double FMT_SHARE[] = {0.35, 0.25, 0.25, 0.15};

struct job {
    enum fmt fmt;
    unsigned index;      /* global file index, seeds the generator */
    uint64_t target;     /* uncompressed bytes to write (approximately, whole records) */
    char rel[160];
    uint64_t bytes;
    uint64_t records;
    uint64_t zbytes;
};

static int mkdirs(const char *path)
{
    char tmp[1024];
    size_t n = strlen(path);
    if (n >= sizeof tmp) {
        return -1;
    }
    memcpy(tmp, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (tmp[i] == '/' || tmp[i] == '\0') {
            char save = tmp[i];
            tmp[i] = '\0';
            if (mkdir(tmp, 0755) != 0 && errno != EEXIST) {
                return -1;
            }
            tmp[i] = save;
        }
    }
    return 0;
}

static int flush(gzFile gz, struct buf *b)
{
    if (b->len == 0) {
        return 0;
    }
    if (gzwrite(gz, b->p, (unsigned)b->len) != (int)b->len) {
        return -1;
    }
    b->len = 0;
    return 0;
}

static int write_file(const char *outdir, struct job *j, uint64_t seed)
{
    struct gen *g = calloc(1, sizeof *g);
    if (g == NULL) {
        fprintf(stderr, "gen_corpus: out of memory\n");
        return -1;
    }
    rng_seed(&g->r, seed, 1000 + j->index);
    g->c.now_ms = 1791763200000LL + (int64_t)j->index * 3600000LL;
    g->c.cached_s = -1;
    for (unsigned i = 0; i < N_ACTIVE; i++) {
        actor_new(g, &g->act[i]);
    }
    char path[1400];
    snprintf(path, sizeof path, "%s/%s", outdir, j->rel);
    char dir[1400];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash != NULL) {
        *slash = '\0';
    }
    if (mkdirs(dir) != 0) {
        fprintf(stderr, "gen_corpus: cannot create %s: %s\n", dir, strerror(errno));
        free(g);
        return -1;
    }
    gzFile gz = gzopen(path, "wb6");
    if (gz == NULL) {
        fprintf(stderr, "gen_corpus: cannot write %s\n", path);
        free(g);
        return -1;
    }
    gzbuffer(gz, 1 << 18);
    struct buf b = {0};
    int rc = 0;
    if (j->fmt == F_CLOUDTRAIL) {
        puts_(&b, "{\"Records\":[");
    }
    while (j->bytes + b.len < j->target) {
        switch (j->fmt) {
        case F_KONG:
            rec_kong(&b, g);
            break;
        case F_COMBINED:
            rec_combined(&b, g);
            break;
        case F_GITHUB:
            rec_github(&b, g);
            break;
        case F_CLOUDTRAIL:
            rec_cloudtrail(&b, g, j->records == 0);
            break;
        case F__COUNT:
            break;
        }
        j->records++;
        if (b.len >= (1u << 20)) {
            j->bytes += b.len;
            if (flush(gz, &b) != 0) {
                rc = -1;
                break;
            }
        }
    }
    if (j->fmt == F_CLOUDTRAIL) {
        puts_(&b, "]}");
    }
    j->bytes += b.len;
    if (rc == 0 && flush(gz, &b) != 0) {
        rc = -1;
    }
    if (gzclose(gz) != Z_OK) {
        rc = -1;
    }
    free(b.p);
    free(g);
    struct stat st;
    if (rc == 0 && stat(path, &st) == 0) {
        j->zbytes = (uint64_t)st.st_size;
    }
    if (rc != 0) {
        fprintf(stderr, "gen_corpus: write error on %s\n", path);
    }
    return rc;
}

static void usage(void)
{
    fprintf(stderr, "usage: gen_corpus [--mb N] [--seed N] [--jobs N] [--ct-file-kb N] OUTDIR\n"
                    "  --mb N     total uncompressed megabytes (10^6 bytes), default 1200\n"
                    "  --seed N   generator seed, default 20261104\n"
                    "  --jobs N   writer processes, default 1\n"
                    "  --ct-file-kb N  CloudTrail files of N kB each (thousands of small\n"
                    "             files, as a trail's 5-minute deliveries), default 5-50 MB\n");
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0') {
        return -1;
    }
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    uint64_t mb = 1200, seed = 20261104, jobs = 1, ct_kb = 0;
    const char *outdir = NULL;
    for (int i = 1; i < argc; i++) {
        uint64_t *dst = NULL;
        if (strcmp(argv[i], "--mb") == 0) {
            dst = &mb;
        } else if (strcmp(argv[i], "--seed") == 0) {
            dst = &seed;
        } else if (strcmp(argv[i], "--jobs") == 0) {
            dst = &jobs;
        } else if (strcmp(argv[i], "--ct-file-kb") == 0) {
            dst = &ct_kb;
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage();
            return 0;
        } else if (argv[i][0] != '-' && outdir == NULL) {
            outdir = argv[i];
            continue;
        } else {
            usage();
            return 2;
        }
        if (i + 1 >= argc || parse_u64(argv[i + 1], dst) != 0) {
            usage();
            return 2;
        }
        i++;
    }
    if (outdir == NULL || mb == 0 || jobs == 0 || jobs > 64) {
        usage();
        return 2;
    }
    build_pools(seed);

    /* plan the files: ~64 MB pieces; CloudTrail files of 5..50 MB */
    struct job *plan = NULL;
    size_t n = 0, cap = 0;
    struct rng pr;
    rng_seed(&pr, seed, 7);
    for (int f = 0; f < F__COUNT; f++) {
        uint64_t want = (uint64_t)(FMT_SHARE[f] * (double)mb * 1e6);
        unsigned k = 0;
        while (want > 0) {
            uint64_t piece = f != F_CLOUDTRAIL ? 64000000ULL
                             : ct_kb > 0   ? ct_kb * 1000ULL
                                           : (5 + rng_below(&pr, 46)) * 1000000ULL;
            if (piece > want || want - piece < piece / 4) {
                piece = want;
            }
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                struct job *np = realloc(plan, cap * sizeof *plan);
                if (np == NULL) {
                    fprintf(stderr, "gen_corpus: out of memory\n");
                    return 1;
                }
                plan = np;
            }
            struct job *j = &plan[n];
            memset(j, 0, sizeof *j);
            j->fmt = (enum fmt)f;
            j->index = (unsigned)n;
            j->target = piece;
            switch (f) {
            case F_KONG:
                snprintf(j->rel, sizeof j->rel, "kong/file-log-%03u.json.gz", k);
                break;
            case F_CLOUDTRAIL:
                snprintf(j->rel, sizeof j->rel,
                         "cloudtrail/AWSLogs/111122223333/CloudTrail/us-east-1/2026/10/%02u/"
                         "111122223333_CloudTrail_us-east-1_202610%02uT%02u%02uZ_%016" PRIx64
                         ".json.gz",
                         12 + k / 24 % 19, 12 + k / 24 % 19, k % 24, (k * 5) % 60,
                         rng_next(&pr));
                break;
            case F_COMBINED:
                snprintf(j->rel, sizeof j->rel, "nginx/access.log-%03u.gz", k);
                break;
            case F_GITHUB:
                snprintf(j->rel, sizeof j->rel, "github/audit-%03u.json.log.gz", k);
                break;
            }
            want -= piece;
            k++;
            n++;
        }
    }

    /* write: worker w takes files w, w+jobs, ...; results come back through a pipe */
    int fds[2];
    if (pipe(fds) != 0) {
        perror("gen_corpus: pipe");
        free(plan);
        return 1;
    }
    for (uint64_t w = 0; w < jobs; w++) {
        pid_t pid = fork();
        if (pid < 0) {
            perror("gen_corpus: fork");
            free(plan);
            return 1;
        }
        if (pid == 0) {
            close(fds[0]);
            int rc = 0;
            for (size_t i = (size_t)w; i < n; i += (size_t)jobs) {
                if (write_file(outdir, &plan[i], seed) != 0) {
                    rc = 1;
                    break;
                }
                uint64_t msg[4] = {i, plan[i].bytes, plan[i].records, plan[i].zbytes};
                if (write(fds[1], msg, sizeof msg) != (ssize_t)sizeof msg) {
                    rc = 1;
                    break;
                }
            }
            _exit(rc);
        }
    }
    close(fds[1]);
    uint64_t msg[4];
    size_t got = 0;
    while (read(fds[0], msg, sizeof msg) == (ssize_t)sizeof msg) {
        if (msg[0] < n) {
            plan[msg[0]].bytes = msg[1];
            plan[msg[0]].records = msg[2];
            plan[msg[0]].zbytes = msg[3];
            got++;
        }
    }
    int failed = 0;
    for (uint64_t w = 0; w < jobs; w++) {
        int st;
        if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            failed = 1;
        }
    }
    if (failed || got != n) {
        fprintf(stderr, "gen_corpus: %zu of %zu files written\n", got, n);
        free(plan);
        return 1;
    }

    char mpath[1400];
    snprintf(mpath, sizeof mpath, "%s/manifest.tsv", outdir);
    FILE *m = fopen(mpath, "w");
    if (m == NULL) {
        perror("gen_corpus: manifest.tsv");
        free(plan);
        return 1;
    }
    fprintf(m, "format\tpath\tuncompressed_bytes\trecords\tcompressed_bytes\n");
    uint64_t tb = 0, tz = 0, tr = 0;
    for (size_t i = 0; i < n; i++) {
        fprintf(m, "%s\t%s\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\n", FMT_NAME[plan[i].fmt],
                plan[i].rel, plan[i].bytes, plan[i].records, plan[i].zbytes);
        tb += plan[i].bytes;
        tz += plan[i].zbytes;
        tr += plan[i].records;
    }
    if (fclose(m) != 0) {
        perror("gen_corpus: manifest.tsv");
        free(plan);
        return 1;
    }
    printf("gen_corpus: %zu files, %" PRIu64 " records, %.1f MB uncompressed, %.1f MB gzip "
           "(ratio %.1fx), %u keys\n",
           n, tr, (double)tb / 1e6, (double)tz / 1e6, tz ? (double)tb / (double)tz : 0.0,
           n_keys + N_AWS);
    free(plan);
    return 0;
}

/*
 * The pipeline end to end in the library: a small tree of logs in mixed formats and
 * compressions, with damage of every kind, checked through the events it delivers and the run
 * statistics. One bad record in every JSON layout, at the start, in the middle and at the end,
 * costs exactly that record and is reported where it is; damage is reported whatever format
 * detection made of the file; a file reached by several paths is read once.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "pipeline.h"

/* gzip-compresses data into a malloc'd buffer. */
static unsigned char *gzip_bytes(const char *data, size_t len, size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof(z));
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
    size_t cap = deflateBound(&z, (uLong)len) + 64;
    unsigned char *out = malloc(cap);
    z.next_in = (unsigned char *)data;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    *out_len = cap - z.avail_out;
    deflateEnd(&z);
    return out;
}

static void write_file(const char *dir, const char *name, const void *data, size_t len)
{
    char path[1300];
    int n = snprintf(path, sizeof(path), "%s/%s", dir, name);
    assert_true(n > 0 && (size_t)n < sizeof(path));
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static void write_gz(const char *dir, const char *name, const char *text, size_t keep)
{
    size_t n;
    unsigned char *gz = gzip_bytes(text, strlen(text), &n);
    write_file(dir, name, gz, keep ? keep : n);
    free(gz);
}

struct collected {
    int events;
    int keyed;
    char order[64][64];
    char last[64]; /* the method of the last event */
    int families[KT_FAM__COUNT];
};

static enum kt_rc collect(void *ctx, const struct kt_event *ev)
{
    struct collected *c = ctx;
    if (c->events < 64) {
        snprintf(c->order[c->events], sizeof(c->order[0]), "%.*s", (int)ev->method.len,
                 ev->method.ptr);
    }
    snprintf(c->last, sizeof(c->last), "%.*s", (int)ev->method.len, ev->method.ptr);
    c->events++;
    c->keyed += ev->n_creds > 0;
    for (unsigned i = 0; i < ev->n_creds; i++) {
        c->families[ev->creds[i].family]++;
    }
    return KT_OK;
}

static int warnings;

static void count_warning(void *ctx, const struct kt_err *err)
{
    (void)ctx;
    /* Warnings name a place and never carry log content. */
    assert_true(err->where[0] != '\0');
    assert_null(strstr(err->msg, "SECRETVALUE"));
    warnings++;
}

#define LINE(method, extra)                                                                    \
    "203.0.113.9 - - [02/Nov/2026:14:00:05 +0000] \"" method " /v1/x" extra                   \
    " HTTP/1.1\" 200 5 \"-\" \"curl/8\"\n"

static void test_tree(void **state)
{
    (void)state;
    char root[] = "/tmp/keytrail-pipe-XXXXXX";
    assert_non_null(mkdtemp(root));
    char sub[1100];
    snprintf(sub, sizeof(sub), "%s/a", root);
    mkdir(sub, 0700);
    /* Rotated and live files: read oldest first, the live one last. */
    write_gz(sub, "access.log-20261101.gz",
             LINE("GET", "?api_key=Zx81mQv72LpA0sKe93NdRt5WuYb4") LINE("PUT", ""), 0);
    const char *live = LINE("POST", "") "this line is not a log line SECRETVALUE\n" LINE("HEAD", "");
    write_file(sub, "access.log", live, strlen(live));
    /* CloudTrail wrapper with one access key id used twice. */
    snprintf(sub, sizeof(sub), "%s/b", root);
    mkdir(sub, 0700);
    const char *trail =
        "{\"Records\":[{\"eventVersion\":\"1.08\",\"eventTime\":\"2026-11-02T14:00:05Z\","
        "\"eventSource\":\"sts.amazonaws.com\",\"eventName\":\"GetCallerIdentity\","
        "\"sourceIPAddress\":\"198.51.100.1\",\"userIdentity\":{\"accessKeyId\":"
        "\"AKIAY34FZKBOKMUTVV7A\"}},{\"eventVersion\":\"1.08\",\"eventTime\":"
        "\"2026-11-02T14:01:05Z\",\"eventSource\":\"s3.amazonaws.com\",\"eventName\":"
        "\"ListBuckets\",\"sourceIPAddress\":\"198.51.100.1\",\"userIdentity\":{"
        "\"accessKeyId\":\"AKIAY34FZKBOKMUTVV7A\"}}]}";
    write_gz(sub, "trail.json.gz", trail, 0);
    /* A truncated gzip: the first half of 400 lines. */
    char *many = malloc(400 * 128);
    size_t len = 0;
    for (int i = 0; i < 400; i++) {
        len += (size_t)snprintf(many + len, 400 * 128 - len, LINE("DELETE", "?n=%d"), i);
    }
    size_t gz_len;
    unsigned char *gz = gzip_bytes(many, len, &gz_len);
    write_file(sub, "zz-truncated.log.gz", gz, gz_len / 2);
    free(gz);
    free(many);
    write_file(root, "README.txt", "Logs of the API.\n", 17);
    char link[1100];
    snprintf(link, sizeof(link), "%s/dangling", root);
    assert_int_equal(symlink("/nonexistent/keytrail/target", link), 0);

    struct kt_pipeline_opts opts = { .warn = count_warning };
    struct kt_pipeline *pl;
    struct kt_err err;
    assert_int_equal(kt_pipeline_new(&pl, &opts, &err), KT_OK);
    struct collected c = { 0 };
    char *paths[] = { root };
    warnings = 0;
    assert_int_equal(kt_pipeline_run(pl, paths, 1, collect, &c, &err), KT_OK);
    const struct kt_run_stats *st = kt_pipeline_stats(pl);

    assert_string_equal(c.order[0], "GET");
    assert_string_equal(c.order[1], "PUT");
    assert_string_equal(c.order[2], "POST");
    assert_string_equal(c.order[3], "HEAD");
    /* In event time: the truncated file's lines (14:00:05) come before the trail's second
     * record (14:01:05), though the trail file is read first. */
    assert_string_equal(c.order[4], "GetCallerIdentity");
    assert_string_equal(c.order[5], "DELETE");
    assert_string_equal(c.last, "ListBuckets");
    /* Some, but not all, of the truncated file's lines were read. */
    assert_true(c.events > 7 && c.events < 6 + 400);
    assert_int_equal(st->files, 5);
    assert_int_equal(st->files_damaged, 1);
    assert_int_equal(st->files_unreadable, 1);
    assert_int_equal(st->files_unknown, 1);
    assert_true(kt_run_stats_damaged(st));
    /* The malformed line, and possibly the half line where the truncated file was cut. */
    assert_true(st->bad[KT_BAD_SYNTAX] == 1 || st->bad[KT_BAD_SYNTAX] == 2);
    assert_int_equal(st->bad_total, st->bad[KT_BAD_SYNTAX]);
    assert_int_equal(st->samples[0].line, 2);
    assert_non_null(strstr(st->samples[0].file, "a/access.log"));
    assert_int_equal(st->family_keys[KT_FAM_AWS], 1);
    assert_int_equal(st->family_uses[KT_FAM_AWS], 2);
    assert_int_equal(c.families[KT_FAM_AWS], 2);
    assert_int_equal(st->family_keys[KT_FAM_GENERIC], 1);
    assert_int_equal(st->events, (uint64_t)c.events);
    assert_int_equal(st->records, st->events + st->bad_total);
    assert_true(st->bytes_out > st->bytes_in);
    /* truncation, malformed line(s), unknown format, dangling link */
    assert_int_equal(warnings, 3 + (int)st->bad_total);
    kt_pipeline_free(pl);

    char cmd[1200];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
}

static enum kt_rc stop_after_two(void *ctx, const struct kt_event *ev)
{
    (void)ev;
    int *n = ctx;
    return ++*n == 2 ? KT_EIO : KT_OK;
}

/* A combined-log line at second sec of 2026-11-02 14:00, its path naming where it came from. */
static size_t timed_line(char *out, size_t cap, int sec, const char *tag)
{
    return (size_t)snprintf(out, cap,
                            "203.0.113.9 - - [02/Nov/2026:14:%02d:%02d +0000] \"GET /%s "
                            "HTTP/1.1\" 200 5 \"-\" \"curl/8\"\n",
                            sec / 60, sec % 60, tag);
}

struct resources {
    int n;
    char seq[4096]; /* the resources in the order delivered, space-separated */
    int64_t last_ms;
    bool in_order;
};

static enum kt_rc collect_resource(void *ctx, const struct kt_event *ev)
{
    struct resources *r = ctx;
    size_t used = strlen(r->seq);
    snprintf(r->seq + used, sizeof(r->seq) - used, "%.*s ", (int)ev->resource.len,
             ev->resource.ptr);
    r->in_order &= r->n == 0 || ev->time_ms >= r->last_ms;
    r->last_ms = ev->time_ms;
    r->n++;
    return KT_OK;
}

static void run_paths(char **paths, size_t n, struct resources *r, uint64_t *files)
{
    struct kt_pipeline_opts opts = { 0 };
    struct kt_pipeline *pl;
    struct kt_err err;
    assert_int_equal(kt_pipeline_new(&pl, &opts, &err), KT_OK);
    memset(r, 0, sizeof(*r));
    r->in_order = true;
    assert_int_equal(kt_pipeline_run(pl, paths, n, collect_resource, r, &err), KT_OK);
    *files = kt_pipeline_stats(pl)->files;
    kt_pipeline_free(pl);
}

/* Three sources whose hours overlap: whatever the order of the paths, and whether a directory
 * or its files are named, the events come in time order, interleaved, always the same. */
static void test_time_order(void **state)
{
    (void)state;
    char root[] = "/tmp/keytrail-order-XXXXXX";
    assert_non_null(mkdtemp(root));
    char dir[3][1100], text[2048];
    const char *names[3] = { "x", "y", "z" };
    for (int d = 0; d < 3; d++) {
        snprintf(dir[d], sizeof(dir[d]), "%s/%s", root, names[d]);
        mkdir(dir[d], 0700);
        size_t len = 0;
        for (int i = 0; i < 4; i++) {
            char tag[16];
            snprintf(tag, sizeof(tag), "%s%d", names[d], i);
            /* x at 0,3,6,9; y at 1,4,7,10; z at 2,3,8,11: z1 shares x1's second (x ranks first) */
            int sec = i * 3 + d - (d == 2 && i == 1 ? 2 : 0);
            len += timed_line(text + len, sizeof(text) - len, sec, tag);
        }
        if (d == 1) {
            write_gz(dir[d], "api.log.gz", text, 0);
        } else {
            write_file(dir[d], "app.log", text, len);
        }
    }
    char fx[1200], fy[1200], fz[1200];
    snprintf(fx, sizeof(fx), "%s/app.log", dir[0]);
    snprintf(fy, sizeof(fy), "%s/api.log.gz", dir[1]);
    snprintf(fz, sizeof(fz), "%s/app.log", dir[2]);
    const char *want = "/x0 /y0 /z0 /x1 /z1 /y1 /x2 /y2 /z2 /x3 /y3 /z3 ";
    char *orders[][3] = {
        { fx, fy, fz }, { fz, fy, fx }, { fy, fz, fx }, { fy, fx, fz },
        { dir[2], dir[0], dir[1] }, { root, NULL, NULL },
    };
    size_t counts[] = { 3, 3, 3, 3, 3, 1 };
    for (size_t o = 0; o < sizeof(counts) / sizeof(counts[0]); o++) {
        struct resources r;
        uint64_t files;
        run_paths(orders[o], counts[o], &r, &files);
        assert_string_equal(r.seq, want);
        assert_true(r.in_order);
        assert_int_equal(files, 3);
    }
    char cmd[1200];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
}

/* More overlapping files than may be open at once: every event is still read, once. */
static void test_many_overlapping_files(void **state)
{
    (void)state;
    char root[] = "/tmp/keytrail-many-XXXXXX";
    assert_non_null(mkdtemp(root));
    enum { FILES = 150 };
    for (int f = 0; f < FILES; f++) {
        char name[32], text[512], tag[16];
        snprintf(name, sizeof(name), "f%03d.log", f);
        snprintf(tag, sizeof(tag), "a%d", f);
        size_t len = timed_line(text, sizeof(text), f % 50, tag);
        snprintf(tag, sizeof(tag), "b%d", f);
        len += timed_line(text + len, sizeof(text) - len, 3000 + f, tag);
        write_file(root, name, text, len);
    }
    struct resources r;
    uint64_t files;
    char *paths[] = { root };
    run_paths(paths, 1, &r, &files);
    assert_int_equal(r.n, 2 * FILES);
    assert_int_equal(files, FILES);
    char cmd[1200];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
}

/* Live lines (watch): the format comes from the first line that fits; lines before it, bad
 * lines and over-long ones are counted; events reach the callback with their credentials. */
static void test_live_lines(void **state)
{
    (void)state;
    struct kt_pipeline_opts opts = { .warn = count_warning };
    struct kt_pipeline *pl;
    struct kt_err err;
    assert_int_equal(kt_pipeline_new(&pl, &opts, &err), KT_OK);
    struct kt_pipeline_live *lv = NULL;
    assert_int_equal(kt_pipeline_live_new(pl, "live.log", &lv), KT_OK);
    struct collected c = { 0 };
    warnings = 0;
    const char *lines[] = {
        "a banner the server printed SECRETVALUE",
        "",
        "203.0.113.9 - - [02/Nov/2026:14:00:05 +0000] \"GET /v1/x?api_key=Zx81mQv72LpA0sKe93NdRt5WuYb4 HTTP/1.1\" 200 5 \"-\" \"curl/8\"",
        "203.0.113.9 - - [02/Nov/2026:14:00:06 +0000] \"PUT /v1/x HTTP/1.1\" 200 5 \"-\" \"curl/8\"",
        "not a log line",
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(lines); i++) {
        assert_int_equal(kt_pipeline_live_line(pl, lv, i + 1, kt_str_cstr(lines[i]), false, collect,
                                               &c),
                         KT_OK);
    }
    assert_int_equal(kt_pipeline_live_line(pl, lv, 6, kt_str_make("", 0), true, collect, &c),
                     KT_OK);
    assert_int_equal(c.events, 2);
    assert_string_equal(c.order[0], "GET");
    assert_string_equal(c.order[1], "PUT");
    assert_int_equal(c.families[KT_FAM_GENERIC], 1);
    const struct kt_run_stats *st = kt_pipeline_stats(pl);
    assert_int_equal(st->files, 1);
    assert_int_equal(st->events, 2);
    assert_int_equal(st->bad_total, 3);
    assert_int_equal(st->bad[KT_BAD_TOO_LONG], 1);
    assert_int_equal(st->records, 5); /* the blank line is not a record */
    assert_true(warnings >= 3);       /* format not known yet, and the bad lines */
    /* A failing callback stops with its rc. */
    assert_int_equal(kt_pipeline_live_line(pl, lv, 7, kt_str_cstr(lines[3]), false,
                                           stop_after_two, &(int){ 1 }),
                     KT_EIO);
    kt_pipeline_live_free(pl, lv);
    kt_pipeline_live_free(pl, NULL);
    kt_pipeline_free(pl);
}

static void test_callback_stops_run(void **state)
{
    (void)state;
    const char *text = LINE("GET", "") LINE("GET", "") LINE("GET", "");
    char *path = kt_test_tmpfile(text, strlen(text));
    struct kt_pipeline_opts opts = { 0 };
    struct kt_pipeline *pl;
    struct kt_err err;
    assert_int_equal(kt_pipeline_new(&pl, &opts, &err), KT_OK);
    int n = 0;
    char *paths[] = { path };
    assert_int_equal(kt_pipeline_run(pl, paths, 1, stop_after_two, &n, &err), KT_EIO);
    assert_int_equal(n, 2);
    kt_pipeline_free(pl);
    unlink(path);
    free(path);
}

static void test_forced_format_and_bad_field(void **state)
{
    (void)state;
    struct kt_field_override bad[] = { { "nonsense", "x" } };
    struct kt_pipeline_opts opts = { .format_opts = { bad, 1 } };
    struct kt_pipeline *pl = NULL;
    struct kt_err err;
    assert_int_equal(kt_pipeline_new(&pl, &opts, &err), KT_EUSAGE);
    assert_null(pl);

    /* Forcing jsonl on an access log: every line is malformed JSON, nothing crashes. */
    const char *text = LINE("GET", "") LINE("GET", "");
    char *path = kt_test_tmpfile(text, strlen(text));
    struct kt_pipeline_opts forced = { .format = kt_format_find("jsonl") };
    assert_int_equal(kt_pipeline_new(&pl, &forced, &err), KT_OK);
    struct collected c = { 0 };
    char *paths[] = { path };
    assert_int_equal(kt_pipeline_run(pl, paths, 1, collect, &c, &err), KT_OK);
    assert_int_equal(c.events, 0);
    assert_int_equal(kt_pipeline_stats(pl)->bad[KT_BAD_JSON], 2);
    kt_pipeline_free(pl);
    unlink(path);
    free(path);
}

/* Warnings kept for the layout tests: where they point. */
static char warned[4][600];
static int n_warned;

static void keep_warning(void *ctx, const struct kt_err *err)
{
    (void)ctx;
    if (n_warned < 4) {
        snprintf(warned[n_warned], sizeof(warned[0]), "%s", err->where);
    }
    n_warned++;
}

enum layout {
    L_WRAP_COMPACT, /* {"Records":[{...},{...}]} on one line */
    L_WRAP_PRETTY,  /* the same, pretty-printed */
    L_ARRAY,        /* a GitHub export: [{...},\n{...}] */
    L_CONCAT,       /* pretty-printed objects one after another */
    L_LINES,        /* JSON lines */
    L__COUNT
};

/* Appends printf output to buf at *len. */
static void put(char *buf, size_t cap, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void put(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *len, cap - *len, fmt, ap);
    va_end(ap);
    assert_true(n > 0 && (size_t)n < cap - *len);
    *len += (size_t)n;
}

static uint64_t lines_in(const char *p, size_t n)
{
    uint64_t lines = 1;
    for (size_t i = 0; i < n; i++) {
        lines += p[i] == '\n';
    }
    return lines;
}

/*
 * Builds n records in a layout, record `bad` invalid (an unquoted value), into buf; sets *line
 * and *offset to where the bad record starts.
 */
static size_t build(enum layout lay, int n, int bad, char *buf, size_t cap, uint64_t *line,
                    uint64_t *offset)
{
    bool pretty = lay == L_WRAP_PRETTY || lay == L_CONCAT;
    const char *nl = pretty ? "\n    " : "";
    size_t len = 0;
    if (lay == L_WRAP_COMPACT) {
        put(buf, cap, &len, "{\"Records\":[");
    } else if (lay == L_WRAP_PRETTY) {
        put(buf, cap, &len, "{\n  \"Records\": [\n");
    } else if (lay == L_ARRAY) {
        put(buf, cap, &len, "[");
    }
    for (int i = 0; i < n; i++) {
        if (i > 0) {
            const char *sep = lay == L_WRAP_COMPACT                 ? ","
                              : lay == L_LINES || lay == L_CONCAT ? "\n"
                                                                  : ",\n";
            put(buf, cap, &len, "%s", sep);
        }
        if (i == bad) {
            *offset = len;
            *line = lines_in(buf, len);
        }
        put(buf, cap, &len,
            "{%s\"eventVersion\": \"1.08\",%s\"eventTime\": \"2026-11-02T14:%02d:00Z\",%s"
            "\"eventSource\": \"s3.amazonaws.com\",%s\"eventName\": %s,%s"
            "\"sourceIPAddress\": \"198.51.100.%d\",%s\"userIdentity\": {\"accessKeyId\": "
            "\"AKIAY34FZKBOKMUTVV7A\", \"arn\": \"arn:aws:iam::1:user/a,b]}\"}%s}",
            nl, nl, i % 60, nl, nl, i == bad ? "ListBuckets\"" : "\"ListBuckets\"", nl, i % 250,
            nl, pretty ? "\n  " : "");
    }
    if (lay == L_WRAP_COMPACT) {
        put(buf, cap, &len, "]}");
    } else if (lay == L_WRAP_PRETTY) {
        put(buf, cap, &len, "\n  ]\n}\n");
    } else if (lay == L_ARRAY) {
        put(buf, cap, &len, "]\n");
    } else {
        put(buf, cap, &len, "\n");
    }
    return len;
}

/* Runs a pipeline with default options over one path, collecting events and keeping warnings
 * (n_warned starts at 0). The caller frees the pipeline. */
static struct kt_pipeline *run_collect(char *path, struct collected *c)
{
    struct kt_pipeline_opts opts = { .warn = keep_warning };
    struct kt_pipeline *pl;
    struct kt_err err;
    assert_int_equal(kt_pipeline_new(&pl, &opts, &err), KT_OK);
    char *paths[] = { path };
    n_warned = 0;
    assert_int_equal(kt_pipeline_run(pl, paths, 1, collect, c, &err), KT_OK);
    return pl;
}

static void test_bad_record_in_every_layout(void **state)
{
    (void)state;
    enum { N = 40 };
    size_t cap = 64 * 1024;
    char *buf = malloc(cap);
    const char *names[L__COUNT] = { "wrap-compact", "wrap-pretty", "array", "concat", "lines" };
    const int positions[] = { 0, N / 2, N - 1 };
    for (int lay = 0; lay < L__COUNT; lay++) {
        for (size_t k = 0; k < sizeof(positions) / sizeof(positions[0]); k++) {
            uint64_t line = 0, offset = 0;
            size_t len = build((enum layout)lay, N, positions[k], buf, cap, &line, &offset);
            char *path = kt_test_tmpfile(buf, len);
            struct collected c = { 0 };
            struct kt_pipeline *pl = run_collect(path, &c);
            const struct kt_run_stats *st = kt_pipeline_stats(pl);
            char want[700];
            /* JSON lines are split by lines unless the very first line is broken. */
            if (lay == L_LINES && positions[k] > 0) {
                snprintf(want, sizeof(want), "%s:%llu", path, (unsigned long long)line);
            } else {
                snprintf(want, sizeof(want), "%s:%llu (record %d, byte %llu)", path,
                         (unsigned long long)line, positions[k] + 1,
                         (unsigned long long)offset);
            }
            if (c.events != N - 1 || st->bad_total != 1 || st->records != N || n_warned != 1 ||
                strcmp(warned[0], want) != 0) {
                fail_msg("%s, bad record %d: %d events, %llu malformed, %llu records, %d "
                         "warnings, first at '%s' (want '%s')",
                         names[lay], positions[k], c.events, (unsigned long long)st->bad_total,
                         (unsigned long long)st->records, n_warned, warned[0], want);
            }
            assert_int_equal(st->bad[KT_BAD_JSON], 1);
            kt_pipeline_free(pl);
            unlink(path);
            free(path);
        }
    }
    free(buf);
}

/* A missing comma between two records of an array is one malformed record, not silence. */
static void test_missing_comma(void **state)
{
    (void)state;
    enum { N = 10 };
    size_t cap = 16 * 1024;
    char *buf = malloc(cap);
    uint64_t line, offset;
    size_t len = build(L_WRAP_COMPACT, N, -1, buf, cap, &line, &offset);
    /* Drop the comma before the sixth record. */
    int seen = 0;
    for (size_t i = 0; i + 1 < len; i++) {
        if (buf[i] == '}' && buf[i + 1] == ',' && buf[i + 2] == '{' && ++seen == 5) {
            memmove(buf + i + 1, buf + i + 2, len - i - 2);
            len--;
            break;
        }
    }
    char *path = kt_test_tmpfile(buf, len);
    struct collected c = { 0 };
    struct kt_pipeline *pl = run_collect(path, &c);
    assert_int_equal(c.events, N - 1);
    assert_int_equal(kt_pipeline_stats(pl)->bad[KT_BAD_JSON], 1);
    assert_int_equal(n_warned, 1);
    assert_non_null(strstr(warned[0], "(record 6, byte "));
    kt_pipeline_free(pl);
    unlink(path);
    free(path);
    free(buf);
}

/* A gzip cut anywhere, even before one whole record decodes, is damage (whatever format
 * detection concluded), never a silently skipped file. */
static void test_truncated_gzip_every_offset(void **state)
{
    (void)state;
    const char *text = LINE("GET", "") LINE("PUT", "") LINE("HEAD", "");
    size_t gz_len;
    unsigned char *gz = gzip_bytes(text, strlen(text), &gz_len);
    char dir[] = "/tmp/keytrail-trunc-XXXXXX";
    assert_non_null(mkdtemp(dir));
    /* From 2 bytes: one byte (0x1f) cannot be told from a one-byte plain file. */
    for (size_t keep = 2; keep < gz_len; keep++) {
        write_file(dir, "cut.log.gz", gz, keep);
        struct collected c = { 0 };
        struct kt_pipeline *pl = run_collect(dir, &c);
        const struct kt_run_stats *st = kt_pipeline_stats(pl);
        if (st->files_damaged != 1 || !kt_run_stats_damaged(st) || st->files_unknown != 0) {
            fail_msg("cut at %zu of %zu: damaged %llu, unknown %llu", keep, gz_len,
                     (unsigned long long)st->files_damaged,
                     (unsigned long long)st->files_unknown);
        }
        assert_true(c.events <= 3); /* the last 8 bytes are only the checksum */
        kt_pipeline_free(pl);
    }
    free(gz);
    char cmd[200];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* Two symbolic links to one directory, the same directory and the same file named again: each
 * file is read once and the skips are counted. */
static void test_each_file_once(void **state)
{
    (void)state;
    char root[] = "/tmp/keytrail-once-XXXXXX";
    assert_non_null(mkdtemp(root));
    char p[900], q[900];
    snprintf(p, sizeof(p), "%s/real", root);
    assert_int_equal(mkdir(p, 0700), 0);
    const char *text = LINE("GET", "");
    write_file(p, "access.log", text, strlen(text));
    snprintf(p, sizeof(p), "%s/top", root);
    assert_int_equal(mkdir(p, 0700), 0);
    snprintf(p, sizeof(p), "%s/real", root);
    snprintf(q, sizeof(q), "%s/top/one", root);
    assert_int_equal(symlink(p, q), 0);
    snprintf(q, sizeof(q), "%s/top/two", root);
    assert_int_equal(symlink(p, q), 0);
    snprintf(p, sizeof(p), "%s/top", root);
    snprintf(q, sizeof(q), "%s/real/access.log", root);
    struct kt_pipeline_opts opts = { .warn = keep_warning };
    struct kt_pipeline *pl;
    struct kt_err err;
    assert_int_equal(kt_pipeline_new(&pl, &opts, &err), KT_OK);
    struct collected c = { 0 };
    char *paths[] = { p, p, q };
    n_warned = 0;
    assert_int_equal(kt_pipeline_run(pl, paths, 3, collect, &c, &err), KT_OK);
    const struct kt_run_stats *st = kt_pipeline_stats(pl);
    assert_int_equal(c.events, 1);
    assert_int_equal(st->files, 1);
    assert_int_equal(st->files_duplicate, 3); /* top/two, top again, the file again */
    assert_false(kt_run_stats_damaged(st));
    assert_int_equal(n_warned, 1); /* the count, once, at the end */
    /* A second run reads everything again. */
    assert_int_equal(kt_pipeline_run(pl, paths, 1, collect, &c, &err), KT_OK);
    assert_int_equal(c.events, 2);
    kt_pipeline_free(pl);
    char cmd[1200];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tree),
        cmocka_unit_test(test_bad_record_in_every_layout),
        cmocka_unit_test(test_missing_comma),
        cmocka_unit_test(test_truncated_gzip_every_offset),
        cmocka_unit_test(test_each_file_once),
        cmocka_unit_test(test_callback_stops_run),
        cmocka_unit_test(test_time_order),
        cmocka_unit_test(test_live_lines),
        cmocka_unit_test(test_many_overlapping_files),
        cmocka_unit_test(test_forced_format_and_bad_field),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

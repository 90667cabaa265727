/*
 * The pipeline end to end in the library: a small tree of logs in mixed formats and
 * compressions, with damage of every kind, checked through the events it delivers and the run
 * statistics.
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
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
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
    int families[KT_FAM__COUNT];
};

static enum kt_rc collect(void *ctx, const struct kt_event *ev)
{
    struct collected *c = ctx;
    if (c->events < 64) {
        snprintf(c->order[c->events], sizeof(c->order[0]), "%.*s", (int)ev->method.len,
                 ev->method.ptr);
    }
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
    assert_string_equal(c.order[4], "GetCallerIdentity");
    assert_string_equal(c.order[5], "ListBuckets");
    assert_string_equal(c.order[6], "DELETE");
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tree),
        cmocka_unit_test(test_callback_stops_run),
        cmocka_unit_test(test_forced_format_and_bad_field),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

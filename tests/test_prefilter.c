/*
 * The pipeline's prefilter (hunts): a run with a needle set delivers exactly the events of a
 * full run whose records hold a needle, at the same file and line, in the same order, over
 * plain and gzip line files and CloudTrail documents (a file is the unit there: all its events
 * or none). A set that grows during the run says so (kt_pipeline_prefilter_stale), and the run
 * again with the grown set is complete. pass_all is a full run.
 */
#include "testutil.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "needles.h"
#include "pipeline.h"
#include "prescan.h"

#define TOKEN "ghp_R8q2LmN5vX0aBcDeFgHiJkLmNoPqRsTuVwXy"
#define TOKEN2 "ghp_Zz9yXwVuTsRqPoNmLkJiHgFeDcBa01234567"
#define AKID "AKIAY34FZKBOKMUTVV7A"
#define MAX_SEEN 2048

static void write_file(const char *dir, const char *name, const void *data, size_t len)
{
    char path[1300];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static void write_gz(const char *dir, const char *name, const char *text)
{
    char path[1300];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    gzFile gz = gzopen(path, "wb6");
    assert_non_null(gz);
    assert_int_equal(gzwrite(gz, text, (unsigned)strlen(text)), (int)strlen(text));
    gzclose(gz);
}

/* Every event as "basename:line:time". */
struct seen {
    char v[MAX_SEEN][96];
    size_t n;
    struct kt_needles *grow; /* when set, TOKEN2 is added at the first event using TOKEN */
    bool grown;
};

static enum kt_rc collect(void *ctx, const struct kt_event *ev)
{
    struct seen *s = ctx;
    const char *base = strrchr(ev->file, '/');
    assert_true(s->n < MAX_SEEN);
    snprintf(s->v[s->n++], sizeof(s->v[0]), "%s:%llu:%lld", base ? base + 1 : ev->file,
             (unsigned long long)ev->line, (long long)ev->time_ms);
    if (s->grow != NULL && !s->grown && ev->line == 40) {
        assert_true(kt_needles_add_token(s->grow, KT_STR_LIT(TOKEN2)));
        s->grown = true;
    }
    return KT_OK;
}

static void run(char *root, const struct kt_needles *nd, struct seen *out,
                struct kt_run_stats *st, bool *stale)
{
    struct kt_pipeline_opts opts = {.prefilter = nd};
    struct kt_pipeline *pl;
    struct kt_err err;
    assert_int_equal(kt_pipeline_new(&pl, &opts, &err), KT_OK);
    char *paths[] = {root};
    assert_int_equal(kt_pipeline_run(pl, paths, 1, collect, out, &err), KT_OK);
    if (st != NULL) {
        const struct kt_run_stats *s = kt_pipeline_stats(pl);
        st->files = s->files;
        st->files_prefiltered = s->files_prefiltered;
        st->records_prefiltered = s->records_prefiltered;
        st->events = s->events;
    }
    if (stale != NULL) {
        *stale = kt_pipeline_prefilter_stale(pl);
    }
    kt_pipeline_free(pl);
}

/* A JSON line (Kong-like) with an Authorization header; time = minute i. */
static size_t kong_line(char *out, size_t cap, int i, const char *auth)
{
    return (size_t)snprintf(out, cap,
                            "{\"started_at\":%lld,\"client_ip\":\"203.0.113.%d\",\"request\":{"
                            "\"method\":\"GET\",\"uri\":\"/v1/x?n=%d\",\"headers\":{"
                            "\"authorization\":\"%s\"}},\"response\":{\"status\":200}}\n",
                            1793620800000LL + i * 60000LL, i % 250, i, auth);
}

static void basic_of(const char *plain, char *out, size_t cap)
{
    assert_true(cap > 6 + (strlen(plain) + 2) / 3 * 4);
    memcpy(out, "Basic ", 6);
    EVP_EncodeBlock((unsigned char *)out + 6, (const unsigned char *)plain, (int)strlen(plain));
}

/* 300 lines; TOKEN on the lines in `uses` (literal, Bearer, Basic with a user name), other
 * tokens elsewhere; TOKEN2 on line 20 and line 60. */
static char *kong_text(const int *uses, size_t n_uses)
{
    size_t cap = 300 * 400, len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    for (int i = 1; i <= 300; i++) {
        char auth[200];
        snprintf(auth, sizeof(auth), "Bearer ghp_other%032d", i);
        for (size_t k = 0; k < n_uses; k++) {
            if (uses[k] != i) {
                continue;
            }
            switch (k % 4) {
            case 0: snprintf(auth, sizeof(auth), "Bearer %s", TOKEN); break;
            case 1: basic_of("x-access-token:" TOKEN, auth, sizeof(auth)); break;
            case 2: basic_of(TOKEN ":x-oauth-basic", auth, sizeof(auth)); break;
            default: basic_of("ab:" TOKEN, auth, sizeof(auth)); break;
            }
        }
        if (i == 20 || i == 60) {
            snprintf(auth, sizeof(auth), "Bearer %s", TOKEN2);
        }
        len += kong_line(text + len, cap - len, i, auth);
    }
    return text;
}

/* The events of full whose "name:line:" prefix is in the wanted lines, in order. */
static void expect_subset(const struct seen *full, const struct seen *got, const char *name,
                          const int *lines, size_t n_lines)
{
    size_t k = 0;
    for (size_t i = 0; i < full->n; i++) {
        for (size_t j = 0; j < n_lines; j++) {
            char prefix[64];
            snprintf(prefix, sizeof(prefix), "%s:%d:", name, lines[j]);
            if (strncmp(full->v[i], prefix, strlen(prefix)) == 0) {
                assert_true(k < got->n);
                assert_string_equal(got->v[k], full->v[i]);
                k++;
            }
        }
    }
    assert_int_equal(k, n_lines);
}

static void test_lines_plain_and_gz(void **state)
{
    (void)state;
    char root[] = "/tmp/keytrail-prefilter-XXXXXX";
    assert_non_null(mkdtemp(root));
    const int uses[] = {1, 7, 150, 151, 299, 300};
    char *text = kong_text(uses, sizeof(uses) / sizeof(uses[0]));
    write_file(root, "api.log", text, strlen(text));
    /* The same lines, shifted 3.5 days later so the two files do not interleave. */
    for (char *p = strstr(text, "\"started_at\":1793"); p != NULL;
         p = strstr(p + 1, "\"started_at\":1793")) {
        p[17] = '9';
    }
    write_gz(root, "api.log.gz", text);
    free(text);

    struct seen *full = calloc(1, sizeof(*full));
    struct seen *got = calloc(1, sizeof(*got));
    assert_true(full != NULL && got != NULL);
    run(root, NULL, full, NULL, NULL);
    assert_int_equal(full->n, 600);

    struct kt_needles *nd = kt_needles_new();
    assert_true(kt_needles_add_token(nd, KT_STR_LIT(TOKEN)));
    struct kt_run_stats st;
    bool stale = true;
    run(root, nd, got, &st, &stale);
    assert_int_equal(got->n, 12);
    expect_subset(full, got, "api.log", uses, 6);
    /* The gzip file's events come after the plain one's (a day later). */
    struct seen *gz_only = calloc(1, sizeof(*gz_only));
    assert_non_null(gz_only);
    memcpy(gz_only->v, got->v + 6, 6 * sizeof(got->v[0]));
    gz_only->n = 6;
    expect_subset(full, gz_only, "api.log.gz", uses, 6);
    assert_int_equal(st.records_prefiltered, 600 - 12);
    assert_int_equal(st.files, 2);
    assert_false(stale);

    /* pass_all: the full run. */
    kt_needles_pass_all(nd);
    memset(got, 0, sizeof(*got));
    run(root, nd, got, &st, NULL);
    assert_int_equal(got->n, full->n);
    for (size_t i = 0; i < full->n; i++) {
        assert_string_equal(got->v[i], full->v[i]);
    }
    assert_int_equal(st.records_prefiltered, 0);
    kt_needles_free(nd);
    free(gz_only);
    free(full);
    free(got);
    char path[1300];
    snprintf(path, sizeof(path), "%s/api.log", root);
    unlink(path);
    snprintf(path, sizeof(path), "%s/api.log.gz", root);
    unlink(path);
    rmdir(root);
}

/* A CloudTrail document of n records at minute base+i, the key of record `with` (0: none) being
 * AKID, pretty-printed one key per line when pretty. */
static char *trail(int base, int n, int with, bool pretty)
{
    size_t cap = (size_t)n * 400 + 64, len = 0;
    char *t = malloc(cap);
    assert_non_null(t);
    const char *nl = pretty ? "\n  " : "";
    len += (size_t)snprintf(t + len, cap - len, "{\"Records\":[%s", nl);
    for (int i = 1; i <= n; i++) {
        char key[32];
        snprintf(key, sizeof(key), "%s", i == with ? AKID : "AKIAZZZZZZZZZZZZZZ00");
        len += (size_t)snprintf(
            t + len, cap - len,
            "%s{\"eventVersion\":\"1.08\",%s\"eventTime\":\"2026-11-02T%02d:%02d:05Z\",%s"
            "\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"ListBuckets\",%s"
            "\"sourceIPAddress\":\"198.51.100.%d\",%s\"userIdentity\":{\"accessKeyId\":\"%s\"}}",
            i > 1 ? "," : "", nl, (base + i) / 60, (base + i) % 60, nl, nl, i, nl, key);
    }
    snprintf(t + len, cap - len, "%s]}\n", nl);
    return t;
}

static void test_cloudtrail_files(void **state)
{
    (void)state;
    char root[] = "/tmp/keytrail-prefilter-ct-XXXXXX";
    assert_non_null(mkdtemp(root));
    const char *names[] = {"a_0000Z.json.gz", "b_0100Z.json.gz", "c_0200Z.json.gz",
                           "d_0300Z.json"};
    for (int f = 0; f < 4; f++) {
        /* The key is in the second file (pretty-printed, so lines count) and the fourth. */
        char *t = trail(f * 60, 30, f == 1 ? 17 : f == 3 ? 2 : 0, f == 1);
        if (f == 3) {
            write_file(root, names[f], t, strlen(t));
        } else {
            write_gz(root, names[f], t);
        }
        free(t);
    }
    struct seen *full = calloc(1, sizeof(*full));
    struct seen *got = calloc(1, sizeof(*got));
    assert_true(full != NULL && got != NULL);
    run(root, NULL, full, NULL, NULL);
    assert_int_equal(full->n, 120);

    struct kt_needles *nd = kt_needles_new();
    assert_true(kt_needles_add_token(nd, KT_STR_LIT(AKID)));
    struct kt_run_stats st;
    run(root, nd, got, &st, NULL);
    /* Every event of the two files with the key, as the full run had them; none of the rest. */
    assert_int_equal(got->n, 60);
    size_t k = 0;
    for (size_t i = 0; i < full->n; i++) {
        if (strncmp(full->v[i], "b_", 2) == 0 || strncmp(full->v[i], "d_", 2) == 0) {
            assert_string_equal(got->v[k], full->v[i]);
            k++;
        }
    }
    assert_int_equal(k, 60);
    assert_int_equal(st.files_prefiltered, 2);
    assert_int_equal(st.files, 2);
    /* The pretty-printed file's records keep their own lines: 2, 6, 10, ... */
    for (size_t i = 0; i < 30; i++) {
        char prefix[64];
        snprintf(prefix, sizeof(prefix), "b_0100Z.json.gz:%zu:", 2 + 4 * i);
        assert_true(strncmp(got->v[i], prefix, strlen(prefix)) == 0);
    }
    kt_needles_free(nd);
    free(full);
    free(got);
    for (int f = 0; f < 4; f++) {
        char path[1300];
        snprintf(path, sizeof(path), "%s/%s", root, names[f]);
        unlink(path);
    }
    rmdir(root);
}

static void test_generation_grows(void **state)
{
    (void)state;
    char root[] = "/tmp/keytrail-prefilter-gen-XXXXXX";
    assert_non_null(mkdtemp(root));
    const int uses[] = {40};
    char *text = kong_text(uses, 1);
    write_file(root, "api.log", text, strlen(text));
    free(text);
    struct kt_needles *nd = kt_needles_new();
    assert_true(kt_needles_add_token(nd, KT_STR_LIT(TOKEN)));
    struct seen *got = calloc(1, sizeof(*got));
    assert_non_null(got);
    got->grow = nd;
    bool stale = false;
    run(root, nd, got, NULL, &stale);
    /* TOKEN on line 40 adds TOKEN2: its line 60 comes through, line 20 was skipped before. */
    assert_true(got->grown);
    assert_int_equal(got->n, 2);
    assert_true(strncmp(got->v[0], "api.log:40:", 11) == 0);
    assert_true(strncmp(got->v[1], "api.log:60:", 11) == 0);
    assert_true(stale);
    /* Again with the grown set: complete, and nothing stale. */
    memset(got, 0, sizeof(*got));
    run(root, nd, got, NULL, &stale);
    assert_int_equal(got->n, 3);
    assert_true(strncmp(got->v[0], "api.log:20:", 11) == 0);
    assert_false(stale);
    kt_needles_free(nd);
    free(got);
    char path[1300];
    snprintf(path, sizeof(path), "%s/api.log", root);
    unlink(path);
    rmdir(root);
}

/* The whole-file search reads in chunks the size of the source's reads: with 7-byte reads a
 * needle straddles chunks at every offset. Files without a needle are skipped; a missing file
 * and a damaged one are left to the run. */
static void test_prescan_chunks(void **state)
{
    (void)state;
    char root[] = "/tmp/keytrail-prescan-XXXXXX";
    assert_non_null(mkdtemp(root));
    char text[600];
    memset(text, 'a', sizeof(text));
    struct kt_needles *nd = kt_needles_new();
    assert_true(kt_needles_add(nd, KT_STR_LIT(AKID)));
    const size_t len = strlen(AKID);
    char names[20][32];
    const char *paths[22];
    for (size_t i = 0; i < 20; i++) {
        snprintf(names[i], sizeof(names[i]), "f%02zu.log", i);
        if (i < 19) { /* needle at offset 100 + i: every alignment against 7-byte reads */
            memcpy(text + 100 + i, AKID, len);
        }
        write_file(root, names[i], text, sizeof(text));
        memset(text, 'a', sizeof(text));
        paths[i] = names[i];
    }
    write_gz(root, "none.log.gz", "nothing here\n");
    char damaged[] = {0x1f, (char)0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2};
    write_file(root, "damaged.gz", damaged, sizeof(damaged));
    assert_int_equal(chdir(root), 0);
    paths[20] = "none.log.gz";
    paths[21] = "damaged.gz";
    const char *all[23];
    memcpy(all, paths, sizeof(paths));
    all[22] = "missing.log";
    struct kt_source_opts so = {.read_size = 7};
    bool skip[23];
    for (unsigned threads = 1; threads <= 3; threads++) {
        assert_int_equal(kt_prescan_files(all, 23, nd, &so, threads, skip), KT_OK);
        for (size_t i = 0; i < 19; i++) {
            assert_false(skip[i]);
        }
        assert_true(skip[19]);  /* all 'a' */
        assert_true(skip[20]);  /* gzip without the needle */
        assert_false(skip[21]); /* damaged: the run reports it */
        assert_false(skip[22]); /* missing: the run reports it */
    }
    /* pass_all: nothing is skipped. */
    kt_needles_pass_all(nd);
    assert_int_equal(kt_prescan_files(all, 23, nd, &so, 2, skip), KT_OK);
    for (size_t i = 0; i < 23; i++) {
        assert_false(skip[i]);
    }
    kt_needles_free(nd);
    for (size_t i = 0; i < 22; i++) {
        unlink(all[i]);
    }
    assert_int_equal(chdir("/"), 0);
    rmdir(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines_plain_and_gz),
        cmocka_unit_test(test_cloudtrail_files),
        cmocka_unit_test(test_generation_grows),
        cmocka_unit_test(test_prescan_chunks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

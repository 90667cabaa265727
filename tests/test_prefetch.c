/*
 * The read-ahead thread: it must hand out exactly the bytes and the final status the source
 * itself would, whatever the reader's buffer sizes, and stop cleanly at any point.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#include "prefetch.h"

static char *gzip_file(const char *data, size_t len, size_t keep)
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
    size_t n = cap - z.avail_out;
    deflateEnd(&z);
    char *path = kt_test_tmpfile(out, keep ? keep : n);
    free(out);
    return path;
}

static char *make_text(size_t len)
{
    char *text = malloc(len);
    uint64_t rng = 11;
    for (size_t i = 0; i < len; i++) {
        uint64_t r = kt_test_rand(&rng) % 40;
        text[i] = r == 0 ? '\n' : (char)('a' + r % 26);
    }
    return text;
}

/* Reads everything through a prefetcher with reader caps drawn from rng; returns the status
 * that ended it and the bytes in *out (malloc'd). */
static enum kt_rc read_all(const char *path, size_t nbufs, size_t bufsize, uint64_t rng,
                           char **out, size_t *out_len)
{
    struct kt_source *src;
    struct kt_err err;
    struct kt_source_opts so = { .read_size = 4096 };
    assert_int_equal(kt_source_open(&src, path, &so, &err), KT_OK);
    struct kt_prefetch *pf;
    assert_int_equal(kt_prefetch_start(&pf, src, nbufs, bufsize), KT_OK);
    size_t cap = 1 << 22, len = 0;
    char *buf = malloc(cap);
    enum kt_rc rc;
    for (;;) {
        size_t want = 1 + kt_test_rand(&rng) % 5000;
        size_t n;
        rc = kt_prefetch_read(pf, buf + len, KT_MIN(want, cap - len), &n, &err);
        if (rc != KT_OK) {
            break;
        }
        assert_true(n > 0);
        len += n;
    }
    /* After the end, the end again. */
    size_t n;
    assert_int_equal(kt_prefetch_read(pf, buf, 10, &n, &err), KT_END);
    assert_int_equal(kt_prefetch_bytes_out(pf), len);
    kt_prefetch_stop(pf);
    kt_source_free(src);
    *out = buf;
    *out_len = len;
    return rc;
}

static void test_same_bytes_as_the_source(void **state)
{
    (void)state;
    /* Tiny slots make a hand-over per byte: a small input keeps that quick even on a busy
     * machine; large slots get a large input. */
    const struct {
        size_t nbufs, bufsize, len;
    } shapes[] = { { 2, 1, 20000 }, { 2, 7, 100000 }, { 4, 4096, 1 << 20 }, { 3, 1 << 20, 3 << 20 } };
    for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
        char *text = make_text(shapes[i].len);
        char *path = gzip_file(text, shapes[i].len, 0);
        char *got;
        size_t got_len;
        assert_int_equal(read_all(path, shapes[i].nbufs, shapes[i].bufsize, 1 + i, &got, &got_len),
                         KT_END);
        assert_int_equal(got_len, shapes[i].len);
        assert_memory_equal(got, text, shapes[i].len);
        free(got);
        unlink(path);
        free(path);
        free(text);
    }
}

static void test_damage_arrives_after_the_bytes(void **state)
{
    (void)state;
    size_t len = 1 << 20;
    char *text = make_text(len);
    char *whole = gzip_file(text, len, 0);
    size_t full;
    char *gz = kt_test_slurp(whole, &full);
    unlink(whole);
    free(whole);
    char *path = kt_test_tmpfile(gz, full / 2);
    char *got;
    size_t got_len;
    assert_int_equal(read_all(path, 2, 8192, 5, &got, &got_len), KT_ETRUNCATED);
    assert_true(got_len > 0 && got_len < len);
    assert_memory_equal(got, text, got_len); /* a prefix of the original */
    free(got);
    unlink(path);
    free(path);
    free(gz);
    free(text);
}

static void test_stop_early(void **state)
{
    (void)state;
    size_t len = 4 << 20;
    char *text = make_text(len);
    char *path = gzip_file(text, len, 0);
    for (int round = 0; round < 20; round++) {
        struct kt_source *src;
        struct kt_err err;
        assert_int_equal(kt_source_open(&src, path, NULL, &err), KT_OK);
        struct kt_prefetch *pf;
        assert_int_equal(kt_prefetch_start(&pf, src, 2, 65536), KT_OK);
        char buf[1000];
        size_t n;
        for (int k = 0; k < round; k++) {
            assert_int_equal(kt_prefetch_read(pf, buf, sizeof(buf), &n, &err), KT_OK);
        }
        kt_prefetch_stop(pf); /* with the thread blocked on a full ring, or still reading */
        kt_source_free(src);
    }
    kt_prefetch_stop(NULL);
    unlink(path);
    free(path);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_bytes_as_the_source),
        cmocka_unit_test(test_damage_arrives_after_the_bytes),
        cmocka_unit_test(test_stop_early),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Output channels (src/out.c): bytes reach the file only through the redactor, a token split
 * over many writes (down to one byte at a time) is still seen whole, a partial line waits for
 * its end or a flush, long lines are cut where no secret can be, and stdio streams over a
 * channel behave the same.
 */
#include "test_cred_helpers.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "out.h"

static char path[64];

static int setup(void **state)
{
    (void)state;
    snprintf(path, sizeof(path), "/tmp/kt_test_out.%d", (int)getpid());
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    return 0;
}

/* The whole file, NUL-terminated (caller frees). */
static char *slurp(size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static void test_split_writes(void **state)
{
    (void)state;
    char tok[64], line[256];
    tc_checksum_token("ghp_", 5, tok);
    snprintf(line, sizeof(line), "{\"ua\":\"Evil/%s_old\"}\n", tok);
    for (size_t chunk = 1; chunk <= 8; chunk++) {
        int fd = kt_out_open(path);
        assert_true(fd >= 0);
        for (int rep = 0; rep < 3; rep++) {
            for (size_t o = 0; o < strlen(line); o += chunk) {
                size_t n = KT_MIN(chunk, strlen(line) - o);
                assert_int_equal(kt_out_write(fd, line + o, n, NULL), KT_OK);
            }
        }
        assert_int_equal(kt_out_close(fd), KT_OK);
        size_t len;
        char *got = slurp(&len);
        assert_null(strstr(got, tok + 4));
        char want[256];
        snprintf(want, sizeof(want), "{\"ua\":\"Evil/ghp_\xe2\x80\xa6%s_old\"}\n", tok + 36);
        assert_int_equal(len, 3 * strlen(want));
        assert_memory_equal(got, want, strlen(want));
    }
}

/* Appending keeps what the file holds (watch reopening its alerts); opening truncates. */
static void test_append(void **state)
{
    (void)state;
    int fd = kt_out_open(path);
    assert_true(fd >= 0);
    assert_int_equal(kt_out_write(fd, "one\n", 4, NULL), KT_OK);
    assert_int_equal(kt_out_close(fd), KT_OK);
    fd = kt_out_open_append(path);
    assert_true(fd >= 0);
    assert_int_equal(kt_out_write(fd, "two\n", 4, NULL), KT_OK);
    assert_int_equal(kt_out_close(fd), KT_OK);
    size_t len;
    assert_string_equal(slurp(&len), "one\ntwo\n");
    fd = kt_out_open(path);
    assert_true(fd >= 0);
    assert_int_equal(kt_out_close(fd), KT_OK);
    assert_string_equal(slurp(&len), "");
}

/* A partial line waits: nothing of it is written until its newline or a flush. */
static void test_partial_line_waits(void **state)
{
    (void)state;
    int fd = kt_out_open(path);
    assert_true(fd >= 0);
    assert_int_equal(kt_out_write(fd, "done\nhalf a li", 14, NULL), KT_OK);
    size_t len;
    assert_string_equal(slurp(&len), "done\n");
    assert_int_equal(kt_out_flush(fd, NULL), KT_OK);
    assert_string_equal(slurp(&len), "done\nhalf a li");
    assert_int_equal(kt_out_close(fd), KT_OK);
}

/* A line far longer than the channel's window is cut at a byte no secret holds. */
static void test_long_line(void **state)
{
    (void)state;
    char tok[64];
    tc_checksum_token("npm_", 8, tok);
    int fd = kt_out_open(path);
    assert_true(fd >= 0);
    size_t written = 0;
    for (int i = 0; i < 20000; i++) {
        char piece[96];
        int n = snprintf(piece, sizeof(piece), "%s, ", tok);
        assert_int_equal(kt_out_write(fd, piece, (size_t)n, NULL), KT_OK);
        written += (size_t)n;
    }
    size_t len;
    char *got = slurp(&len);
    assert_true(len > 0); /* part of the line went out before its end */
    assert_null(strstr(got, tok + 4));
    assert_int_equal(kt_out_close(fd), KT_OK);
    got = slurp(&len);
    assert_null(strstr(got, tok + 4));
    assert_true(written > len); /* every token became a shorter hint */
}

/* stdio over a channel: fprintf in pieces, fclose flushes and closes. */
static void test_stdio_stream(void **state)
{
    (void)state;
    char tok[64];
    tc_token("sk_live_", B62, 40, 3, tok);
    FILE *f = kt_out_fopen(path);
    assert_non_null(f);
    fprintf(f, "key %.*s", 20, tok);
    fprintf(f, "%s and more", tok + 20);
    assert_int_equal(fclose(f), 0);
    size_t len;
    char *got = slurp(&len);
    assert_null(strstr(got, tok + 8));
    assert_non_null(strstr(got, "sk_live_\xe2\x80\xa6"));
    assert_non_null(strstr(got, " and more"));
    assert_null(kt_out_fopen("/nonexistent-dir/x"));
}

/* A write error latches: later writes fail without writing. */
static void test_write_error(void **state)
{
    (void)state;
    int fd = kt_out_open(path);
    assert_true(fd >= 0);
    int rd = open(path, O_RDONLY);
    assert_true(rd >= 0);
    /* Make fd refer to a read-only descriptor: writes now fail with EBADF. */
    assert_true(dup2(rd, fd) == fd);
    close(rd);
    int e = 0;
    assert_int_equal(kt_out_write(fd, "x\n", 2, &e), KT_EIO);
    assert_int_equal(e, EBADF);
    assert_int_equal(kt_out_write(fd, "y\n", 2, NULL), KT_EIO);
    assert_int_equal(kt_out_close(fd), KT_EIO);
    assert_int_equal(kt_out_write(-1, "z", 1, NULL), KT_EIO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_writes),
        cmocka_unit_test(test_partial_line_waits),
        cmocka_unit_test(test_append),
        cmocka_unit_test(test_long_line),
        cmocka_unit_test(test_stdio_stream),
        cmocka_unit_test(test_write_error),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

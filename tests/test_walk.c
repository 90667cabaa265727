/* Path walking: chronological name order, recursion, hidden entries, loops, errors, and each
 * file and directory visited once however many paths lead to it. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "walk.h"

static void test_name_order(void **state)
{
    (void)state;
    /* Each row must sort strictly before the next. */
    static const char *const ordered[][2] = {
        { "access.log-20261012.gz", "access.log-20261013.gz" },
        { "access.log-20261013.gz", "access.log-20261101" },
        { "access.log-20261104.gz", "access.log" },
        { "access.log.10.gz", "access.log.9.gz" },
        { "access.log.2.gz", "access.log.1" },
        { "access.log.1", "access.log" },
        { "2026", "2027" },
        { "9", "10" },
        { "x_20261012T0005Z_a.json.gz", "x_20261012T0010Z_a.json.gz" },
        { "a.log", "b.log" },
        { "file2", "file10" },
    };
    for (size_t i = 0; i < sizeof(ordered) / sizeof(ordered[0]); i++) {
        if (!(kt_walk_name_cmp(ordered[i][0], ordered[i][1]) < 0)) {
            fail_msg("expected %s < %s", ordered[i][0], ordered[i][1]);
        }
        if (!(kt_walk_name_cmp(ordered[i][1], ordered[i][0]) > 0)) {
            fail_msg("expected %s > %s", ordered[i][1], ordered[i][0]);
        }
    }
    assert_int_equal(kt_walk_name_cmp("same", "same"), 0);
}

struct seen {
    char files[32][512];
    int n;
    int errors;
};

static enum kt_rc on_file(void *ctx, const char *path)
{
    struct seen *s = ctx;
    if (s->n < 32) {
        snprintf(s->files[s->n++], sizeof(s->files[0]), "%s", path);
    }
    return KT_OK;
}

static void on_error(void *ctx, const struct kt_err *err)
{
    struct seen *s = ctx;
    assert_int_equal(err->rc, KT_EOPEN);
    assert_true(err->where[0] != '\0');
    s->errors++;
}

static void touch(const char *root, const char *rel)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("x\n", f);
    fclose(f);
}

static void test_walk_tree(void **state)
{
    (void)state;
    char root[] = "/tmp/keytrail-walk-XXXXXX";
    assert_non_null(mkdtemp(root));
    char p[1024];
    snprintf(p, sizeof(p), "%s/2026", root);
    mkdir(p, 0700);
    snprintf(p, sizeof(p), "%s/2026/10", root);
    mkdir(p, 0700);
    snprintf(p, sizeof(p), "%s/2026/9", root);
    mkdir(p, 0700);
    snprintf(p, sizeof(p), "%s/.hidden", root);
    mkdir(p, 0700);
    touch(root, "2026/10/b.json");
    touch(root, "2026/10/a.json");
    touch(root, "2026/9/z.json");
    touch(root, ".hidden/secret.log");
    touch(root, ".dotfile");
    touch(root, "access.log");
    touch(root, "access.log.1");
    touch(root, "access.log.2.gz");
    /* A symlink loop must be reported once, not followed forever. */
    snprintf(p, sizeof(p), "%s/2026/10/loop", root);
    assert_int_equal(symlink(root, p), 0);

    struct seen s = { 0 };
    assert_int_equal(kt_walk(root, NULL, on_file, on_error, &s), KT_OK);
    const char *want[] = { "2026/9/z.json", "2026/10/a.json", "2026/10/b.json",
                           "access.log.2.gz", "access.log.1", "access.log" };
    assert_int_equal(s.n, 6);
    for (int i = 0; i < 6; i++) {
        char full[1024];
        snprintf(full, sizeof(full), "%s/%s", root, want[i]);
        assert_string_equal(s.files[i], full);
    }
    assert_int_equal(s.errors, 1);

    /* Explicit paths: a file is itself, "-" is stdin, a missing path is an error. */
    struct seen t = { 0 };
    snprintf(p, sizeof(p), "%s/.dotfile", root);
    assert_int_equal(kt_walk(p, NULL, on_file, on_error, &t), KT_OK);
    assert_int_equal(kt_walk("-", NULL, on_file, on_error, &t), KT_OK);
    assert_int_equal(kt_walk("/nonexistent/keytrail", NULL, on_file, on_error, &t), KT_OK);
    assert_int_equal(t.n, 2);
    assert_string_equal(t.files[0], p);
    assert_string_equal(t.files[1], "-");
    assert_int_equal(t.errors, 1);

    char cmd[1200];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
}

static enum kt_rc stop_at_first(void *ctx, const char *path)
{
    (void)ctx;
    (void)path;
    return KT_EIO;
}

static void test_walk_stops_on_callback_error(void **state)
{
    (void)state;
    assert_int_equal(kt_walk("-", NULL, stop_at_first, NULL, NULL), KT_EIO);
}

/* A diamond of symbolic links, levels deep: without the visited set the one file at the
 * bottom is reached 2^levels times. */
static void test_diamond_visited_once(void **state)
{
    (void)state;
    enum { LEVELS = 22 };
    char root[] = "/tmp/keytrail-diamond-XXXXXX";
    assert_non_null(mkdtemp(root));
    char p[1024], q[1100], prev[1024];
    snprintf(prev, sizeof(prev), "%s/top", root);
    assert_int_equal(mkdir(prev, 0700), 0);
    for (int i = 1; i <= LEVELS; i++) {
        snprintf(p, sizeof(p), "%s/d%d", root, i);
        assert_int_equal(mkdir(p, 0700), 0);
        snprintf(q, sizeof(q), "%s/a", prev);
        assert_int_equal(symlink(p, q), 0);
        snprintf(q, sizeof(q), "%s/b", prev);
        assert_int_equal(symlink(p, q), 0);
        snprintf(prev, sizeof(prev), "%s", p);
    }
    char rel[32];
    snprintf(rel, sizeof(rel), "d%d/x.log", LEVELS);
    touch(root, rel);
    /* A hard link to the file in the top directory is the same file too. */
    snprintf(p, sizeof(p), "%s/d%d/x.log", root, LEVELS);
    snprintf(q, sizeof(q), "%s/top/hard.log", root);
    assert_int_equal(link(p, q), 0);

    struct kt_walk_seen *seen;
    assert_int_equal(kt_walk_seen_new(&seen), KT_OK);
    struct seen s = { 0 };
    snprintf(q, sizeof(q), "%s/top", root);
    assert_int_equal(kt_walk(q, seen, on_file, on_error, &s), KT_OK);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.errors, 0);
    /* One second link per level, and the hard link. */
    assert_int_equal(kt_walk_seen_skipped(seen), LEVELS + 1);
    /* The same directory and the same file named again in the run. */
    assert_int_equal(kt_walk(q, seen, on_file, on_error, &s), KT_OK);
    assert_int_equal(kt_walk(p, seen, on_file, on_error, &s), KT_OK);
    assert_int_equal(s.n, 1);
    assert_int_equal(kt_walk_seen_skipped(seen), LEVELS + 3);
    /* Standard input is a stream: always read. */
    assert_int_equal(kt_walk("-", seen, on_file, on_error, &s), KT_OK);
    assert_int_equal(kt_walk("-", seen, on_file, on_error, &s), KT_OK);
    assert_int_equal(s.n, 3);
    kt_walk_seen_free(seen);
    kt_walk_seen_free(NULL);

    char cmd[1200];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
}

/* Many distinct files: the set grows and still tells them apart. */
static void test_many_files(void **state)
{
    (void)state;
    char root[] = "/tmp/keytrail-many-XXXXXX";
    assert_non_null(mkdtemp(root));
    for (int i = 0; i < 300; i++) {
        char name[32];
        snprintf(name, sizeof(name), "f%03d.log", i);
        touch(root, name);
    }
    struct kt_walk_seen *seen;
    assert_int_equal(kt_walk_seen_new(&seen), KT_OK);
    struct seen s = { 0 };
    assert_int_equal(kt_walk(root, seen, on_file, on_error, &s), KT_OK);
    assert_int_equal(s.n, 32); /* the collector keeps 32; the count below is what matters */
    assert_int_equal(kt_walk_seen_skipped(seen), 0);
    assert_int_equal(kt_walk(root, seen, on_file, on_error, &s), KT_OK);
    assert_int_equal(kt_walk_seen_skipped(seen), 1); /* the directory, not its 300 files */
    kt_walk_seen_free(seen);
    char cmd[200];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_name_order),
        cmocka_unit_test(test_walk_tree),
        cmocka_unit_test(test_walk_stops_on_callback_error),
        cmocka_unit_test(test_diamond_visited_once),
        cmocka_unit_test(test_many_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Micro-benchmark for the JSON scanner: throughput of kt_json_skip and kt_json_extract over a
 * file of JSON lines, and of json-c's strict parser on the same lines for comparison.
 *
 * The file is read into memory once and split into lines up front, so only scanning is timed.
 * Each mode runs `passes` times and the best and median pass are reported in GB/s of input
 * bytes (newlines excluded), timed with the thread's CPU clock so that other processes on a
 * busy machine do not count. Not built by default; build it by hand, for example:
 *
 *   cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -I include -I src tests/bench/bench_json.c \
 *      src/json_scan.c $(pkg-config --cflags --libs json-c) -o /tmp/bench_json
 *   /tmp/bench_json /tmp/jbench/mixed.jsonl 5 skip,extract union
 *   /tmp/bench_json /tmp/jbench/kong.jsonl 5 skip,extract kong
 *
 * or from CMake (tests/CMakeLists.txt):
 *
 *   add_executable(bench_json EXCLUDE_FROM_ALL ${CMAKE_CURRENT_SOURCE_DIR}/bench/bench_json.c)
 *   target_include_directories(bench_json PRIVATE ${CMAKE_SOURCE_DIR}/src)
 *   target_link_libraries(bench_json PRIVATE keytrail_core)
 *
 * Usage: bench_json FILE [passes] [modes] [paths]: modes a comma list of skip,extract,jsonc
 * (default: all three); paths the field set extract captures: one format's (kong, envoy,
 * traefik, github, cloudtrail: 6-8 paths, as that format's parser would use) or "union" (all
 * of them; the default). Prints one line per mode.
 */
#include "json_scan.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The fields a pipeline would take from each format, and their union (the default). */
static const char *const kong_paths[] = {
    "client_ip",
    "started_at",
    "request.method",
    "request.uri",
    "request.headers.authorization",
    "request.headers.user-agent",
    "response.status",
    NULL,
};
static const char *const envoy_paths[] = {
    "start_time", "method",          "path", "response_code", "authorization",
    "user_agent", "x_forwarded_for", NULL,
};
static const char *const traefik_paths[] = {
    "ClientHost", "DownstreamStatus",      "RequestMethod",      "RequestPath",
    "StartUTC",   "request_Authorization", "request_User-Agent", NULL,
};
static const char *const github_paths[] = {
    "@timestamp", "action", "actor", "actor_ip", "hashed_token", "user_agent", NULL,
};
static const char *const cloudtrail_paths[] = {
    "eventTime",        "eventName", "eventSource",
    "sourceIPAddress",  "userAgent", "userIdentity.accessKeyId",
    "userIdentity.arn", "errorCode", NULL,
};
static const char *const *const path_sets[] = {
    kong_paths, envoy_paths, traefik_paths, github_paths, cloudtrail_paths,
};
static const char *const set_names[] = {"kong", "envoy", "traefik", "github", "cloudtrail"};
#define BENCH_MAX_PATHS 64

struct line {
    const char *p;
    size_t n;
};

/* CPU time of this thread: the machine is shared, and waiting for a core is not scanning. */
static double now_sec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One pass of a mode; returns a checksum so that nothing is optimised away. */
static size_t run_pass(const char *mode, const struct line *lines, size_t nlines,
                       const struct kt_json_paths *paths, size_t *bad)
{
    size_t sum = 0;
    *bad = 0;
    if (strcmp(mode, "skip") == 0) {
        for (size_t i = 0; i < nlines; i++) {
            size_t end = 0;
            *bad += kt_json_skip(lines[i].p, lines[i].n, &end) != KT_JSON_OK;
            sum += end;
        }
    } else if (strcmp(mode, "extract") == 0) {
        struct kt_json_val slots[BENCH_MAX_PATHS];
        size_t n = kt_json_paths_count(paths);
        for (size_t i = 0; i < nlines; i++) {
            size_t end = 0;
            *bad += kt_json_extract(paths, lines[i].p, lines[i].n, slots, &end) != KT_JSON_OK;
            for (size_t k = 0; k < n; k++) {
                sum += slots[k].raw.len;
            }
        }
    } else {
        struct json_tokener *tok = json_tokener_new();
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
        for (size_t i = 0; i < nlines; i++) {
            json_tokener_reset(tok);
            struct json_object *o = json_tokener_parse_ex(tok, lines[i].p, (int)lines[i].n);
            *bad += o == NULL;
            sum += json_tokener_get_parse_end(tok);
            json_object_put(o);
        }
        json_tokener_free(tok);
    }
    return sum;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr,
                "usage: %s FILE [passes] [skip,extract,jsonc] [kong|envoy|traefik|github|"
                "cloudtrail|union]\n",
                argv[0]);
        return 2;
    }
    int passes = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 5;
    const char *modes = argc > 3 ? argv[3] : "skip,extract,jsonc";
    if (passes < 1 || passes > 100) {
        passes = 5;
    }

    FILE *f = fopen(argv[1], "rb");
    if (f == NULL) {
        perror(argv[1]);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long fsize = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = malloc((size_t)fsize + 1);
    if (data == NULL || fread(data, 1, (size_t)fsize, f) != (size_t)fsize) {
        fprintf(stderr, "cannot read %s\n", argv[1]);
        return 1;
    }
    fclose(f);

    size_t cap = 1024, nlines = 0, bytes = 0;
    struct line *lines = malloc(cap * sizeof(*lines));
    for (size_t i = 0; i < (size_t)fsize;) {
        const char *nl = memchr(data + i, '\n', (size_t)fsize - i);
        size_t n = nl ? (size_t)(nl - (data + i)) : (size_t)fsize - i;
        if (nlines == cap) {
            cap *= 2;
            lines = realloc(lines, cap * sizeof(*lines));
        }
        if (lines == NULL) {
            return 1;
        }
        lines[nlines++] = (struct line){data + i, n};
        bytes += n;
        i += n + 1;
    }

    /* The path set: one format's, or the union of all of them. */
    const char *set = argc > 4 ? argv[4] : "union";
    const char *chosen[BENCH_MAX_PATHS];
    size_t npaths = 0;
    for (size_t k = 0; k < sizeof(path_sets) / sizeof(path_sets[0]); k++) {
        if (strcmp(set, "union") != 0 && strcmp(set, set_names[k]) != 0) {
            continue;
        }
        for (const char *const *q = path_sets[k]; *q != NULL && npaths < BENCH_MAX_PATHS; q++) {
            chosen[npaths++] = *q;
        }
    }
    struct kt_json_paths *paths = NULL;
    if (npaths == 0 || kt_json_paths_new(&paths, chosen, npaths) != KT_OK) {
        fprintf(stderr, "bad path set %s\n", set);
        return 1;
    }
    printf("%s: %zu lines, %.1f MB, %.0f bytes/line, %d passes, %zu paths (%s)\n", argv[1], nlines,
           (double)bytes / 1e6, (double)bytes / (double)nlines, passes, npaths, set);

    char mode_list[64];
    snprintf(mode_list, sizeof(mode_list), "%s", modes);
    for (char *save = mode_list, *mode; (mode = save) != NULL;) {
        char *comma = strchr(save, ',');
        if (comma != NULL) {
            *comma = '\0';
            save = comma + 1;
        } else {
            save = NULL;
        }
        double t[100];
        size_t sum = 0, bad = 0;
        for (int k = 0; k < passes; k++) {
            double t0 = now_sec();
            sum += run_pass(mode, lines, nlines, paths, &bad);
            t[k] = now_sec() - t0;
        }
        qsort(t, (size_t)passes, sizeof(t[0]), cmp_double);
        printf("%-8s best %6.3f GB/s  median %6.3f GB/s  (%.1f ns/line, %zu not OK, sum %zu)\n",
               mode, (double)bytes / t[0] / 1e9, (double)bytes / t[passes / 2] / 1e9,
               t[0] * 1e9 / (double)nlines, bad, sum % 1000);
    }
    kt_json_paths_free(paths);
    free(lines);
    free(data);
    return 0;
}

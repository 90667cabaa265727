/*
 * Benchmark of state files (state.h): builds an engine holding N keys (default 100 000), each
 * with three weeks of ordinary use (a few addresses, two clients, office hours) and every
 * hundredth with a thief's night that raises findings, then times kt_state_save to a file and
 * kt_state_load from it (wall clock and CPU time, best of 3), and prints the file size and bytes per key.
 *
 * Built by tests/bench/state.sh (Release), or from CMake: `cmake --build build --target
 * bench_state`. Usage: bench_state [N] [DIR].
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "state.h"

#define DAY 86400000LL
#define HOUR 3600000LL
#define T0 1789948800000LL

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now_s(void)
{
    return clock_s(CLOCK_MONOTONIC);
}

/* CPU time of the process: what the work costs on a machine other jobs share. */
static double cpu_s(void)
{
    return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

static void feed(struct kt_engine *e, uint32_t k, int64_t t, const char *ip, const char *ua)
{
    struct kt_event ev;
    memset(&ev, 0, sizeof(ev));
    kt_event_reset(&ev);
    ev.time_ms = t;
    ev.ip = kt_str_cstr(ip);
    ev.user_agent = kt_str_cstr(ua);
    ev.method = kt_str_cstr("GET");
    ev.resource = kt_str_cstr("/api/v3/repos/acme/api/issues");
    ev.status = 200;
    struct kt_cred *c = &ev.creds[0];
    c->family = KT_FAM_GITHUB;
    memset(c->key.b, 0x33, KT_KEYID_BYTES);
    memcpy(c->key.b, &k, sizeof(k));
    c->token = c->key;
    snprintf(c->kind, sizeof(c->kind), "ghp");
    snprintf(c->hint, sizeof(c->hint), "ghp_…%04u", k % 10000);
    ev.n_creds = 1;
    if (kt_engine_event(e, &ev) != KT_OK) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
}

int main(int argc, char **argv)
{
    uint32_t n = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 100000;
    const char *dir = argc > 2 ? argv[2] : "/tmp";
    char path[512];
    snprintf(path, sizeof(path), "%s/bench-%d.state", dir, (int)getpid());
    struct kt_config cfg;
    kt_config_init(&cfg);
    struct kt_engine_opts eo = { .cfg = &cfg };
    struct kt_engine *e;
    struct kt_err err;
    kt_engine_new(&e, &eo, &err);
    double t = now_s();
    for (uint32_t k = 0; k < n; k++) {
        char ip[3][32];
        for (int i = 0; i < 3; i++) {
            snprintf(ip[i], sizeof(ip[i]), "10.%u.%u.%d", (k >> 8) & 255, k & 255, 10 + i);
        }
        for (int d = 0; d < 21; d += 2) {
            feed(e, k, T0 + d * DAY + 9 * HOUR + k, ip[d % 3], "git/2.47.1");
            feed(e, k, T0 + d * DAY + 15 * HOUR + k, ip[(d + 1) % 3], "GitHub CLI 2.62.0");
        }
        if (k % 100 == 0) {
            feed(e, k, T0 + 22 * DAY + 2 * HOUR, "203.0.113.213", "python-requests/2.32.3");
        }
    }
    fprintf(stderr, "built %u keys (%" PRIu64 " findings) in %.2f s\n", n, kt_engine_findings(e),
            now_s() - t);
    struct kt_ledger *lg;
    kt_ledger_new(&lg);
    double best_save = 1e9, best_load = 1e9, cpu_save = 1e9, cpu_load = 1e9;
    struct kt_state_info info;
    for (int run = 0; run < 3; run++) {
        t = now_s();
        double c = cpu_s();
        if (kt_state_save(path, e, lg, &info, &err) != KT_OK) {
            fprintf(stderr, "%s: %s\n", err.where, err.msg);
            return 1;
        }
        best_save = KT_MIN(best_save, now_s() - t);
        cpu_save = KT_MIN(cpu_save, cpu_s() - c);
        struct kt_engine *b;
        struct kt_ledger *lb;
        kt_engine_new(&b, &eo, &err);
        kt_ledger_new(&lb);
        bool found;
        t = now_s();
        c = cpu_s();
        if (kt_state_load(path, b, lb, &found, NULL, &err) != KT_OK || !found ||
            kt_engine_keys(b) != n) {
            fprintf(stderr, "%s: %s\n", err.where, err.msg);
            return 1;
        }
        best_load = KT_MIN(best_load, now_s() - t);
        cpu_load = KT_MIN(cpu_load, cpu_s() - c);
        kt_engine_free(b);
        kt_ledger_free(lb);
    }
    printf("keys %u  file %" PRIu64 " bytes  %.0f bytes/key  save %.3f s (cpu %.3f s, fsync "
           "included)  load %.3f s (cpu %.3f s)\n",
           n, info.file_bytes, (double)info.file_bytes / n, best_save, cpu_save, best_load,
           cpu_load);
    unlink(path);
    kt_ledger_free(lg);
    kt_engine_free(e);
    kt_config_fini(&cfg);
    return 0;
}

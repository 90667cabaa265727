/*
 * Fuzz harness for the state loader (src/state.c, keystate_io.c, the ledger's entries): the
 * input is a state file, loaded from an exact-size copy. Inputs that start like a state are
 * loaded a second time with every checksum recomputed, so mutations reach the section parsers
 * behind the CRCs. Besides memory safety it aborts when an invariant breaks:
 *   - the result is KT_OK, or KT_EPARSE naming the input with a "not a usable state file"
 *     message (KT_ENOMEM aside): nothing else, never a crash;
 *   - a state that loads saves, and the saved bytes load again and save to the same bytes
 *     (loading is idempotent once a state has been normalised by one save).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "engine.h"
#include "state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
    if (!ok) {
        abort();
    }
}

static struct kt_config cfg;
static bool cfg_ready;

static enum kt_rc load(const uint8_t *buf, size_t len, struct kt_engine **e, struct kt_ledger **lg)
{
    struct kt_engine_opts eo = { .cfg = &cfg };
    struct kt_err err;
    kt_err_clear(&err);
    check(kt_engine_new(e, &eo, &err) == KT_OK && kt_ledger_new(lg) == KT_OK);
    enum kt_rc rc = kt_state_load_mem(buf, len, "fuzz.state", *e, *lg, NULL, &err);
    if (rc == KT_EPARSE) {
        check(strcmp(err.where, "fuzz.state") == 0);
        check(strncmp(err.msg, "not a usable state file: ", 25) == 0);
    } else {
        check(rc == KT_OK || rc == KT_ENOMEM);
    }
    return rc;
}

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static uint64_t get_le(const uint8_t *p, int width)
{
    uint64_t v = 0;
    for (int i = width - 1; i >= 0; i--) {
        v = v << 8 | p[i];
    }
    return v;
}

/* Recomputes the header's and each section's CRC where the frame allows. */
static void fix_crcs(uint8_t *p, size_t len)
{
    if (len < 32) {
        return;
    }
    put_le32(p + 28, (uint32_t)crc32(0, p, 28));
    size_t at = 32;
    while (len - at >= 20) {
        uint64_t slen = get_le(p + at + 8, 8);
        if (slen > len - at - 20) {
            break;
        }
        put_le32(p + at + 16, (uint32_t)crc32(0, p + at + 20, (uInt)slen));
        at += 20 + (size_t)slen;
    }
}

static void roundtrip(struct kt_engine *e, struct kt_ledger *lg)
{
    uint8_t *s1, *s2;
    size_t n1, n2;
    struct kt_err err;
    check(kt_state_save_mem(e, lg, &s1, &n1, &err) == KT_OK);
    struct kt_engine *e2;
    struct kt_ledger *lg2;
    check(load(s1, n1, &e2, &lg2) == KT_OK);
    check(kt_state_save_mem(e2, lg2, &s2, &n2, &err) == KT_OK);
    struct kt_engine *e3;
    struct kt_ledger *lg3;
    check(load(s2, n2, &e3, &lg3) == KT_OK);
    uint8_t *s3;
    size_t n3;
    check(kt_state_save_mem(e3, lg3, &s3, &n3, &err) == KT_OK);
    check(n2 == n3 && memcmp(s2 + 32, s3 + 32, n2 - 32) == 0);
    free(s1);
    free(s2);
    free(s3);
    kt_engine_free(e2);
    kt_ledger_free(lg2);
    kt_engine_free(e3);
    kt_ledger_free(lg3);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (4u << 20)) {
        return 0;
    }
    if (!cfg_ready) {
        check(kt_config_init(&cfg) == KT_OK);
        cfg_ready = true;
    }
    uint8_t *copy = malloc(size ? size : 1);
    check(copy != NULL);
    memcpy(copy, data, size);
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            if (size < 8 || memcmp(copy, KT_STATE_MAGIC, 8) != 0) {
                break;
            }
            fix_crcs(copy, size);
        }
        struct kt_engine *e;
        struct kt_ledger *lg;
        if (load(copy, size, &e, &lg) == KT_OK) {
            roundtrip(e, lg);
        }
        kt_engine_free(e);
        kt_ledger_free(lg);
    }
    free(copy);
    return 0;
}

/*
 * State files (state.h).
 *
 * The whole state is built in memory, then written in one go; loading reads the file whole and
 * checks the header and every section's CRC before parsing a byte of it, then parses into the
 * engine. Either step costs about the file's size in memory for a moment (a few hundred bytes
 * a key; see README for sizes).
 *
 * The file is binary and its bytes do not go through the output channels (out.h): the line
 * redactor would rewrite varints that happen to look like a token, and the CRCs would then
 * refuse the file. What could hold a secret — hints, kinds, finding values and reasons,
 * addresses, agent names, paths — is redacted field by field as it is serialised instead
 * (keystate_io.c, ledger.c), and tests/e2e/secrets.sh searches state files for planted tokens.
 *
 * Detectors' per-key state is a block of bytes per key whose layout (which detector at which
 * offset, how many bytes) is written once in the DETS section. On load each detector present
 * in both the file and this build with the same size gets its bytes; others start empty, as
 * for a new key. These blocks are the detectors' own structs in the writer's byte order; the
 * header's flags say little-endian, and a big-endian reader drops them.
 */
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "bytes.h"
#include "keystate_io.h"

#define HEADER_BYTES 32
#define SECTION_HEAD 20
#define FLAG_DET_LE 0x1u /* detectors' blocks are little-endian */
#define MAX_SECTION ((uint64_t)1 << 40)

enum section { SEC_META, SEC_DETS, SEC_KEYS, SEC_LDGR, SEC_END, SEC__COUNT };
static const char section_tag[SEC__COUNT][5] = { "META", "DETS", "KEYS", "LDGR", "END " };

struct kt_state_lock {
    int fd;
};

static bool host_le(void)
{
    const uint16_t one = 1;
    uint8_t b;
    memcpy(&b, &one, 1);
    return b == 1;
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint32_t crc(const uint8_t *p, size_t n)
{
    uLong c = crc32(0L, Z_NULL, 0);
    while (n > 0) {
        uInt chunk = n > UINT_MAX ? UINT_MAX : (uInt)n;
        c = crc32(c, p, chunk);
        p += chunk;
        n -= chunk;
    }
    return (uint32_t)c;
}

/* ---- locking ---------------------------------------------------------------------------- */

enum kt_rc kt_state_lock(const char *path, bool wait, struct kt_state_lock **out,
                         struct kt_err *err)
{
    *out = NULL;
    char lock_path[PATH_MAX];
    if ((size_t)snprintf(lock_path, sizeof(lock_path), "%s.lock", path) >= sizeof(lock_path)) {
        return kt_err_at(err, KT_EOPEN, path, 0, "path too long");
    }
    int fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
    if (fd < 0) {
        return kt_err_at(err, KT_EOPEN, lock_path, 0, "cannot create the lock file: %s",
                         strerror(errno));
    }
    while (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0) {
        if (errno == EINTR) {
            continue;
        }
        int e = errno;
        close(fd);
        if (e == EWOULDBLOCK) {
            return kt_err_at(err, KT_EIO, path, 0,
                             "in use by another keytrail run (lock %s); use --wait to wait for "
                             "it",
                             lock_path);
        }
        return kt_err_at(err, KT_EIO, lock_path, 0, "cannot lock: %s", strerror(e));
    }
    struct kt_state_lock *lk = malloc(sizeof(*lk));
    if (lk == NULL) {
        close(fd);
        return kt_err_set(err, KT_ENOMEM, "out of memory");
    }
    lk->fd = fd;
    *out = lk;
    return KT_OK;
}

void kt_state_unlock(struct kt_state_lock *lock)
{
    if (lock != NULL) {
        close(lock->fd); /* releases the flock */
        free(lock);
    }
}

/* ---- writing ---------------------------------------------------------------------------- */

struct save_ctx {
    struct kt_wbytes *w;
    const struct kt_engine *e;
    size_t det_size;
    uint64_t keys;
    struct kt_wbytes rec;
};

static enum kt_rc write_key(void *ctx, const struct kt_keystate *ks)
{
    struct save_ctx *sc = ctx;
    sc->rec.len = 0;
    kt_keystate_write(&sc->rec, sc->e, ks, sc->det_size);
    if (sc->rec.failed) {
        return KT_ENOMEM;
    }
    kt_wb_var(sc->w, sc->rec.len);
    kt_wb_bytes(sc->w, sc->rec.p, sc->rec.len);
    sc->keys++;
    return sc->w->failed ? KT_ENOMEM : KT_OK;
}

/* Begins a section: its head is filled in by end_section. */
static size_t begin_section(struct kt_wbytes *w)
{
    size_t at = w->len;
    uint8_t zero[SECTION_HEAD] = { 0 };
    kt_wb_bytes(w, zero, sizeof(zero));
    return at;
}

static void put_le(uint8_t *p, uint64_t v, size_t width)
{
    for (size_t i = 0; i < width; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static void end_section(struct kt_wbytes *w, size_t at, enum section s)
{
    if (w->failed) {
        return;
    }
    uint8_t *h = w->p + at;
    uint64_t len = w->len - at - SECTION_HEAD;
    memcpy(h, section_tag[s], 4);
    put_le(h + 4, 0, 4);
    put_le(h + 8, len, 8);
    put_le(h + 16, crc(h + SECTION_HEAD, (size_t)len), 4);
}

static enum kt_rc build(const struct kt_engine *e, const struct kt_ledger *lg,
                        struct kt_wbytes *w, struct kt_state_info *info)
{
    uint8_t head[HEADER_BYTES] = { 0 };
    kt_wb_bytes(w, head, sizeof(head));

    struct kt_engine_history h;
    kt_engine_history_get(e, &h);
    size_t at = begin_section(w);
    kt_wb_var(w, h.alerts);
    kt_wb_var(w, h.evicted.keys);
    kt_wb_var(w, h.evicted.rotate);
    kt_wb_var(w, h.evicted.investigate);
    kt_wb_var(w, h.evicted.findings);
    kt_wb_zz(w, h.from_ms);
    kt_wb_zz(w, h.to_ms);
    kt_wb_var(w, info->runs + 1);
    kt_wb_str(w, KT_VERSION, 32);
    end_section(w, at, SEC_META);

    at = begin_section(w);
    size_t n_dets = kt_engine_n_detectors(e), n_layout = 0;
    for (size_t d = 0; d < n_dets; d++) {
        const char *name;
        size_t off, size;
        n_layout += kt_engine_det_layout(e, d, &name, &off, &size);
    }
    kt_wb_var(w, kt_engine_det_state_size(e));
    kt_wb_var(w, n_layout);
    for (size_t d = 0; d < n_dets; d++) {
        const char *name;
        size_t off, size;
        if (kt_engine_det_layout(e, d, &name, &off, &size)) {
            kt_wb_str(w, name, 63);
            kt_wb_var(w, off);
            kt_wb_var(w, size);
        }
    }
    end_section(w, at, SEC_DETS);

    at = begin_section(w);
    kt_wb_var(w, kt_engine_keys(e));
    struct save_ctx sc = { .w = w, .e = e, .det_size = kt_engine_det_state_size(e) };
    enum kt_rc rc = kt_engine_each_key(e, write_key, &sc);
    free(sc.rec.p);
    if (rc != KT_OK) {
        return rc;
    }
    end_section(w, at, SEC_KEYS);
    info->key_bytes = w->len - at - SECTION_HEAD;

    at = begin_section(w);
    size_t n_in = kt_ledger_count(lg);
    kt_wb_var(w, n_in);
    for (size_t i = 0; i < n_in; i++) {
        uint8_t buf[512];
        size_t n = kt_ledger_entry_write(kt_ledger_at(lg, i), buf, sizeof(buf));
        if (n == 0) {
            return KT_ENOMEM;
        }
        kt_wb_var(w, n);
        kt_wb_bytes(w, buf, n);
    }
    end_section(w, at, SEC_LDGR);
    info->ledger_bytes = w->len - at - SECTION_HEAD;

    at = begin_section(w);
    end_section(w, at, SEC_END);
    if (w->failed) {
        return KT_ENOMEM;
    }
    uint8_t *p = w->p;
    memcpy(p, KT_STATE_MAGIC, 8); /* with its NUL */
    put_le(p + 8, KT_STATE_VERSION, 4);
    put_le(p + 12, host_le() ? FLAG_DET_LE : 0, 4);
    info->saved_ms = wall_ms();
    put_le(p + 16, (uint64_t)info->saved_ms, 8);
    put_le(p + 24, SEC__COUNT, 4);
    put_le(p + 28, crc(p, 28), 4);
    info->version = KT_STATE_VERSION;
    info->file_bytes = w->len;
    info->keys = sc.keys;
    info->findings = kt_engine_findings(e);
    info->inputs = n_in;
    info->from_ms = h.from_ms;
    info->to_ms = h.to_ms;
    info->alerts = h.alerts;
    info->runs++;
    return KT_OK;
}

enum kt_rc kt_state_save_mem(const struct kt_engine *e, const struct kt_ledger *lg, uint8_t **buf,
                             size_t *len, struct kt_err *err)
{
    struct kt_wbytes w = { 0 };
    struct kt_state_info info = { 0 };
    enum kt_rc rc = build(e, lg, &w, &info);
    if (rc != KT_OK) {
        free(w.p);
        return kt_err_set(err, rc, "cannot build the state: %s", kt_strerror(rc));
    }
    *buf = w.p;
    *len = w.len;
    return KT_OK;
}

static bool write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR) {
            continue;
        }
        if (k <= 0) {
            return false;
        }
        p += k;
        n -= (size_t)k;
    }
    return true;
}

/* The directory part of path ("." when none) into dir. */
static void dir_of(const char *path, char *dir, size_t cap)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        snprintf(dir, cap, ".");
    } else if (slash == path) {
        snprintf(dir, cap, "/");
    } else {
        snprintf(dir, cap, "%.*s", (int)(slash - path), path);
    }
}

enum kt_rc kt_state_check_path(const char *path, struct kt_err *err)
{
    char dir[PATH_MAX];
    dir_of(path, dir, sizeof(dir));
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        return kt_err_at(err, KT_EOPEN, path, 0, "not a regular file");
    }
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        return kt_err_at(err, KT_EOPEN, path, 0, "its directory %s does not exist", dir);
    }
    if (access(dir, W_OK | X_OK) != 0) {
        return kt_err_at(err, KT_EOPEN, path, 0, "its directory %s is not writable: %s", dir,
                         strerror(errno));
    }
    return KT_OK;
}

enum kt_rc kt_state_save(const char *path, const struct kt_engine *e, const struct kt_ledger *lg,
                         struct kt_state_info *info, struct kt_err *err)
{
    struct kt_state_info local = { 0 };
    if (info == NULL) {
        info = &local;
    }
    struct kt_wbytes w = { 0 };
    enum kt_rc rc = build(e, lg, &w, info);
    if (rc != KT_OK) {
        free(w.p);
        return kt_err_at(err, rc, path, 0, "cannot build the state: %s", kt_strerror(rc));
    }
    char tmp[PATH_MAX], dir[PATH_MAX];
    dir_of(path, dir, sizeof(dir));
    /* One name: a temporary file left by a killed run is overwritten by the next save (the
     * lock makes the saver the only one). */
    if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
        free(w.p);
        return kt_err_at(err, KT_EOPEN, path, 0, "path too long");
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0600);
    if (fd < 0) {
        rc = kt_err_at(err, KT_EOPEN, path, 0, "cannot write the state: %s", strerror(errno));
        free(w.p);
        return rc;
    }
    bool ok = write_all(fd, w.p, w.len) && fsync(fd) == 0;
    int saved = errno;
    ok = close(fd) == 0 && ok;
    free(w.p);
    if (!ok) {
        unlink(tmp);
        return kt_err_at(err, KT_EIO, path, 0, "cannot write the state: %s", strerror(saved));
    }
    if (rename(tmp, path) != 0) {
        saved = errno;
        unlink(tmp);
        return kt_err_at(err, KT_EIO, path, 0, "cannot replace the state: %s", strerror(saved));
    }
    /* The rename is durable only once the directory is. */
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ok = fsync(dfd) == 0;
        saved = errno;
        close(dfd);
        if (!ok) {
            return kt_err_at(err, KT_EIO, path, 0, "cannot sync its directory: %s",
                             strerror(saved));
        }
    }
    return KT_OK;
}

/* ---- reading ---------------------------------------------------------------------------- */

struct det_map {
    size_t file_size;          /* the writer's whole block */
    size_t n;
    struct {
        size_t from, to, size; /* file offset, engine offset, bytes */
    } part[KT_CONFIG_MAX_DETECTORS];
};

static enum kt_rc refuse(struct kt_err *err, const char *name, const char *what)
{
    return kt_err_at(err, KT_EPARSE, name, 0, "not a usable state file: %s", what);
}

static bool parse_dets(struct kt_rbytes *r, const struct kt_engine *e, bool use, struct det_map *m)
{
    m->file_size = (size_t)kt_rb_var_max(r, KT_DET_STATE_MAX);
    size_t n = (size_t)kt_rb_var_max(r, KT_CONFIG_MAX_DETECTORS);
    m->n = 0;
    for (size_t i = 0; i < n && r->ok; i++) {
        char name[64];
        kt_rb_str(r, name, sizeof(name));
        size_t off = (size_t)kt_rb_var_max(r, KT_DET_STATE_MAX);
        size_t size = (size_t)kt_rb_var_max(r, KT_DET_STATE_MAX);
        if (!kt_rb_need(r, off + size <= m->file_size)) {
            break;
        }
        for (size_t d = 0; d < kt_engine_n_detectors(e) && use; d++) {
            const char *dn;
            size_t doff, dsize;
            if (kt_engine_det_layout(e, d, &dn, &doff, &dsize) && strcmp(dn, name) == 0 &&
                dsize == size) {
                m->part[m->n].from = off;
                m->part[m->n].to = doff;
                m->part[m->n].size = size;
                m->n++;
            }
        }
    }
    return r->ok && r->pos == r->len;
}

static bool parse_meta(struct kt_rbytes *r, struct kt_engine_history *h, uint64_t *runs)
{
    h->alerts = kt_rb_var(r);
    h->evicted.keys = kt_rb_var(r);
    h->evicted.rotate = kt_rb_var(r);
    h->evicted.investigate = kt_rb_var(r);
    h->evicted.findings = kt_rb_var(r);
    h->from_ms = kt_rb_zz(r);
    h->to_ms = kt_rb_zz(r);
    *runs = kt_rb_var(r);
    char version[33];
    kt_rb_str(r, version, sizeof(version));
    kt_rb_need(r, (h->from_ms == KT_TIME_NONE) == (h->to_ms == KT_TIME_NONE) &&
                      h->from_ms <= h->to_ms && h->evicted.rotate <= h->evicted.keys &&
                      h->evicted.investigate <= h->evicted.keys);
    return r->ok && r->pos == r->len;
}

static enum kt_rc parse_keys(struct kt_rbytes *r, uint32_t version, struct kt_engine *e,
                             const struct det_map *m, struct kt_state_info *info, const char *name,
                             struct kt_err *err)
{
    uint64_t n = kt_rb_var(r);
    if (!kt_rb_need(r, n <= r->len - r->pos)) {
        return refuse(err, name, "the key count is larger than the section");
    }
    size_t det_size = kt_engine_det_state_size(e);
    uint8_t *det = det_size > 0 ? calloc(1, det_size) : NULL;
    struct kt_finding *findings = malloc(KT_KEY_FINDINGS * sizeof(*findings));
    struct kt_footprint *other = malloc(sizeof(*other));
    enum kt_rc rc = KT_OK;
    if ((det_size > 0 && det == NULL) || findings == NULL || other == NULL) {
        rc = kt_err_set(err, KT_ENOMEM, "out of memory");
        goto out;
    }
    for (uint64_t i = 0; i < n; i++) {
        uint64_t len = kt_rb_var(r);
        const uint8_t *rec = kt_rb_take(r, r->ok && len <= r->len - r->pos ? (size_t)len : SIZE_MAX);
        if (rec == NULL) {
            rc = refuse(err, name, "a key record runs past its section");
            goto out;
        }
        struct kt_rbytes kr;
        kt_rb_init(&kr, rec, (size_t)len);
        struct kt_keystate ks;
        size_t n_f, det_len;
        const uint8_t *det_bytes;
        uint64_t unknown = 0;
        if (kt_keystate_read(&kr, version, &ks, findings, &n_f, &det_bytes, &det_len, &unknown,
                             other) != KT_OK ||
            kr.pos != kr.len || (det_len != 0 && det_len != m->file_size)) {
            char what[96];
            snprintf(what, sizeof(what), "key record %llu of %llu is malformed",
                     (unsigned long long)i + 1, (unsigned long long)n);
            rc = refuse(err, name, what);
            goto out;
        }
        const void *use_det = NULL;
        if (det_len > 0 && m->n > 0) {
            memset(det, 0, det_size);
            for (size_t p = 0; p < m->n; p++) {
                memcpy(det + m->part[p].to, det_bytes + m->part[p].from, m->part[p].size);
            }
            use_det = det;
        }
        info->dropped += unknown;
        rc = kt_engine_restore_key(e, &ks, findings, n_f, use_det);
        if (rc != KT_OK) {
            kt_err_set(err, rc, "out of memory");
            goto out;
        }
    }
    if (r->pos != r->len) {
        rc = refuse(err, name, "bytes after the last key");
    }
out:
    free(det);
    free(findings);
    free(other);
    return rc;
}

static enum kt_rc parse_ledger(struct kt_rbytes *r, struct kt_ledger *lg, const char *name,
                               struct kt_err *err)
{
    uint64_t n = kt_rb_var(r);
    if (!kt_rb_need(r, n <= r->len - r->pos)) {
        return refuse(err, name, "the input count is larger than the section");
    }
    for (uint64_t i = 0; i < n; i++) {
        uint64_t len = kt_rb_var(r);
        const uint8_t *rec = kt_rb_take(r, r->ok && len <= r->len - r->pos ? (size_t)len : SIZE_MAX);
        struct kt_ledger_entry entry;
        if (rec == NULL || kt_ledger_entry_read(&entry, rec, (size_t)len) != len) {
            return refuse(err, name, "an input record is malformed");
        }
        if (kt_ledger_add(lg, &entry) != KT_OK) {
            return kt_err_set(err, KT_ENOMEM, "out of memory");
        }
    }
    return r->pos == r->len ? KT_OK : refuse(err, name, "bytes after the last input");
}

enum kt_rc kt_state_load_mem(const uint8_t *buf, size_t len, const char *name,
                             struct kt_engine *e, struct kt_ledger *lg,
                             struct kt_state_info *info, struct kt_err *err)
{
    struct kt_state_info local;
    if (info == NULL) {
        info = &local;
    }
    memset(info, 0, sizeof(*info));
    info->file_bytes = len;
    if (len == 0) {
        return refuse(err, name, "the file is empty");
    }
    if (len < 8 || memcmp(buf, KT_STATE_MAGIC, 8) != 0) {
        return refuse(err, name, "it does not start like a keytrail state (another program's "
                                 "file?)");
    }
    if (len < HEADER_BYTES) {
        return refuse(err, name, "truncated in its header");
    }
    struct kt_rbytes r;
    kt_rb_init(&r, buf, len);
    kt_rb_take(&r, 8);
    uint32_t version = (uint32_t)kt_rb_le(&r, 4);
    uint32_t flags = (uint32_t)kt_rb_le(&r, 4);
    int64_t saved = (int64_t)kt_rb_le(&r, 8);
    uint32_t n_sections = (uint32_t)kt_rb_le(&r, 4);
    uint32_t hcrc = (uint32_t)kt_rb_le(&r, 4);
    if (hcrc != crc(buf, 28)) {
        return refuse(err, name, "its header checksum does not match (corrupt)");
    }
    if (version > KT_STATE_VERSION) {
        char what[128];
        snprintf(what, sizeof(what), "format version %u is newer than this keytrail reads (%u): "
                 "upgrade keytrail", version, KT_STATE_VERSION);
        return refuse(err, name, what);
    }
    if (version == 0 || (flags & ~FLAG_DET_LE) != 0 || n_sections != SEC__COUNT) {
        return refuse(err, name, "its header holds unknown values (corrupt)");
    }
    info->version = version;
    info->saved_ms = saved;
    /* Every section's frame and checksum first: nothing is loaded from a damaged file. */
    struct kt_rbytes sec[SEC__COUNT];
    for (int s = 0; s < SEC__COUNT; s++) {
        const uint8_t *h = kt_rb_take(&r, SECTION_HEAD);
        if (h == NULL) {
            return refuse(err, name, "truncated (a section is missing)");
        }
        struct kt_rbytes hr;
        kt_rb_init(&hr, h, SECTION_HEAD);
        char tag[5] = { 0 };
        kt_rb_bytes(&hr, tag, 4);
        uint32_t sflags = (uint32_t)kt_rb_le(&hr, 4);
        uint64_t slen = kt_rb_le(&hr, 8);
        uint32_t scrc = (uint32_t)kt_rb_le(&hr, 4);
        uint32_t zero = (uint32_t)kt_rb_le(&hr, 4);
        char what[96];
        if (memcmp(tag, section_tag[s], 4) != 0 || sflags != 0 || zero != 0) {
            snprintf(what, sizeof(what), "section %d is not the expected %s (corrupt)", s + 1,
                     section_tag[s]);
            return refuse(err, name, what);
        }
        if (slen > MAX_SECTION || slen > len - r.pos) {
            snprintf(what, sizeof(what), "truncated in section %s", section_tag[s]);
            return refuse(err, name, what);
        }
        const uint8_t *payload = kt_rb_take(&r, (size_t)slen);
        if (crc(payload, (size_t)slen) != scrc) {
            snprintf(what, sizeof(what), "section %s fails its checksum (corrupt)",
                     section_tag[s]);
            return refuse(err, name, what);
        }
        kt_rb_init(&sec[s], payload, (size_t)slen);
    }
    if (r.pos != len) {
        return refuse(err, name, "bytes after its end (corrupt)");
    }
    if (sec[SEC_END].len != 0) {
        return refuse(err, name, "its end section is not empty (corrupt)");
    }
    struct kt_engine_history h;
    if (!parse_meta(&sec[SEC_META], &h, &info->runs)) {
        return refuse(err, name, "its META section does not parse");
    }
    struct det_map map;
    if (!parse_dets(&sec[SEC_DETS], e, (flags & FLAG_DET_LE) && host_le(), &map)) {
        return refuse(err, name, "its DETS section does not parse");
    }
    info->key_bytes = sec[SEC_KEYS].len;
    info->ledger_bytes = sec[SEC_LDGR].len;
    enum kt_rc rc = parse_keys(&sec[SEC_KEYS], version, e, &map, info, name, err);
    if (rc != KT_OK) {
        return rc;
    }
    rc = parse_ledger(&sec[SEC_LDGR], lg, name, err);
    if (rc != KT_OK) {
        return rc;
    }
    kt_engine_history_add(e, &h);
    info->keys = kt_engine_keys(e);
    info->findings = kt_engine_findings(e);
    info->inputs = kt_ledger_count(lg);
    info->from_ms = h.from_ms;
    info->to_ms = h.to_ms;
    info->alerts = h.alerts;
    return KT_OK;
}

enum kt_rc kt_state_load(const char *path, struct kt_engine *e, struct kt_ledger *lg,
                         bool *found, struct kt_state_info *info, struct kt_err *err)
{
    *found = false;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        if (errno == ENOENT) {
            if (info != NULL) {
                memset(info, 0, sizeof(*info));
                info->from_ms = info->to_ms = KT_TIME_NONE;
            }
            return KT_OK;
        }
        return kt_err_at(err, KT_EOPEN, path, 0, "cannot open the state: %s", strerror(errno));
    }
    *found = true;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return kt_err_at(err, KT_EOPEN, path, 0, "not a regular file");
    }
    size_t len = (size_t)st.st_size;
    uint8_t *buf = malloc(len ? len : 1);
    if (buf == NULL) {
        close(fd);
        return kt_err_set(err, KT_ENOMEM, "out of memory reading the state");
    }
    size_t got = 0;
    while (got < len) {
        ssize_t k = read(fd, buf + got, len - got);
        if (k < 0 && errno == EINTR) {
            continue;
        }
        if (k <= 0) {
            break;
        }
        got += (size_t)k;
    }
    close(fd);
    enum kt_rc rc = got == len ? kt_state_load_mem(buf, len, path, e, lg, info, err)
                               : kt_err_at(err, KT_EIO, path, 0, "cannot read the state");
    free(buf);
    return rc;
}

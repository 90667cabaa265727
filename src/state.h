/*
 * State files (`--state FILE`): everything the engine knows, kept between runs of scan (and
 * checkpoints of watch), so a nightly job goes on from where the last one stopped.
 *
 * A state holds the keys (identity, baseline, short-term memory, hindsight on a new place,
 * daily timeline, detectors' per-key state), their findings (which are also the alert dedup
 * memory: a finding already alerted is never alerted again), the run's counters and the ledger
 * of consumed inputs (ledger.h). Quarantine and verdicts live in the keys and findings.
 *
 * Format (all integers little-endian, whatever the host):
 *
 *   header   8 bytes magic "KTSTATE\0", u32 format version, u32 flags (must be 0),
 *            u64 saved at (wall clock, ms), u32 section count, u32 CRC-32 of the 28 bytes before
 *   section  u32 tag (4 ASCII letters), u32 flags (0), u64 payload length, u32 CRC-32 of the
 *            payload, u32 0; then the payload
 *
 * Sections, in this order, each exactly once: META (counters, time covered), DETS (the layout
 * of detectors' per-key state), KEYS, LDGR (the ledger), END (empty: the file ends here). A
 * file is refused, never half loaded, when anything is off: wrong magic (not a state file), a
 * newer format version, a bad CRC, a truncated or overlong section, a missing or repeated
 * section, bytes after END, or a payload that does not parse; the error names the file and
 * what is wrong. Nothing in a state is a secret: keys are key ids and redacted hints, and
 * every text field is redacted again as it is written.
 *
 * Saving is atomic: the file is written under a temporary name in the same directory, synced,
 * renamed over the old one, and the directory is synced; a crash at any point leaves either
 * the old or the new state, never a mix. Two runs on one state are kept apart by a lock on a
 * sidecar file (FILE.lock, flock): the second waits (wait = true) or fails with a message.
 */
#ifndef KEYTRAIL_STATE_H
#define KEYTRAIL_STATE_H

#include <keytrail/common.h>
#include <keytrail/error.h>

#include "engine.h"
#include "ledger.h"

/* Format 2 added the other party's footprint to each key (keystate_io.h); format 1 files still
 * load, their keys without one. */
#define KT_STATE_VERSION 2
#define KT_STATE_MAGIC "KTSTATE"

/* A held lock on a state path. */
struct kt_state_lock;

/*
 * Locks the state at path (creating path.lock, mode 0600, if needed). With wait, blocks until
 * the other holder is done; without, fails at once. KT_OK; KT_EIO when another process holds
 * it (err: "in use by another keytrail run (lock path.lock); use --wait to wait for it");
 * KT_EOPEN when the lock file cannot be created. Release with kt_state_unlock (NULL allowed).
 */
enum kt_rc kt_state_lock(const char *path, bool wait, struct kt_state_lock **out,
                         struct kt_err *err);
void kt_state_unlock(struct kt_state_lock *lock);

/* What a state holds, for `keytrail state show` and the run summary. */
struct kt_state_info {
    uint32_t version;
    int64_t saved_ms;       /* wall clock of the save; KT_TIME_NONE when unknown */
    uint64_t file_bytes;
    uint64_t keys, findings, inputs;
    uint64_t key_bytes;     /* bytes of the KEYS section */
    uint64_t ledger_bytes;  /* bytes of the LDGR section */
    int64_t from_ms, to_ms; /* event time covered; KT_TIME_NONE when no event */
    uint64_t alerts;        /* alerts written over the state's life */
    uint64_t runs;          /* saves so far */
    uint64_t dropped;       /* keys or findings the loader could not restore (a detector that
                               no longer exists, keys over --max-keys) */
};

/*
 * Loads the state file at path into e (fresh, no events yet) and lg (empty). A file that does
 * not exist is KT_OK with *found = false (a first run). Otherwise KT_OK, or: KT_EOPEN/KT_EIO
 * (cannot read), KT_EPARSE (not a state, corrupt, truncated, future version: err names the file
 * and the reason), KT_ENOMEM. On any error e and lg may hold part of it: free them, never use
 * them. info may be NULL.
 */
enum kt_rc kt_state_load(const char *path, struct kt_engine *e, struct kt_ledger *lg,
                         bool *found, struct kt_state_info *info, struct kt_err *err);

/* Same from memory (name is used in messages). For tests, fuzzing and `state merge`. */
enum kt_rc kt_state_load_mem(const uint8_t *buf, size_t len, const char *name,
                             struct kt_engine *e, struct kt_ledger *lg,
                             struct kt_state_info *info, struct kt_err *err);

/*
 * Writes e and lg to path atomically (see above). KT_OK, or KT_EIO/KT_EOPEN (err names the
 * path), KT_ENOMEM. The previous file is untouched on any error. info (may be NULL) gets what
 * was written.
 */
enum kt_rc kt_state_save(const char *path, const struct kt_engine *e, const struct kt_ledger *lg,
                         struct kt_state_info *info, struct kt_err *err);

/* Same into a buffer the caller frees (tests). */
enum kt_rc kt_state_save_mem(const struct kt_engine *e, const struct kt_ledger *lg, uint8_t **buf,
                             size_t *len, struct kt_err *err);

/* Whether path can be written as a state (its directory exists and is writable): for checking
 * an output path before any input is read. KT_OK or KT_EOPEN with err filled. */
enum kt_rc kt_state_check_path(const char *path, struct kt_err *err);

#endif

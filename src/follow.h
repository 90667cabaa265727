/*
 * Following files as they grow, like `tail -F`: the input side of `keytrail watch`.
 *
 * Each path is a plain file followed by name, or a stream ("-", a FIFO) read until it ends.
 * A followed file survives every way logs are rotated:
 *  - rename and recreate (logrotate's default, `mv access.log access.log.1`): the path now
 *    names another file; what the writer still added to the old one is read to its end, then
 *    the new file is read from its start;
 *  - copytruncate, and any truncation: the file is shorter than what was read; reading starts
 *    again at its start (a partial line is dropped);
 *  - delete and recreate: while the path is missing nothing is read (the old file is read to
 *    its end), and the new file is read from its start when it appears. A path missing at start
 *    is waited for the same way.
 * Lines are handed out whole, without their line break ("\r\n" too); a partial last line waits
 * for its end, except when the file is rotated away, when it is final. A line longer than
 * max_line is dropped and handed out once as oversize. Memory: one line buffer per path.
 *
 * Waiting uses inotify on the directories of the files (a change wakes the follower at once)
 * where the system has it, and polling every poll_ms otherwise; with inotify the files are
 * still checked every second, as a safety net (NFS, a watch limit reached).
 */
#ifndef KEYTRAIL_FOLLOW_H
#define KEYTRAIL_FOLLOW_H

#include <keytrail/common.h>
#include <keytrail/error.h>

struct kt_follow_opts {
    size_t max_line; /* 0: 1 MiB */
    bool from_end;   /* files that exist at start are read from their current end */
    int poll_ms;     /* 0: 100 ms without inotify */
    bool no_inotify; /* poll even where inotify exists (tests) */
};

/* One whole line of input `index` (the position of its path); the line number restarts at 1
 * after a rotation or truncation. A non-OK return stops kt_follow_read and is returned. */
typedef enum kt_rc (*kt_follow_line_fn)(void *ctx, size_t index, uint64_t line, struct kt_str text,
                                        bool oversize);
/* A notice (rotation, truncation, a missing file, a read error), with the path in err->where. */
typedef void (*kt_follow_note_fn)(void *ctx, const struct kt_err *err);

struct kt_follow;

/*
 * Sets up following paths (borrowed: they must outlive the follower). Opens what exists (a
 * missing file is noted and waited for). Returns KT_OK, KT_EUSAGE when a path is a directory
 * (err names it), KT_ENOMEM.
 */
enum kt_rc kt_follow_new(struct kt_follow **out, char *const *paths, size_t n,
                         const struct kt_follow_opts *opts, kt_follow_line_fn on_line,
                         kt_follow_note_fn on_note, void *ctx, struct kt_err *err);

/* Reads everything new in every input, handling rotations. KT_OK or the callback's rc. */
enum kt_rc kt_follow_read(struct kt_follow *f);

/* Sleeps until an input may have changed, or timeout_ms passed, or a signal arrived. */
void kt_follow_wait(struct kt_follow *f, int timeout_ms);

/* True when every input is a stream that has ended (nothing more can come). */
bool kt_follow_done(const struct kt_follow *f);

/* Whether changes are watched with inotify (else polled). */
bool kt_follow_uses_inotify(const struct kt_follow *f);

/* Closes everything. NULL is allowed. */
void kt_follow_free(struct kt_follow *f);

#endif

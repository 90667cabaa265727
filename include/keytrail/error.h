/*
 * One result code for the whole project, and a caller-owned detail record.
 *
 * The enum is append-only: values are pinned because scripts and tests may see them. Library
 * code never exits or aborts; it returns a kt_rc and fills a struct kt_err, and only main()
 * turns that into a message and an exit status. Messages never quote log content: a line may
 * hold a token.
 */
#ifndef KEYTRAIL_ERROR_H
#define KEYTRAIL_ERROR_H

#include <stdint.h>

enum kt_rc {
    KT_OK = 0,
    KT_END = 1,           /* no more data: not an error */
    KT_ENOMEM = 2,        /* allocation failed */
    KT_EIO = 3,           /* read or write failed */
    KT_EOPEN = 4,         /* a path could not be opened or listed */
    KT_ECORRUPT = 5,      /* a compressed stream is corrupt */
    KT_ETRUNCATED = 6,    /* a compressed stream ends before its end marker */
    KT_EUSAGE = 7,        /* bad command line or bad argument */
    KT_EFORMAT = 8,       /* input format unknown or not detectable */
    KT_ELIMIT = 9,        /* a documented cap was hit */
    KT_EUNSUPPORTED = 10, /* built without support for this input (e.g. zstd) */
    KT_EPARSE = 11,       /* a config or state file could not be parsed */
    KT_EINVAL = 12,       /* an argument is out of its domain */
};

/* Static English text for rc; never NULL. */
const char *kt_strerror(enum kt_rc rc);

/*
 * Detail of the last failure, owned by the caller. `where` is "path" or "path:line" when known;
 * `msg` is a sentence that never contains raw log bytes.
 */
struct kt_err {
    enum kt_rc rc;
    char where[512];
    char msg[256];
};

/* Records rc and a printf-style message (no location). err may be NULL. Returns rc. */
enum kt_rc kt_err_set(struct kt_err *err, enum kt_rc rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Same, with a location: path and, when line > 0, ":line". err may be NULL. Returns rc. */
enum kt_rc kt_err_at(struct kt_err *err, enum kt_rc rc, const char *path, uint64_t line,
                     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Clears err to KT_OK. err may be NULL. */
void kt_err_clear(struct kt_err *err);

#endif

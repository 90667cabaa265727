/* Result codes and error details (include/keytrail/error.h). */
#include <keytrail/error.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *kt_strerror(enum kt_rc rc)
{
    switch (rc) {
    case KT_OK: return "success";
    case KT_END: return "end of input";
    case KT_ENOMEM: return "out of memory";
    case KT_EIO: return "input/output error";
    case KT_EOPEN: return "cannot open";
    case KT_ECORRUPT: return "corrupt compressed data";
    case KT_ETRUNCATED: return "truncated compressed data";
    case KT_EUSAGE: return "usage error";
    case KT_EFORMAT: return "unknown input format";
    case KT_ELIMIT: return "limit exceeded";
    case KT_EUNSUPPORTED: return "unsupported input";
    case KT_EPARSE: return "parse error";
    case KT_EINVAL: return "invalid argument";
    }
    return "unknown error";
}

__attribute__((format(printf, 3, 0))) static void err_vset(struct kt_err *err, enum kt_rc rc,
                                                           const char *fmt, va_list ap)
{
    err->rc = rc;
    if (fmt != NULL) {
        vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    } else {
        snprintf(err->msg, sizeof(err->msg), "%s", kt_strerror(rc));
    }
}

enum kt_rc kt_err_set(struct kt_err *err, enum kt_rc rc, const char *fmt, ...)
{
    if (err != NULL) {
        va_list ap;
        va_start(ap, fmt);
        err->where[0] = '\0';
        err_vset(err, rc, fmt, ap);
        va_end(ap);
    }
    return rc;
}

enum kt_rc kt_err_at(struct kt_err *err, enum kt_rc rc, const char *path, uint64_t line,
                     const char *fmt, ...)
{
    if (err != NULL) {
        va_list ap;
        va_start(ap, fmt);
        if (line > 0) {
            snprintf(err->where, sizeof(err->where), "%s:%llu", path ? path : "-",
                     (unsigned long long)line);
        } else {
            snprintf(err->where, sizeof(err->where), "%s", path ? path : "-");
        }
        err_vset(err, rc, fmt, ap);
        va_end(ap);
    }
    return rc;
}

void kt_err_clear(struct kt_err *err)
{
    if (err != NULL) {
        err->rc = KT_OK;
        err->where[0] = '\0';
        err->msg[0] = '\0';
    }
}

/*
 * Output channels: the one way bytes leave the process.
 *
 * Every file descriptor keytrail writes text to — standard output, standard error, the alert
 * stream, reports — is a channel, and every byte written to a channel passes through the
 * redactor (redact.h) before write(2) sees it. Code that prints (stdio on stdout/stderr, the
 * JSON writer, report renderers) never calls write(2) itself, so forgetting to redact one field
 * cannot leak: a token that slipped past a call site is still replaced here.
 *
 * A channel redacts whole lines: bytes after the last newline wait for the rest of their line
 * (or for kt_out_flush), so a token split across two writes is still seen whole. A line longer
 * than 64 KiB is cut at a byte that cannot be inside a secret.
 *
 * kt_out_install() replaces the stdio streams stdout and stderr with streams that write through
 * their channels (glibc's fopencookie), and flushes everything at exit. Binary outputs that
 * carry no log text (MaxMind databases that mkgeo builds) are not channels: redaction would
 * corrupt them.
 */
#ifndef KEYTRAIL_OUT_H
#define KEYTRAIL_OUT_H

#include <stdio.h>

#include <keytrail/common.h>
#include <keytrail/error.h>

/* Makes stdout and stderr redacting channels and flushes all channels at exit. Call once,
 * first thing in main. Idempotent. */
void kt_out_install(void);

/* Queues n bytes for fd (a channel is created on first use); complete lines are redacted and
 * written. Returns KT_OK, or KT_EIO once a write failed (errno in *err_no if not NULL). */
enum kt_rc kt_out_write(int fd, const void *p, size_t n, int *err_no);

/* Redacts and writes everything queued for fd, line complete or not. */
enum kt_rc kt_out_flush(int fd, int *err_no);

/* Flushes every channel (and stdio first). */
void kt_out_flush_all(void);

/*
 * Creates (truncates) path, mode 0600, as a channel; returns the descriptor or -1 with errno
 * set. Close it with kt_out_close.
 */
int kt_out_open(const char *path);

/* The same, appending to what path holds (watch's alerts, reopened after a logrotate). */
int kt_out_open_append(const char *path);

/* Flushes and closes a descriptor from kt_out_open. Returns KT_OK or KT_EIO. */
enum kt_rc kt_out_close(int fd);

/* kt_out_open() as a stdio stream (for renderers that print with stdio); fclose flushes the
 * channel and closes it. NULL with errno set on failure. */
FILE *kt_out_fopen(const char *path);

#endif

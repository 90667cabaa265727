/*
 * Input paths: "-" (standard input), files, and directory trees walked recursively.
 *
 * Files come in chronological order where names allow it: within a directory, names compare
 * "naturally" (digit runs as numbers: CloudTrail's YYYY/MM/DD folders and timestamped file
 * names sort by time), and rotated logs of one base name are ordered oldest first:
 * dateext names (access.log-20261101.gz) by date, numbered ones (access.log.3.gz, .2.gz, .1)
 * from the highest number down, and the live file (access.log) last.
 * Hidden entries (".name") are skipped in walks; symbolic links to directories are followed,
 * with loops detected.
 */
#ifndef KEYTRAIL_WALK_H
#define KEYTRAIL_WALK_H

#include <keytrail/common.h>
#include <keytrail/error.h>

/* Called for each input file in order. A non-OK return stops the walk and is returned. */
typedef enum kt_rc (*kt_walk_file_fn)(void *ctx, const char *path);
/* Called for a path that cannot be read (err says why); the walk goes on. */
typedef void (*kt_walk_error_fn)(void *ctx, const struct kt_err *err);

/*
 * Walks one command-line path. Returns KT_OK when the walk finished (unreadable entries were
 * reported through on_error), or the first non-OK value on_file returned.
 */
enum kt_rc kt_walk(const char *path, kt_walk_file_fn on_file, kt_walk_error_fn on_error,
                   void *ctx);

/* The order used within a directory: <0, 0, >0 like strcmp. Exposed for tests. */
int kt_walk_name_cmp(const char *a, const char *b);

#endif

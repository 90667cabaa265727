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
 *
 * Each file and directory is visited once per run: a kt_walk_seen set shared by the walks of one
 * run remembers the (device, inode) of every regular file and directory visited, so a tree
 * reached again through a symbolic link, a hard link, or a path named twice on the command line
 * is skipped and counted instead of read again. Memory: about 48 bytes per file and directory.
 */
#ifndef KEYTRAIL_WALK_H
#define KEYTRAIL_WALK_H

#include <keytrail/common.h>
#include <keytrail/error.h>

/* Called for each input file in order. A non-OK return stops the walk and is returned. */
typedef enum kt_rc (*kt_walk_file_fn)(void *ctx, const char *path);
/* Called for a path that cannot be read (err says why); the walk goes on. */
typedef void (*kt_walk_error_fn)(void *ctx, const struct kt_err *err);

/* The (device, inode) pairs visited in one run. */
struct kt_walk_seen;

/* An empty set: KT_OK, or KT_ENOMEM. Free with kt_walk_seen_free (NULL allowed). */
enum kt_rc kt_walk_seen_new(struct kt_walk_seen **out);
void kt_walk_seen_free(struct kt_walk_seen *seen);

/* Files and directories skipped because they had been visited already. */
uint64_t kt_walk_seen_skipped(const struct kt_walk_seen *seen);

/*
 * Walks one command-line path. seen (may be NULL: no deduplication) carries what was visited
 * across the calls of one run. Returns KT_OK when the walk finished (unreadable entries were
 * reported through on_error), KT_ENOMEM, or the first non-OK value on_file returned.
 * Standard input ("-") and explicit paths that are not regular files or directories (FIFOs,
 * devices) are streams and always read.
 */
enum kt_rc kt_walk(const char *path, struct kt_walk_seen *seen, kt_walk_file_fn on_file,
                   kt_walk_error_fn on_error, void *ctx);

/* The order used within a directory: <0, 0, >0 like strcmp. Exposed for tests. */
int kt_walk_name_cmp(const char *a, const char *b);

#endif

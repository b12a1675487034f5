#ifndef LA_CORE_CACHE_H
#define LA_CORE_CACHE_H

/*
 * The on-disk cache folder that modules keep derived files in (the
 * Vectorscan database, the packs' parsed YAML): $XDG_CACHE_HOME/loganalyze,
 * or ~/.cache/loganalyze.  A file is named <prefix><key in hex><suffix>, is
 * written atomically (a temporary file beside it, then rename) and the folder
 * keeps at most a given number of one kind: writing one removes the least
 * recently written.  Every failure here only means no cache: callers go on.
 */

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/*
 * The cache folder into dir (made, with its parent, when missing) and the file of key
 * (keylen bytes, written as hex) into file.  0, or -1 when there is no usable folder
 * (neither variable set to an absolute path) or no memory.
 */
int la_cache_paths(const char *prefix, const uint8_t *key, size_t keylen, const char *suffix,
                   struct la_buf *dir, struct la_buf *file);

/*
 * Write the n parts (part[i] of len[i] bytes, one after the other) to path atomically, then
 * keep at most max files of this prefix and suffix in dir.  0, or -1 (nothing is left
 * behind: the temporary file is removed).
 */
int la_cache_store(const char *dir, const char *path, const char *prefix, const char *suffix,
                   size_t max, const void *const *part, const size_t *len, size_t n);

#endif

#ifndef LA_CORE_CODESPACE_H
#define LA_CORE_CODESPACE_H

/*
 * Numbering spaces: which numbers a printed error code is one of.  A printed error code
 * belongs to a numbering space: the restore error number iTunes and Finder show ("dialog",
 * what a plain `code` capture gives), an AMRestore result, a TSS status, a BBUpdater or
 * RamrodErrorDomain error, futurerestore's own codes … (rules/README.md "Facts", codes.yaml).
 * The spaces are a fixed table, not data: their ids are part of the rule language
 * (`code_tss`), of `explain tss:94` and of the report (codes[].space), and the analysis
 * (rules/kb.c reads codes.yaml by them) and the reporters (report/util.c labels codes by
 * them) share this one table.  Spaces on the restore error-number line share its numbers:
 * code + offset is the number a dialog shows (TSS status 94 is 3194).
 *
 * Invariant: index 0 is LA_SPACE_DIALOG; the table is append only (reports and rules name
 * spaces by id, tests by index).
 */

#include <stddef.h>

/* One numbering space. */
struct la_space {
    const char *id;                /* "tss": code_tss, `explain tss:94`, codes[].space */
    const char *name;              /* "TSS": how a report labels a code of the space */
    const char *title;             /* one line for explain */
    const char *const *catalogue;  /* codes.yaml space names it reads, NULL-terminated */
    int on_line;                   /* on the restore error-number line */
    long offset;                   /* on the line: the error number is offset + code */
    int hex;                       /* its codes are written in hex (0xe00002c0) */
};

/* The space of a plain `code` capture: the restore error number itself. */
#define LA_SPACE_DIALOG 0u

/* The numbering spaces: how many, the i-th (NULL past the end). */
size_t la_space_count(void);
const struct la_space *la_space_at(size_t i);
/* The index of the space whose id is s[0..len) (case-insensitive), or -1. */
int la_space_find(const char *s, size_t len);
/*
 * The error number of code in space (offset + code) when the space is on the line: 1 and
 * *ret_number; 0 when the space has no error number.
 */
int la_space_number(size_t space, long code, long *ret_number);

#endif

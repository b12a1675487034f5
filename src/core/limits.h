#ifndef LA_CORE_LIMITS_H
#define LA_CORE_LIMITS_H

/*
 * Every quantity a user controls has a cap here.  The defaults are
 * documented in README.md ("Limits") and each is overridable from the
 * command line (--limit NAME=VALUE).
 */

#include <stdint.h>

#define LA_DEFAULT_MAX_DEPTH 4                      /* archive nesting; gz in gz is a level */
#define LA_DEFAULT_MAX_MEMBERS 100000u              /* entries per input, skipped ones too */
#define LA_DEFAULT_MAX_BYTES (8ull << 30)           /* bytes unpacked per input, every level */
#define LA_DEFAULT_MAX_RATIO 1000u                  /* unpacked / compressed */
#define LA_RATIO_GRACE (16ull << 20)                /* ratio checked past this many bytes */
#define LA_DEFAULT_MAX_LINE (64u << 10)             /* bytes per line */
#define LA_DEFAULT_MAX_IPS (8u << 20)               /* a line of an .ips (a compact body) */
#define LA_DEFAULT_MAX_RULES 10000u
#define LA_DEFAULT_MAX_RULE_FILE (4u << 20)         /* bytes per rule/data file */
#define LA_DEFAULT_MAX_REGEX 4096u                  /* bytes per pattern */
#define LA_DEFAULT_MATCH_LIMIT 100000u              /* PCRE2 match limit */
#define LA_DEFAULT_DEPTH_LIMIT 10000u               /* PCRE2 depth limit */
#define LA_DEFAULT_MAX_EVIDENCE 8u                  /* evidence lines kept per rule per attempt */
#define LA_DEFAULT_MAX_UNEXPLAINED 50u              /* unexplained templates kept per input */
#define LA_DEFAULT_MAX_UPLOAD (512ull << 20)        /* serve: bytes per upload */

/*
 * Fixed caps of ingest/: a stop's warning lists this many levels left unread (the deeper ones
 * are counted); libarchive's skipping of damaged headers (RETRY) gives up after this many
 * tries in a row that do not move on.
 */
#define LA_MAX_UNREAD_LISTED 8u
#define LA_MAX_STUCK_RETRIES 100u

/*
 * Fixed caps of the analysis (analyze/).  Unlike the defaults above they are
 * not overridable: they bound the memory one input can take, whatever it
 * holds, and sit far above what a real restore log needs.  Reaching the
 * caps on attempts and matches per input gives a warning, reaching a
 * "listed" cap gives LA106 in the report; the others drop quietly what a
 * report would not show.
 */
#define LA_MAX_EVIDENCE_TEXT 400u         /* bytes of a line kept as evidence or example text */
#define LA_MAX_TEXT_PER_RULE 8u           /* evidence lines with text, per rule and attempt */
#define LA_MAX_TEXT_PER_INPUT (4u << 20)  /* bytes of evidence text kept per input */
#define LA_MAX_MATCHES_PER_RULE 60000u    /* matches kept per rule and attempt (16-bit count) */
#define LA_MAX_MATCHES_PER_ATTEMPT 4096u  /* matches kept per restore attempt */
#define LA_MAX_MATCHES_PER_INPUT 65536u   /* matches kept per input (~3.5 MiB of records) */
#define LA_MAX_ATTEMPTS_PER_INPUT 1000u   /* attempts told apart; later ones join the last */
#define LA_MAX_ATTEMPTS_LISTED 200u       /* attempts listed in a report (the latest) */
#define LA_MAX_MEMBERS_LISTED 5000u       /* members listed in a report (inspect lists all) */
#define LA_MAX_STAGES 32u                 /* stages kept per attempt: the first, then the latest */
#define LA_MAX_CODES 32u                  /* distinct (space, code) pairs kept per attempt */
#define LA_MAX_FACT 127u                  /* bytes of a captured fact; longer ones are ignored */
#define LA_MAX_TEMPLATE 200u              /* bytes of an unexplained line's template (+ a word) */
#define LA_MAX_CASES 256u                 /* cases (devices, folders) an input is split into;
                                             the members of the others are in no case (LA123) */
#define LA_MAX_IDS_PER_MEMBER 4u          /* device identities (ECID, UDID, serial) noted per
                                             member for the split; later ones are ignored */
#define LA_MAX_CASE_IDS_LISTED 8u         /* identities a case object lists */
#define LA_MAX_UNATTRIBUTED_LISTED 20u    /* unattributed members a case object lists by name */
/* Entries (causes, codes, models, devices, stages, hosts) a batch summary keeps (summary.c). */
#define LA_SUMMARY_MAX_KEYS 1000000u
/* Bytes of one line `merge` reads (a report line; far above the caps of one report). */
#define LA_MERGE_MAX_LINE (64u << 20)
#define LA_MERGE_MAX_LINE_TEXT "64 MiB"

/*
 * Fixed caps of rule and data files (rules/yaml.c, rules/cond.c), far above what the shipped
 * files use (nesting 5, no alias, 17 000 nodes in the largest pack).  The bytes that aliases
 * may add are capped by --limit rule-file, like the file itself.
 */
#define LA_YAML_MAX_DEPTH 64u             /* nested YAML collections */
#define LA_YAML_MAX_ANCHORS 1000u         /* anchors per file */
#define LA_YAML_MAX_ALIASES 10000u        /* aliases per file */
#define LA_YAML_MAX_NODES 1000000u        /* nodes per file, every alias expanded */
#define LA_COND_MAX_DEPTH 64u             /* parentheses and 'not' nested in a condition */
#define LA_COND_MAX_NODES 1024u           /* nodes of one written condition */
/* The Vectorscan database cache (rules/vscan.c): bytes of one file (the shipped rules' is
 * 0.35 MB), files kept in the folder. */
#define LA_VSCAN_CACHE_MAX_BYTES (64u << 20)
#define LA_VSCAN_CACHE_FILES 16u

struct la_limits {
    unsigned max_depth;
    unsigned long max_members;
    uint64_t max_bytes;
    unsigned max_ratio;
    unsigned max_line;
    unsigned max_ips;
    unsigned max_rules;
    unsigned max_rule_file;
    unsigned max_regex;
    unsigned match_limit;
    unsigned depth_limit;
    unsigned max_evidence;
    unsigned max_unexplained;
    uint64_t max_upload;
};

#define LA_LIMITS_DEFAULT                                                              \
    {                                                                                  \
        LA_DEFAULT_MAX_DEPTH, LA_DEFAULT_MAX_MEMBERS, LA_DEFAULT_MAX_BYTES,            \
            LA_DEFAULT_MAX_RATIO, LA_DEFAULT_MAX_LINE, LA_DEFAULT_MAX_IPS,             \
            LA_DEFAULT_MAX_RULES, LA_DEFAULT_MAX_RULE_FILE, LA_DEFAULT_MAX_REGEX,      \
            LA_DEFAULT_MATCH_LIMIT, LA_DEFAULT_DEPTH_LIMIT, LA_DEFAULT_MAX_EVIDENCE,   \
            LA_DEFAULT_MAX_UNEXPLAINED, LA_DEFAULT_MAX_UPLOAD                          \
    }

#endif

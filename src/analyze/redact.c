/*
 * Identifier redaction: ECIDs, UDIDs, serial numbers, IMEIs, e-mail addresses
 * and phone numbers in any text a report shows are replaced by keyed tokens
 * ("ecid-1a2b3c4d"), so that a report can be shared while the same device
 * still reads as the same device across its lines and inputs.
 *
 * Data flow: la_redact_new() compiles the built-in patterns once per engine
 * and derives the key (SHA-256 of --redact-key, else 32 random bytes: tokens
 * then differ from run to run).  la_engine_redact() runs the patterns one
 * after the other over a copy of the text; each match's first set group is
 * the identifier, replaced by HMAC-SHA256(key, identifier) cut to 4 bytes.
 *
 * Invariants: the redactor is read-only after la_redact_new(), so threads
 * share it (match data is per call).  An identifier is normalised before
 * hashing (lower case, no 0x, an ECID without leading zeros), so the forms a
 * log writes for one device give one token.
 */
#include "config.h"

#include <ctype.h>

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nettle/hmac.h>
#include <pcre2.h>

#include "analyze/analyze-internal.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/encoding.h"

/*
 * The spellings real logs use (docs/internals/analyze.md, "Redaction"): a label (ECID, ApECID,
 * UniqueChipID, SerialNumber, Serial No., SrNm, serial#, IMEI, InternationalMobile-
 * EquipmentIdentity, PhoneNumber ...) then a separator as text, JSON, a plist, a key=value
 * list or a DFU serial string writes it ("ECID: ", "\"ecid\" : ", "</key><string>",
 * "SRNM:[", " is "), then the value; and the identifiers whose shape alone says what they are
 * (UDIDs in any case, with or without the dash; international and US phone numbers).
 * Identifiers end where a letter or digit does not follow, so '_' is a boundary
 * ("iPhone_<UDID>_backup"); a label must not continue a word ("Intel" is no "tel").
 */
#define LABEL_START "(?<![A-Za-z])"
#define ID_START "(?<![0-9A-Za-z])"
#define ID_END "(?![0-9A-Za-z])"
#define SEP "(?:[\\s\"'=:#\\[(>_]|</key>|<string>|<integer>|&quot;|(?<=\\s)is(?=\\s)){1,8}"

/* The first set group of each pattern is the identifier that is replaced. */
static const char *const id_patterns[] = {
    /* ECID: labelled decimal or hex of any length a 64-bit number has (zero-padded too), and
       idevicerestore's log name */
    "(?i)" LABEL_START "(?:(?:ap|device)[ _]?ecid|ecid|unique[ _]?chip[ _]?id)" SEP
    "((?:0x)?[0-9a-f]{6,24})" ID_END
    "|\\brestore_([0-9a-f]{16})_|\\bdevice (?:0x)?([0-9a-f]{16}) \\(udid",
    /* UDID: 40 hex, the 8-16 form of newer devices (with or without its dash), in any case;
       and what a UDID label names */
    "(?i)" ID_START "([0-9a-f]{40}|[0-9a-f]{8}-[0-9a-f]{16}|0000[0-9a-f]{20})" ID_END
    "|" LABEL_START "(?:udid|unique[ _]?device[ _]?id(?:entifier)?)" SEP
    "([0-9a-f][0-9a-f-]{22,46}[0-9a-f])" ID_END,
    /* serial numbers when labelled (with at least one digit: "Serial: NotAvailable" stays) */
    "(?i)" LABEL_START "(?:(?:device|mlb|board)[ _]?)?(?:serial[ _-]?(?:number|num|no\\.?|#)?|"
    "srnm|s/n)" SEP "((?=[a-z]*[0-9])[a-z0-9]{10,18})" ID_END
    /* ... and a plist <string> that holds only a serial's shape (11 or 12 capitals and
       digits, both), for the multi-line form whose <key>SerialNumber</key> is a line above */
    "|(?-i:<string>((?=[A-Z0-9]*[0-9])(?=[A-Z0-9]*[A-Z])[A-Z0-9]{11,12})</string>)",
    /* IMEI / MEID when labelled, also grouped with blanks or dashes ("35 209900 176148 1") */
    "(?i)" LABEL_START "(?:imei[ _]?[12]?|meid|international[ _]?mobile[ _]?equipment[ _]?"
    "identity|mobile[ _]?equipment[ _]?identifier)" SEP
    "((?:[0-9a-f][ -]?){13,15}[0-9a-f])" ID_END,
    /* e-mail */
    "([A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,190}\\.[A-Za-z]{2,24})",
    /* phone numbers: international form; national forms when labelled; the US forms */
    "(\\+[1-9][0-9 ()-]{7,16}[0-9])"
    "|(?i)" LABEL_START "(?:phone[ _]?(?:number|no\\.?)?|msisdn|mdn|tel(?:ephone)?|"
    "mobile[ _]?(?:number|no\\.?)?|cell[ _]?(?:phone)?)" SEP "(\\(?[0-9][0-9 ().-]{5,18}[0-9])"
    ID_END "|" ID_START "(\\([0-9]{3}\\) ?[0-9]{3}[-. ][0-9]{4}|[0-9]{3}-[0-9]{3}-[0-9]{4})" ID_END,
};
static const char *const id_kinds[] = { "ecid", "udid", "serial", "imei", "email", "phone" };

#define NKINDS (sizeof(id_kinds) / sizeof(*id_kinds))
_Static_assert(sizeof(id_patterns) / sizeof(*id_patterns) == NKINDS,
               "one pattern per identifier kind");

struct redactor {
    pcre2_code *re[NKINDS];
    uint8_t key[32];
};

/* The key: hashed from the one given, else random (tokens then differ between runs). */
static enum la_rc make_key(struct redactor *rd, const char *key)
{
    if (key) {
        struct sha256_ctx c;
        sha256_init(&c);
        sha256_update(&c, strlen(key), (const uint8_t *)key);
        sha256_digest(&c, sizeof(rd->key), rd->key);
        return LA_OK;
    }
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0 || read(fd, rd->key, sizeof(rd->key)) != (ssize_t)sizeof(rd->key)) {
        if (fd >= 0)
            close(fd);
        return LA_FATAL;
    }
    close(fd);
    return LA_OK;
}

enum la_rc la_redact_new(struct redactor **ret, const char *key, struct la_diag_sink *sink)
{
    struct redactor *rd = la_calloc(1, sizeof(*rd));

    if (!rd)
        return LA_FATAL;
    for (size_t i = 0; i < NKINDS; i++) {
        int ec;
        PCRE2_SIZE eo;
        rd->re[i] = pcre2_compile((PCRE2_SPTR)id_patterns[i], PCRE2_ZERO_TERMINATED,
                                  PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &ec, &eo, NULL);
        if (!rd->re[i]) {
            /* A bug in the built-in patterns, not in the input. */
            PCRE2_UCHAR msg[120];
            pcre2_get_error_message(ec, msg, sizeof(msg));
            la_diagf(sink, LA_SEV_ERROR, LA_D_RULE_BAD_REGEX, "redaction", 0, 0,
                     "built-in pattern %zu: %s at offset %zu", i, (const char *)msg, (size_t)eo);
            la_redact_free(rd);
            return LA_FATAL;
        }
        if (!getenv("LOGANALYZE_NO_JIT"))
            pcre2_jit_compile(rd->re[i], PCRE2_JIT_COMPLETE);
    }
    if (make_key(rd, key) != LA_OK) {
        la_redact_free(rd);
        return LA_FATAL;
    }
    *ret = rd;
    return LA_OK;
}

void la_redact_free(struct redactor *rd)
{
    if (!rd)
        return;
    for (size_t i = 0; i < NKINDS; i++)
        if (rd->re[i])
            pcre2_code_free(rd->re[i]);
    la_free(rd);
}

void la_redact_token(const struct redactor *rd, const char *kind, const char *s, size_t len,
                     struct la_buf *out, enum la_rc *rc)
{
    struct hmac_sha256_ctx h;
    uint8_t dig[SHA256_DIGEST_SIZE];
    char lower[64];
    size_t n;

    /* Case, 0x, an IMEI's grouping and a UDID's missing dash do not change identity. */
    size_t m = 0;
    for (size_t i = 0; i < len && m < sizeof(lower); i++) {
        if (!strcmp(kind, "imei") && (s[i] == ' ' || s[i] == '-'))
            continue;
        if (!strcmp(kind, "udid") && len == 24 && !memchr(s, '-', len) && i == 8 &&
            m < sizeof(lower) - 1)
            lower[m++] = '-';
        lower[m++] = (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] + 32 : s[i]);
    }
    n = m;
    const char *p = lower;
    if (n > 2 && p[0] == '0' && p[1] == 'x')
        p += 2, n -= 2;
    while (n > 1 && *p == '0' && !strcmp(kind, "ecid"))
        p++, n--;
    hmac_sha256_set_key(&h, sizeof(rd->key), rd->key);
    hmac_sha256_update(&h, n, (const uint8_t *)p);
    hmac_sha256_digest(&h, sizeof(dig), dig);
    if (*rc == LA_OK)
        *rc = la_buf_addf(out, "%s-%02x%02x%02x%02x", kind, dig[0], dig[1], dig[2], dig[3]);
}

/* Replace every identifier of kind k in cur, writing the result to out. */
static enum la_rc redact_kind(const struct redactor *rd, size_t k, const struct la_buf *cur,
                              struct la_buf *out, pcre2_match_data *md)
{
    enum la_rc rc = LA_OK;
    size_t pos = 0;

    while (pos <= cur->len) {
        int r = pcre2_match(rd->re[k], (PCRE2_SPTR)cur->buf, cur->len, pos, 0, md, NULL);
        if (r < 0)
            break;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        int g = 0;
        for (int k2 = 1; k2 < r && !g; k2++)
            if (ov[2 * k2] != PCRE2_UNSET)
                g = k2;
        PCRE2_SIZE s0 = ov[2 * g], s1 = ov[2 * g + 1];
        if (ov[1] <= ov[0] || s1 <= s0) {
            pos = ov[1] > pos ? ov[1] : pos + 1;
            continue;
        }
        if (rc == LA_OK)
            rc = la_buf_add(out, cur->buf + pos, s0 - pos);
        la_redact_token(rd, id_kinds[k], cur->buf + s0, s1 - s0, out, &rc);
        if (rc == LA_OK)
            rc = la_buf_add(out, cur->buf + s1, ov[1] - s1);
        pos = ov[1];
    }
    if (pos < cur->len && rc == LA_OK)
        rc = la_buf_add(out, cur->buf + pos, cur->len - pos);
    return rc;
}

char *la_engine_redact(struct la_engine *e, const char *s, size_t len)
{
    struct la_buf out = LA_BUF_INIT, cur = LA_BUF_INIT;
    enum la_rc rc = la_utf8_add(&cur, s, len);   /* every output needs valid UTF-8 */
    pcre2_match_data *md;

    if (!e->o.redact || rc != LA_OK) {
        la_buf_release(&out);
        if (rc != LA_OK)
            return NULL;
        return la_buf_detach(&cur, NULL);
    }
    md = pcre2_match_data_create(8, NULL);   /* per call: threads share the engine */
    if (!md) {
        la_buf_release(&cur);
        return NULL;
    }
    for (size_t k = 0; k < NKINDS && rc == LA_OK; k++) {
        la_buf_reset(&out);
        rc = redact_kind(e->rd, k, &cur, &out, md);
        la_buf_reset(&cur);
        if (rc == LA_OK)
            rc = la_buf_add(&cur, out.buf, out.len);
    }
    la_buf_release(&out);
    pcre2_match_data_free(md);
    if (rc != LA_OK) {
        la_buf_release(&cur);
        return NULL;
    }
    return la_buf_detach(&cur, NULL);
}

size_t la_evidence_cut(const char *s, size_t len)
{
    size_t cut = la_utf8_cut(s, len, LA_MAX_EVIDENCE_TEXT), w = cut;

    if (cut == len)
        return len;
    /* Inside a word (the byte before the cut and the one at it both belong to one): back to
     * its start, unless the word is most of the line (a hex dump: keep the cut). */
    while (w > 0 && (isalnum((unsigned char)s[w - 1]) || s[w - 1] == '-' || s[w - 1] == '_'))
        w--;
    if (w < cut && (isalnum((unsigned char)s[cut]) || s[cut] == '-' || s[cut] == '_') &&
        w >= LA_MAX_EVIDENCE_TEXT / 2)
        return w;
    return cut;
}

json_t *la_redact_json(struct la_engine *e, const char *s, size_t len)
{
    char *r = la_engine_redact(e, s, len);
    json_t *j;

    if (!r)
        return NULL;
    j = json_stringn_nocheck(r, strlen(r));   /* la_engine_redact() made it valid UTF-8 */
    la_free(r);
    return j;
}

/*
 * The names of the levels (enum la_level in rules.h), in one place: rule files, reports
 * and `--fail-on` spell them this way.
 */
#include "config.h"

#include <string.h>

#include "rules/rules.h"

static const char *const names[] = { "info", "low", "medium", "high", "critical", NULL };

_Static_assert(sizeof names / sizeof names[0] == LA_LEVEL_CRITICAL + 2,
               "one name per enum la_level value, then NULL");

const char *la_level_name(enum la_level level)
{
    return (unsigned)level <= LA_LEVEL_CRITICAL ? names[level] : NULL;
}

int la_level_parse(const char *name)
{
    for (int i = 0; name && i <= LA_LEVEL_CRITICAL; i++)
        if (!strcmp(name, names[i]))
            return i;
    return -1;
}

const char *const *la_level_names(void)
{
    return names;
}

#include "cli/cli.h"

int main(int argc, char **argv)
{
    return la_cli_main(argc, argv);
}

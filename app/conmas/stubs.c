/* stubs.c - commands whose handlers are being written (removed as they come). */
#include "conmas/conmas.h"

#define STUB(fn)                                                                       \
    void fn(conmas_call *c)                                                            \
    {                                                                                  \
        conmas_error(c, CM_UNKNOWN_COMMAND, "This command is not available yet.");   \
    }
STUB(conmas_definition_list)
STUB(conmas_definition_detail)
STUB(conmas_report_list)
STUB(conmas_report_detail)
STUB(conmas_report_file)
STUB(conmas_master_records)

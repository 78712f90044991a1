#include "forms/model.h"

#include <string.h>

static const char *const type_names[CT__COUNT] = {
    "KeyboardText", "FixedText", "Numeric", "NumericSelect", "Calculate", "Date", "Time",
    "TimeCalculate", "Check", "Select", "MultipleChoice", "Toggle", "Image", "Handwriting",
    "FreeDraw", "Create", "Inspect", "Approve", "Registrant", "RegisterDate", "Updater",
    "UpdateDate", "LoginUser", "Gps", "CodeReader", "MasterSelect",
};

const char *cluster_type_name(cluster_type t)
{
    return (unsigned)t < CT__COUNT ? type_names[t] : "?";
}

int cluster_type_from_name(const char *name)
{
    for (int i = 0; i < CT__COUNT; i++)
        if (!strcmp(type_names[i], name))
            return i;
    return -1;
}

const char *def_param_get(const def_cluster *c, const char *name)
{
    for (int i = 0; i < c->nparams; i++)
        if (!strcmp(c->params[i].name, name))
            return c->params[i].value;
    return NULL;
}

const def_cluster *def_find(const definition *d, int sheet, int id)
{
    for (int s = 0; s < d->nsheets; s++) {
        if (d->sheets[s].no != sheet)
            continue;
        for (int i = 0; i < d->sheets[s].nclusters; i++)
            if (d->sheets[s].clusters[i].id == id)
                return &d->sheets[s].clusters[i];
    }
    return NULL;
}

/* model.h - a form definition in memory (definition-xml.md).
 *
 * Filled by the XML reader (forms/defxml.c) or from the database
 * (forms/store.c); read by the checks, the value engine (forms/value.c),
 * the exporters and the handlers.  Every string lives in the arena the
 * definition was built in; a definition is read-only once built and may be
 * read from any thread that owns that arena.
 */
#ifndef GENBA_MODEL_H
#define GENBA_MODEL_H

#include <stdbool.h>

typedef enum cluster_type {
    CT_KEYBOARD_TEXT, CT_FIXED_TEXT, CT_NUMERIC, CT_NUMERIC_SELECT, CT_CALCULATE, CT_DATE, CT_TIME,
    CT_TIME_CALCULATE, CT_CHECK, CT_SELECT, CT_MULTIPLE_CHOICE, CT_TOGGLE, CT_IMAGE, CT_HANDWRITING,
    CT_FREE_DRAW, CT_CREATE, CT_INSPECT, CT_APPROVE, CT_REGISTRANT, CT_REGISTER_DATE, CT_UPDATER,
    CT_UPDATE_DATE, CT_LOGIN_USER, CT_GPS, CT_CODE_READER, CT_MASTER_SELECT,
    CT__COUNT
} cluster_type;

/* The XML name of a type ("KeyboardText"), and back (-1 when unknown). */
const char *cluster_type_name(cluster_type t);
int cluster_type_from_name(const char *name);

/* One choice of Select, MultipleChoice, Toggle, NumericSelect. */
typedef struct def_item {
    const char *value, *label;
    bool is_default;
} def_item;

/* A type parameter: the element name and its text, in document order
 * ("maxLength" = "12", "formula" = "C(1,6)*2", "minimum" = "today-7"). */
typedef struct def_param {
    const char *name, *value;
} def_param;

/* MasterSelect: fill cluster `cluster` (same sheet) from master field `field`. */
typedef struct def_fill {
    int cluster;
    const char *field;
} def_fill;

typedef struct def_cluster {
    int sheet_no, id;              /* id: clusterId, unique within its sheet */
    const char *name;
    cluster_type type;
    const char *top, *bottom, *left, *right;   /* canonical decimal strings, fractions 0..1 */
    double ftop, fbottom, fleft, fright;       /* the same as numbers (geometry only) */
    bool required, copy_on_duplicate, lock_after_save;
    const char *remarks[10];       /* remarks1..10, NULL when absent */
    def_param *params;             /* every other parameter */
    int nparams;
    def_item *items;
    int nitems;
    def_fill *fills;
    int nfills;
    int line;                      /* line in the source XML (0 when not from XML) */
} def_cluster;

typedef struct def_sheet {
    int no;
    const char *name;
    int width, height;             /* points */
    const char *background;        /* file name in the zip, or NULL */
    def_cluster *clusters;
    int nclusters;
    int line;
} def_sheet;

typedef struct def_stage {
    int no;
    const char *name, *group;      /* group: the name of a group of the tenant */
} def_stage;

typedef struct definition {
    const char *name;              /* defTopName */
    const char *remarks_names[10]; /* remarksName1..10, NULL when absent */
    bool exclusive_lock, applicant_lock;
    bool has_autonumber;
    const char *an_prefix, *an_date;   /* date: a pattern of yyyy MM dd, or "" */
    int an_digits, an_start, an_step;
    def_stage *stages;
    int nstages;
    const char *available_from, *available_until;  /* YYYY-MM-DD or NULL */
    def_sheet *sheets;
    int nsheets;
} definition;

/* The value of parameter name, or NULL. */
const char *def_param_get(const def_cluster *c, const char *name);
/* The cluster (sheet no, cluster id), or NULL. */
const def_cluster *def_find(const definition *d, int sheet, int id);

#endif

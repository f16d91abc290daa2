// The few functions of SQLite's C API Kefu's hot path calls directly. They are those of the
// copy the SQLite driver (sqlite-nio) already compiles into the binary, whose names carry the
// prefix `sqlite_nio_`; this header only declares them (the linker finds them there), so the
// message writer can prepare its statements once and run a whole batch on one thread.
#ifndef CKEFU_SQLITE_H
#define CKEFU_SQLITE_H

#include <stdint.h>

typedef struct sqlite3 kefu_sqlite;
typedef struct sqlite3_stmt kefu_sqlite_stmt;

#define KEFU_SQLITE_OK 0
#define KEFU_SQLITE_BUSY 5
#define KEFU_SQLITE_ROW 100
#define KEFU_SQLITE_DONE 101
#define KEFU_SQLITE_NULL 5
#define KEFU_SQLITE_OPEN_READWRITE 0x00000002
#define KEFU_SQLITE_OPEN_CREATE 0x00000004
#define KEFU_SQLITE_OPEN_NOMUTEX 0x00008000
#define KEFU_SQLITE_PREPARE_PERSISTENT 0x01

int sqlite_nio_sqlite3_open_v2(const char *filename, kefu_sqlite **db, int flags, const char *vfs);
int sqlite_nio_sqlite3_close_v2(kefu_sqlite *db);
int sqlite_nio_sqlite3_exec(kefu_sqlite *db, const char *sql, int (*callback)(void *, int, char **, char **), void *arg, char **errmsg);
int sqlite_nio_sqlite3_prepare_v3(kefu_sqlite *db, const char *sql, int bytes, unsigned int flags, kefu_sqlite_stmt **stmt, const char **tail);
int sqlite_nio_sqlite3_step(kefu_sqlite_stmt *stmt);
int sqlite_nio_sqlite3_reset(kefu_sqlite_stmt *stmt);
int sqlite_nio_sqlite3_clear_bindings(kefu_sqlite_stmt *stmt);
int sqlite_nio_sqlite3_finalize(kefu_sqlite_stmt *stmt);
int sqlite_nio_sqlite3_bind_text(kefu_sqlite_stmt *stmt, int index, const char *text, int bytes, void (*destructor)(void *));
int sqlite_nio_sqlite3_bind_int64(kefu_sqlite_stmt *stmt, int index, int64_t value);
int sqlite_nio_sqlite3_bind_double(kefu_sqlite_stmt *stmt, int index, double value);
int sqlite_nio_sqlite3_bind_null(kefu_sqlite_stmt *stmt, int index);
int64_t sqlite_nio_sqlite3_column_int64(kefu_sqlite_stmt *stmt, int column);
double sqlite_nio_sqlite3_column_double(kefu_sqlite_stmt *stmt, int column);
const unsigned char *sqlite_nio_sqlite3_column_text(kefu_sqlite_stmt *stmt, int column);
int sqlite_nio_sqlite3_column_bytes(kefu_sqlite_stmt *stmt, int column);
int sqlite_nio_sqlite3_column_type(kefu_sqlite_stmt *stmt, int column);
const char *sqlite_nio_sqlite3_errmsg(kefu_sqlite *db);
int sqlite_nio_sqlite3_busy_timeout(kefu_sqlite *db, int milliseconds);
int sqlite_nio_sqlite3_changes(kefu_sqlite *db);
int sqlite_nio_sqlite3_extended_errcode(kefu_sqlite *db);
int sqlite_nio_sqlite3_db_config(kefu_sqlite *db, int op, ...);
void sqlite_nio_sqlite3_free(void *pointer);

/// Binds text that SQLite copies (SQLITE_TRANSIENT).
static inline int kefu_sqlite_bind_text(kefu_sqlite_stmt *stmt, int index, const char *text, int bytes) {
    return sqlite_nio_sqlite3_bind_text(stmt, index, text, bytes, (void (*)(void *))-1);
}

/// Turns on the query planner stability guarantee (SQLITE_DBCONFIG_ENABLE_QPSG): a prepared
/// statement keeps its plan whatever values are bound, instead of being prepared again when a
/// bound value might allow a better one (the writer's statements were re-prepared per message).
static inline int kefu_sqlite_enable_qpsg(kefu_sqlite *db) {
    return sqlite_nio_sqlite3_db_config(db, 1007, 1, (int *)0);
}

#endif

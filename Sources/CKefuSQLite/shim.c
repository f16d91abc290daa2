// Declarations only (include/CKefuSQLite.h); the functions are sqlite-nio's copy of SQLite.
#include "CKefuSQLite.h"

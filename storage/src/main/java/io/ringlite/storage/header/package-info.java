/** The 100-byte database file header: layout, validation, and page 1 of a new database. */
package io.ringlite.storage.header;

/** The POSIX byte-range locks shared with SQLite that keep other processes out of an open database. */
package io.ringlite.storage.lock;

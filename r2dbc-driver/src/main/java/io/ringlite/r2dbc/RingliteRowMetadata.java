package io.ringlite.r2dbc;

import io.r2dbc.spi.RowMetadata;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The columns of a result. Lookup by name ignores case, as SQL identifiers do; if two columns share
 * a name, the first one is found (as {@code sqlite3} and JDBC do).
 */
public final class RingliteRowMetadata implements RowMetadata {

    private final List<RingliteColumnMetadata> columns;
    private final Map<String, Integer> byName;

    RingliteRowMetadata(List<RingliteColumnMetadata> columns) {
        this.columns = List.copyOf(columns);
        this.byName = new HashMap<>();
        for (int i = 0; i < this.columns.size(); i++) {
            byName.putIfAbsent(key(this.columns.get(i).name()), i);
        }
    }

    /** Metadata for the columns of an engine statement. */
    static RingliteRowMetadata of(List<String> names, List<String> declaredTypes) {
        List<RingliteColumnMetadata> cols = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            String declared = declaredTypes != null && i < declaredTypes.size() ? declaredTypes.get(i) : null;
            cols.add(new RingliteColumnMetadata(names.get(i), declared));
        }
        return new RingliteRowMetadata(cols);
    }

    @Override
    public RingliteColumnMetadata getColumnMetadata(int index) {
        if (index < 0 || index >= columns.size()) {
            throw new IndexOutOfBoundsException("Column index " + index + " is out of range: the result has "
                    + columns.size() + " columns");
        }
        return columns.get(index);
    }

    @Override
    public RingliteColumnMetadata getColumnMetadata(String name) {
        return columns.get(indexOf(name));
    }

    @Override
    public List<RingliteColumnMetadata> getColumnMetadatas() {
        return columns;
    }

    @Override
    public boolean contains(String name) {
        return name != null && byName.containsKey(key(name));
    }

    int size() {
        return columns.size();
    }

    /** Index of the column called {@code name} (ignoring case). */
    int indexOf(String name) {
        if (name == null) {
            throw new IllegalArgumentException("column name must not be null");
        }
        Integer i = byName.get(key(name));
        if (i == null) {
            throw new NoSuchElementException("No column named '" + name + "' (columns: "
                    + columns.stream().map(RingliteColumnMetadata::name).toList() + ")");
        }
        return i;
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "RingliteRowMetadata" + columns;
    }
}

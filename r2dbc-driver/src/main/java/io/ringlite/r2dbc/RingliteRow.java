package io.ringlite.r2dbc;

import io.r2dbc.spi.Row;
import java.util.Arrays;

/**
 * One result row: a copy of the engine's row values (null, Long, Double, String, byte[]), so a
 * row stays readable after the mapping function returns (R2DBC only promises validity inside it);
 * BLOBs are copied on every read so callers cannot change the row. Conversions are those of {@link Codecs}; columns are found by index (0-based)
 * or by name, ignoring case.
 */
public final class RingliteRow implements Row {

    private final RingliteRowMetadata metadata;
    private final Object[] values;

    RingliteRow(RingliteRowMetadata metadata, Object[] values) {
        assert values.length == metadata.size() : "invariant: row width " + values.length + " != " + metadata.size();
        this.metadata = metadata;
        this.values = values;
    }

    @Override
    public RingliteRowMetadata getMetadata() {
        return metadata;
    }

    /** The value in its natural Java type: Long, Double, String, read-only ByteBuffer, or null. */
    @Override
    public Object get(int index) {
        return Codecs.natural(raw(index));
    }

    @Override
    public <T> T get(int index, Class<T> type) {
        return Codecs.decode(raw(index), type);
    }

    @Override
    public Object get(String name) {
        return get(metadata.indexOf(name));
    }

    @Override
    public <T> T get(String name, Class<T> type) {
        return get(metadata.indexOf(name), type);
    }

    private Object raw(int index) {
        if (index < 0 || index >= values.length) {
            throw new IndexOutOfBoundsException("Column index " + index + " is out of range: the row has "
                    + values.length + " columns");
        }
        return values[index];
    }

    @Override
    public String toString() {
        return "RingliteRow" + Arrays.deepToString(values);
    }
}

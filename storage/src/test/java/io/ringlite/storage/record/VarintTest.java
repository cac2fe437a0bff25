package io.ringlite.storage.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VarintTest {

    @Test
    void lengthsFollowTheSevenBitGroupsAndNineBytesForTheRest() {
        assertThat(Varint.length(0)).isEqualTo(1);
        assertThat(Varint.length(127)).isEqualTo(1);
        assertThat(Varint.length(128)).isEqualTo(2);
        assertThat(Varint.length(16383)).isEqualTo(2);
        assertThat(Varint.length(16384)).isEqualTo(3);
        assertThat(Varint.length((1L << 56) - 1)).isEqualTo(8);
        assertThat(Varint.length(1L << 56)).isEqualTo(9);
        assertThat(Varint.length(-1)).isEqualTo(9);
        assertThat(Varint.length(Long.MIN_VALUE)).isEqualTo(9);
    }

    @Test
    void encodesKnownValuesAsTheFileFormatDocumentDescribes() {
        // 0x81 0x00 = (1 << 7) | 0 = 128
        assertThat(bytes(128)).containsExactly(0x81, 0x00);
        assertThat(bytes(300)).containsExactly(0x82, 0x2c);
        // nine bytes: the ninth byte contributes all 8 bits
        assertThat(bytes(-1)).containsExactly(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
    }

    @Test
    void roundTripsRandomAndBoundaryValues() {
        Random rnd = new Random(42);
        long[] fixed = {0, 1, 127, 128, 240, 2287, 2288, 67823, 67824, 16777215, 16777216,
                4294967295L, 1L << 56, (1L << 56) - 1, Long.MAX_VALUE, Long.MIN_VALUE, -1, -128};
        for (long v : fixed) {
            assertRoundTrip(v);
        }
        for (int i = 0; i < 10_000; i++) {
            assertRoundTrip(rnd.nextLong() >> rnd.nextInt(64));
        }
    }

    @Test
    void aVarintRunningPastTheLimitIsCorruption() {
        byte[] buf = {(byte) 0x81, (byte) 0x82};
        assertThatThrownBy(() -> Varint.read(MemorySegment.ofArray(buf), 0, 2))
                .isInstanceOf(DatabaseException.class)
                .extracting(e -> ((DatabaseException) e).code()).isEqualTo(ResultCode.CORRUPT);
    }

    private static void assertRoundTrip(long v) {
        byte[] buf = new byte[12];
        int n = Varint.write(buf, 1, v);
        assertThat(n).isEqualTo(Varint.length(v));
        MemorySegment seg = MemorySegment.ofArray(buf);
        assertThat(Varint.read(seg, 1, 1 + n)).isEqualTo(v);
        assertThat(Varint.lengthAt(seg, 1, 1 + n)).isEqualTo(n);
    }

    private static int[] bytes(long v) {
        byte[] buf = new byte[9];
        int n = Varint.write(buf, 0, v);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = buf[i] & 0xff;
        }
        return out;
    }
}

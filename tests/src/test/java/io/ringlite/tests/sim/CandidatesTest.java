package io.ringlite.tests.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The simulation's oracle must reject what a correct database never shows. */
class CandidatesTest {
    private static Consumer<TreeMap<Long, String>> put(long id, String row) {
        return m -> m.put(id, row);
    }

    private static TreeMap<Long, String> state(Object... idRow) {
        TreeMap<Long, String> m = new TreeMap<>();
        for (int i = 0; i < idRow.length; i += 2) {
            m.put(((Number) idRow[i]).longValue(), (String) idRow[i + 1]);
        }
        return m;
    }

    @Test
    void anAcknowledgedCommitMustBePresent() {
        Candidates c = new Candidates();
        c.commit(List.of(put(1, "a")));
        assertThat(c.contains(state(1, "a"))).isTrue();
        assertThat(c.contains(state())).isFalse();
    }

    @Test
    void anInDoubtTransactionIsAllowedEntirelyOrNotAtAllButNeverInPart() {
        Candidates c = new Candidates();
        c.commit(List.of(put(1, "a")));
        c.inDoubt(List.of(put(2, "b"), put(3, "c")));
        assertThat(c.contains(state(1, "a"))).isTrue();
        assertThat(c.contains(state(1, "a", 2, "b", 3, "c"))).isTrue();
        assertThat(c.contains(state(1, "a", 2, "b"))).isFalse();
        assertThat(c.size()).isEqualTo(2);
    }

    @Test
    void collapsingKeepsOnlyTheObservedStateAndRefusesAnUnknownOne() {
        Candidates c = new Candidates();
        c.inDoubt(List.of(put(1, "a")));
        assertThatThrownBy(() -> c.collapse(state(9, "z"))).isInstanceOf(IllegalStateException.class);
        c.collapse(state(1, "a"));
        assertThat(c.size()).isEqualTo(1);
        c.commit(List.of(put(2, "b")));
        assertThat(c.contains(state(1, "a", 2, "b"))).isTrue();
        assertThat(c.contains(state(2, "b"))).isFalse();
    }

    @Test
    void rowsRenderBlobsAndTextSoThatEqualValuesCompareEqual() {
        assertThat(SimRows.render(1L, "x", new byte[] {1, 2})).isEqualTo(SimRows.render(1, "x", new byte[] {1, 2}));
        assertThat(SimRows.render(1L, "x", new byte[] {1, 2})).isNotEqualTo(SimRows.render(1L, "x", new byte[] {1, 3}));
        assertThat(SimRows.render(null, null, null)).isNotEqualTo(SimRows.render(null, "", null));
    }
}

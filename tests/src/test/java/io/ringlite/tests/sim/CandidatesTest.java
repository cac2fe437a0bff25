package io.ringlite.tests.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The simulation's oracle must reject what a correct database never shows. */
class CandidatesTest {
    private static Consumer<SimState> put(long id, String v) {
        return s -> s.rows("t").put(id, SimState.row(1L, v, null));
    }

    private static SimState state(Object... idV) {
        SimState s = new SimState();
        s.tables.put("t", new TreeMap<>());
        for (int i = 0; i < idV.length; i += 2) {
            put(((Number) idV[i]).longValue(), (String) idV[i + 1]).accept(s);
        }
        return s;
    }

    private static Candidates withTableT() {
        Candidates c = new Candidates();
        c.commit(List.of(s -> s.tables.put("t", new TreeMap<>())));
        return c;
    }

    @Test
    void anAcknowledgedCommitMustBePresent() {
        Candidates c = withTableT();
        c.commit(List.of(put(1, "a")));
        assertThat(c.contains(state(1, "a"))).isTrue();
        assertThat(c.contains(state())).isFalse();
    }

    @Test
    void anInDoubtTransactionIsAllowedEntirelyOrNotAtAllButNeverInPart() {
        Candidates c = withTableT();
        c.commit(List.of(put(1, "a")));
        c.inDoubt(List.of(put(2, "b"), put(3, "c")));
        assertThat(c.contains(state(1, "a"))).isTrue();
        assertThat(c.contains(state(1, "a", 2, "b", 3, "c"))).isTrue();
        assertThat(c.contains(state(1, "a", 2, "b"))).isFalse();
        assertThat(c.size()).isEqualTo(2);
    }

    @Test
    void collapsingKeepsOnlyTheObservedStateAndRefusesAnUnknownOne() {
        Candidates c = withTableT();
        c.inDoubt(List.of(put(1, "a")));
        assertThatThrownBy(() -> c.collapse(state(9, "z"))).isInstanceOf(IllegalStateException.class);
        c.collapse(state(1, "a"));
        assertThat(c.size()).isEqualTo(1);
        c.commit(List.of(put(2, "b")));
        assertThat(c.contains(state(1, "a", 2, "b"))).isTrue();
        assertThat(c.contains(state(2, "b"))).isFalse();
    }

    @Test
    void anIndexIsPartOfTheStateSoAnUnacknowledgedCreateIndexIsCaught() {
        Candidates c = withTableT();
        c.commit(List.of(put(1, "a")));
        SimState withIndex = state(1, "a");
        withIndex.indexes.add("t_vd");
        assertThat(c.contains(withIndex)).isFalse();
        c.inDoubt(List.of(s -> s.indexes.add("t_vd")));
        assertThat(c.contains(withIndex)).isTrue();
        assertThat(c.contains(state(1, "a"))).isTrue();
    }

    @Test
    void rowsCompareBlobsByContentAndNullDiffersFromEmptyText() {
        assertThat(SimState.row(1L, "x", new byte[] {1, 2})).isEqualTo(SimState.row(1, "x", new byte[] {1, 2}));
        assertThat(SimState.row(1L, "x", new byte[] {1, 2})).isNotEqualTo(SimState.row(1L, "x", new byte[] {1, 3}));
        assertThat(SimState.row(null, null, null)).isNotEqualTo(SimState.row(null, "", null));
    }

    @Test
    void theModelKnowsWhichRowsBreakAUniqueIndexAndThatNullsNeverDo() {
        SimState s = state();
        s.indexes.add("t_nv");
        s.rows("t").put(1L, SimState.row(5L, "a", null));
        s.rows("t").put(2L, SimState.row(5L, null, null));
        s.rows("t").put(3L, SimState.row(5L, null, null));
        assertThat(s.uniqueViolation()).isNull();
        s.rows("t").put(4L, SimState.row(5L, "a", null));
        assertThat(s.uniqueViolation()).startsWith("t_nv");
        s.indexes.remove("t_nv");
        assertThat(s.uniqueViolation()).isNull();
    }

    @Test
    void aPartialUniqueIndexOnlyConstrainsTheRowsItCovers() {
        SimState s = state();
        s.indexes.add("t_hi");
        s.rows("t").put(1L, SimState.row(700L, "a", null));
        s.rows("t").put(2L, SimState.row(700L, "b", null));
        assertThat(s.uniqueViolation()).isNull();
        s.rows("t").put(3L, SimState.row(850L, "c", null));
        s.rows("t").put(4L, SimState.row(850L, "d", null));
        assertThat(s.uniqueViolation()).startsWith("t_hi");
    }

    @Test
    void theSchemaOfAStateListsTablesAutomaticIndexesAndCatalogIndexesByName() {
        SimState s = state();
        s.tables.put("u", new TreeMap<>());
        s.indexes.add("u_c");
        assertThat(SimCatalog.schemaOf(s)).containsExactly(
                "index sqlite_autoindex_u_1 u null",
                "table t t " + SimCatalog.T,
                "table u u " + SimCatalog.U,
                "index u_c u CREATE INDEX u_c ON u(c DESC, a)");
    }
}

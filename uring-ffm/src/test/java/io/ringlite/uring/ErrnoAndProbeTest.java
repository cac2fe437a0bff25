package io.ringlite.uring;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ErrnoAndProbeTest {

    @Test
    void errnoNamesFollowLinuxNumbers() {
        assertThat(Errno.nameOf(9)).isEqualTo("EBADF");
        assertThat(Errno.nameOf(-28)).isEqualTo("ENOSPC");
        assertThat(Errno.nameOf(5)).isEqualTo("EIO");
        assertThat(Errno.nameOf(38)).isEqualTo("ENOSYS");
        assertThat(Errno.nameOf(1)).isEqualTo("EPERM");
        assertThat(Errno.nameOf(4711)).isEqualTo("E4711");
    }

    @Test
    void probeGivesAReasonExactlyWhenUnavailable() {
        UringProbe.Availability a = UringProbe.probe();
        assertThat(a.reason() == null).isEqualTo(a.available());
        assertThat(UringProbe.probe()).as("computed once").isSameAs(a);
    }

    @Test
    void probeMatchesWhatTheKernelAllows() throws Exception {
        // On Linux, /proc/sys/kernel/io_uring_disabled = 2 forbids io_uring for everyone.
        java.nio.file.Path sysctl = java.nio.file.Path.of("/proc/sys/kernel/io_uring_disabled");
        if (java.nio.file.Files.exists(sysctl) && java.nio.file.Files.readString(sysctl).trim().equals("2")) {
            assertThat(UringProbe.probe().available()).isFalse();
            assertThat(UringProbe.probe().reason()).contains("EPERM");
        }
    }
}

package io.ringlite.uring;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A JVM that forbids native access cannot use io_uring through FFM; the probe must say so (as a
 * reason, not by throwing), so the storage factory can fall back to the portable backend.
 */
class ProbeInChildJvmTest {

    private static String runProbe(String... jvmOptions) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmOptions));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ProbeMain.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    @Test
    void probeReportsDeniedNativeAccessAsAReason() throws Exception {
        String out = runProbe("--illegal-native-access=deny");
        assertThat(out).contains("available=false").contains("reason=io_uring could not be linked")
                .contains("IllegalCallerException");
    }

    @Test
    void probeInAChildJvmAgreesWithThisOne() throws Exception {
        String out = runProbe("--enable-native-access=ALL-UNNAMED");
        assertThat(out).contains("available=" + UringProbe.probe().available());
    }
}

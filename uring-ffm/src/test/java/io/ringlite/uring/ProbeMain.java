package io.ringlite.uring;

/** Prints the probe's answer; run in a child JVM by {@link ProbeInChildJvmTest}. */
public final class ProbeMain {
    private ProbeMain() {
    }

    public static void main(String[] args) {
        UringProbe.Availability a = UringProbe.probe();
        System.out.println("available=" + a.available());
        System.out.println("reason=" + a.reason());
    }
}

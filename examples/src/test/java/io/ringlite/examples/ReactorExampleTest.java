package io.ringlite.examples;

import io.r2dbc.spi.ConnectionFactories;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class ReactorExampleTest {

    @Test
    void exampleReturnsScoresAboveTheThresholdBestFirst() {
        StepVerifier.create(ReactorExample.run(ConnectionFactories.get("r2dbc:ringlite:mem:///"), 5.0))
                .expectNext(List.of("ada=9.5", "brian=7.0"))
                .verifyComplete();
    }
}

package org.neox4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.neox4j.testing.Golden;

/** Usage errors of {@code neox4j worker} and of the coordinator options: one clear line, exit code 1. */
class WorkerCommandTest {
    private static String model() {
        return Golden.model("tiny-parallel").toString();
    }

    private static void fails(String expected, String... args) {
        CliRun r = CliRun.run(args);
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains(expected), r.err());
    }

    @Test
    void badLayerRangesAndAddressesAreNamed() {
        fails("--layers: '5-2' is not a layer range A-B", "worker", "--model", model(), "--layers", "5-2");
        fails("--layers: 'all' is not a layer range", "worker", "--model", model(), "--layers", "all");
        fails("the model has 2 layers", "worker", "--model", model(), "--layers", "1-3", "--listen", "127.0.0.1:0");
        fails("--listen: 'localhost' is not HOST:PORT", "worker", "--model", model(), "--layers", "0-1", "--listen", "localhost");
        fails("TLS needs both --tls-cert and --tls-key", "worker", "--model", model(), "--layers", "0-1", "--listen", "127.0.0.1:0",
                "--tls-cert", "x.pem");
    }

    @Test
    void coordinatorOptionsNeedAPipelineAndAReachableWorker() throws Exception {
        fails("are for --pipeline", "generate", "--model", model(), "--tls-ca", "ca.pem", "--prompt-token-ids", "1");
        int port = PipelineProcessTest.freePort();
        fails("pipeline stage 1/1 (worker 127.0.0.1:" + port + "): cannot describe the worker: the worker is not reachable",
                "generate", "--model", model(), "--pipeline", "127.0.0.1:" + port, "--prompt-token-ids", "1", "-n", "1");
        fails("--wire-dtype", "generate", "--model", model(), "--pipeline", "127.0.0.1:" + port, "--wire-dtype", "bf16",
                "--prompt-token-ids", "1");
    }
}

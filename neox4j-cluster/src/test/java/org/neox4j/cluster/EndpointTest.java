package org.neox4j.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.neox4j.Neox4jException;

class EndpointTest {
    @Test
    void parsesHostsPortsAndLists() {
        assertEquals(new Endpoint("10.0.0.2", 7070), Endpoint.parse("10.0.0.2:7070", "--pipeline"));
        assertEquals(new Endpoint("::1", 7070), Endpoint.parse("[::1]:7070", "--pipeline"));
        assertEquals("[::1]:7070", new Endpoint("::1", 7070).toString());
        assertEquals(List.of(new Endpoint("a", 1), new Endpoint("b", 2)), Endpoint.parseList("a:1, b:2", "--pipeline"));
        assertTrue(new Endpoint("127.0.0.1", 1).isLoopback());
        assertTrue(new Endpoint("localhost", 1).isLoopback());
        assertFalse(new Endpoint("0.0.0.0", 1).isLoopback());
    }

    @Test
    void badAddressesNameTheOption() {
        for (String bad : new String[] {"host", "host:", ":7070", "host:port", "::1:7070", "host:70000"}) {
            String m = assertThrows(Neox4jException.class, () -> Endpoint.parse(bad, "--pipeline"), bad).getMessage();
            assertTrue(m.contains("--pipeline") || m.contains("out of range"), m);
        }
        assertThrows(Neox4jException.class, () -> Endpoint.parseList(" , ", "--pipeline"));
    }
}

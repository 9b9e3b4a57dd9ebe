package org.neox4j.cluster;

import java.util.ArrayList;
import java.util.List;
import org.neox4j.Neox4jException;

/** A worker's address, {@code HOST:PORT} ({@code [v6-address]:PORT} for IPv6 literals). */
public record Endpoint(String host, int port) {
    public Endpoint {
        if (host == null || host.isBlank()) {
            throw new Neox4jException("an endpoint needs a host");
        }
        if (port < 0 || port > 65535) {
            throw new Neox4jException("port " + port + " is out of range (0-65535)");
        }
    }

    /** Parses {@code HOST:PORT}; {@code what} names the option in errors. */
    public static Endpoint parse(String text, String what) {
        String s = text.strip();
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new Neox4jException(what + ": '" + text + "' is not HOST:PORT");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new Neox4jException(what + ": '" + text + "': write IPv6 addresses in brackets, e.g. [::1]:7070");
        }
        try {
            return new Endpoint(host, Integer.parseInt(s.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new Neox4jException(what + ": '" + text + "' has no numeric port");
        }
    }

    /** Parses a comma-separated list {@code HOST:PORT,HOST:PORT}. */
    public static List<Endpoint> parseList(String text, String what) {
        List<Endpoint> out = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                out.add(parse(part, what));
            }
        }
        if (out.isEmpty()) {
            throw new Neox4jException(what + ": no HOST:PORT given");
        }
        return out;
    }

    /** Whether the host is a loopback name or address (the default for workers). */
    public boolean isLoopback() {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}

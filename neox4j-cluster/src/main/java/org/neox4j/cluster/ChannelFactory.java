package org.neox4j.cluster;

import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import java.util.concurrent.TimeUnit;

/** Opens the channel to a worker: TCP with the options' TLS by default, in-process in tests. */
@FunctionalInterface
public interface ChannelFactory {
    ManagedChannel open(Endpoint endpoint);

    /** TCP (Netty), TLS as the options say, keepalive pings so that a silent peer is noticed. */
    static ChannelFactory tcp(PipelineOptions options) {
        var credentials = Tls.client(options.tls(), options.trustedCerts());
        return endpoint -> Grpc.newChannelBuilderForAddress(endpoint.host(), endpoint.port(), credentials)
                .maxInboundMessageSize(Worker.MAX_MESSAGE_BYTES)
                .keepAliveTime(10, TimeUnit.SECONDS)
                .keepAliveTimeout(5, TimeUnit.SECONDS)
                .build();
    }
}

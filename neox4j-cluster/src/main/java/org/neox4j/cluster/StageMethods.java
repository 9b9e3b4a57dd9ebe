package org.neox4j.cluster;

import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import org.neox4j.cluster.proto.DescribeRequest;
import org.neox4j.cluster.proto.SessionRequest;
import org.neox4j.cluster.proto.SessionResponse;
import org.neox4j.cluster.proto.StageDescription;

/**
 * The gRPC methods of the {@code neox4j.cluster.v1.Stage} service (stage.proto), written out by
 * hand: what protoc's gRPC plugin would generate, for the two methods there are.
 */
final class StageMethods {
    static final String SERVICE = "neox4j.cluster.v1.Stage";

    static final MethodDescriptor<DescribeRequest, StageDescription> DESCRIBE =
            MethodDescriptor.<DescribeRequest, StageDescription>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Describe"))
                    .setRequestMarshaller(ProtoUtils.marshaller(DescribeRequest.getDefaultInstance()))
                    .setResponseMarshaller(ProtoUtils.marshaller(StageDescription.getDefaultInstance()))
                    .setIdempotent(true)
                    .build();

    static final MethodDescriptor<SessionRequest, SessionResponse> SESSION =
            MethodDescriptor.<SessionRequest, SessionResponse>newBuilder()
                    .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
                    .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Session"))
                    .setRequestMarshaller(ProtoUtils.marshaller(SessionRequest.getDefaultInstance()))
                    .setResponseMarshaller(ProtoUtils.marshaller(SessionResponse.getDefaultInstance()))
                    .build();

    private StageMethods() {
    }

    /** The service with its two handlers. */
    static ServerServiceDefinition service(ServerCalls.UnaryMethod<DescribeRequest, StageDescription> describe,
            ServerCalls.BidiStreamingMethod<SessionRequest, SessionResponse> session) {
        return ServerServiceDefinition.builder(SERVICE)
                .addMethod(DESCRIBE, ServerCalls.asyncUnaryCall(describe))
                .addMethod(SESSION, ServerCalls.asyncBidiStreamingCall(session))
                .build();
    }
}

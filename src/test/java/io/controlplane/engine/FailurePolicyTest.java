package io.controlplane.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sun.net.httpserver.HttpServer;
import io.controlplane.common.FailureKind;
import io.controlplane.common.OperationFailedException;
import io.controlplane.common.PermanentException;
import io.controlplane.common.TransientException;
import io.controlplane.etcd.EtcdCalls;
import io.controlplane.etcd.EtcdConflictException;
import io.controlplane.etcd.EtcdException;
import io.controlplane.etcd.EtcdPermissionDeniedException;
import io.controlplane.etcd.EtcdUnavailableException;
import io.controlplane.etcd.admin.MemberRemovalRefusedException;
import io.controlplane.patroni.PatroniClient;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdExceptionFactory;
import io.grpc.Status;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/** {@link FailurePolicy}: every exception family of ours, and what the engine does with it. */
class FailurePolicyTest {

    private static final RetryPolicy RETRIES = new RetryPolicy(5, 2, 60);

    static Stream<Arguments> ourTypes() {
        return Stream.of(
                Arguments.of(new TransientException("container still starting"), FailureKind.TRANSIENT),
                Arguments.of(new PermanentException("port 1 is taken"), FailureKind.PERMANENT),
                Arguments.of(new OperationFailedException("spec cannot be applied"), FailureKind.OPERATION_FAILED),
                // wrapped: the outermost type that tells wins
                Arguments.of(new RuntimeException("outer", new PermanentException("inner")), FailureKind.PERMANENT),
                Arguments.of(new TransientException("retry", new SQLException("syntax", "42601")), FailureKind.TRANSIENT));
    }

    @ParameterizedTest
    @MethodSource("ourTypes")
    void ourOwnTypesDecideThemselves(Throwable failure, FailureKind expected) {
        assertThat(FailurePolicy.classify(failure).kind()).isEqualTo(expected);
        assertThat(FailurePolicy.classify(failure).known()).isTrue();
    }

    static Stream<Arguments> etcdFamily() {
        return Stream.of(
                Arguments.of(new EtcdPermissionDeniedException("put: etcdserver: permission denied", null),
                        FailureKind.PERMANENT),
                Arguments.of(new EtcdUnavailableException("get: etcdserver: no leader", null), FailureKind.TRANSIENT),
                Arguments.of(new EtcdConflictException("concurrent modification"), FailureKind.TRANSIENT),
                Arguments.of(new MemberRemovalRefusedException(), FailureKind.OPERATION_FAILED),
                Arguments.of(new EtcdException("lease 1f does not exist"), FailureKind.TRANSIENT),
                // as EtcdCalls translates real answers
                Arguments.of(EtcdCalls.translate(Status.PERMISSION_DENIED
                        .withDescription("etcdserver: permission denied").asRuntimeException(), "put"), FailureKind.PERMANENT),
                Arguments.of(EtcdCalls.translate(Status.INVALID_ARGUMENT.withDescription(
                        "etcdserver: authentication failed, invalid user ID or password").asRuntimeException(), "get"),
                        FailureKind.PERMANENT),
                Arguments.of(EtcdCalls.translate(Status.UNAUTHENTICATED
                        .withDescription("etcdserver: invalid auth token").asRuntimeException(), "get"), FailureKind.TRANSIENT),
                Arguments.of(EtcdCalls.translate(Status.UNAVAILABLE.asRuntimeException(), "get"), FailureKind.TRANSIENT),
                Arguments.of(EtcdCalls.translate(Status.DEADLINE_EXCEEDED.asRuntimeException(), "get"), FailureKind.TRANSIENT),
                // raw, never translated: the cause chain is read
                Arguments.of(new CompletionException(Status.PERMISSION_DENIED.asRuntimeException()), FailureKind.PERMANENT),
                Arguments.of(new RuntimeException(Status.UNAVAILABLE.asRuntimeException()), FailureKind.TRANSIENT),
                Arguments.of(new RuntimeException(EtcdExceptionFactory.newEtcdException(ErrorCode.INVALID_ARGUMENT,
                        "etcdserver: user name is empty")), FailureKind.PERMANENT),
                Arguments.of(new RuntimeException(EtcdExceptionFactory.newEtcdException(ErrorCode.UNAVAILABLE,
                        "etcdserver: request timed out")), FailureKind.TRANSIENT));
    }

    @ParameterizedTest
    @MethodSource("etcdFamily")
    void etcdFailuresByTheirStatus(Throwable failure, FailureKind expected) {
        assertThat(FailurePolicy.classify(failure).kind()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
            // SQLSTATE, kind of a raw SQL error (only our own statements reach the policy raw)
            "08006, TRANSIENT",     // connection failure
            "08001, TRANSIENT",     // cannot connect
            "57P01, TRANSIENT",     // admin shutdown
            "57P03, TRANSIENT",     // cannot connect now (starting up)
            "40001, TRANSIENT",     // serialization failure
            "40P01, TRANSIENT",     // deadlock
            "53300, TRANSIENT",     // too many connections
            "28P01, PERMANENT",     // wrong password
            "28000, PERMANENT",     // no pg_hba entry
            "42601, PERMANENT",     // syntax error
            "42704, PERMANENT",     // undefined object
            "42501, PERMANENT",     // insufficient privilege
            "22P02, PERMANENT",     // invalid text representation
    })
    void rawSqlErrorsBySqlState(String sqlState, FailureKind expected) {
        // what the driver throws for a server error: the wire format's fields, severity, code and message
        PSQLException raw = new PSQLException(new ServerErrorMessage("SERROR\0C" + sqlState + "\0Mserver said no\0"));
        assertThat(raw.getSQLState()).isEqualTo(sqlState);
        assertThat(FailurePolicy.classify(new RuntimeException("reading settings", raw)).kind()).isEqualTo(expected);
        assertThat(FailurePolicy.classify(new SQLException("x", sqlState)).kind()).isEqualTo(expected);
    }

    @Test
    void sqlErrorWithoutStateIsAConnectionProblem() {
        assertThat(FailurePolicy.classify(new SQLException("Connection refused")).kind()).isEqualTo(FailureKind.TRANSIENT);
    }

    @Test
    void patroniAnswersAsThePatroniClientMapsThem() throws IOException {
        HttpServer patroni = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        Map<String, Integer> codes = Map.of("/reload", 503, "/restart", 500, "/switchover", 412, "/config", 409);
        patroni.createContext("/", exchange -> {
            int code = codes.getOrDefault(exchange.getRequestURI().getPath(), 404);
            exchange.getRequestBody().readAllBytes();
            byte[] body = ("answer " + code).getBytes();
            exchange.sendResponseHeaders(code, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        patroni.start();
        try {
            PatroniClient client = new PatroniClient("127.0.0.1", patroni.getAddress().getPort());
            assertThat(kindOf(client::reload)).isEqualTo(FailureKind.TRANSIENT);
            assertThat(kindOf(client::restart)).isEqualTo(FailureKind.TRANSIENT);
            assertThat(kindOf(() -> client.switchover("a", "b"))).isEqualTo(FailureKind.PERMANENT);
            // Patroni's answer to a PATCH /config that raced with another change
            assertThat(kindOf(() -> client.patchConfig(Map.of("ttl", 30)))).isEqualTo(FailureKind.TRANSIENT);
            assertThat(kindOf(client::cluster)).isEqualTo(FailureKind.PERMANENT);
        } finally {
            patroni.stop(0);
        }
        PatroniClient nobody = new PatroniClient("127.0.0.1", closedPort());
        assertThat(kindOf(nobody::reload)).isEqualTo(FailureKind.TRANSIENT);
    }

    @Test
    void ioFailuresAnywhereInTheChainAreTransient() {
        assertThat(FailurePolicy.classify(new RuntimeException(new ConnectException("refused"))).kind())
                .isEqualTo(FailureKind.TRANSIENT);
        assertThat(FailurePolicy.classify(new IllegalStateException("x", new TimeoutException())).known()).isTrue();
    }

    @Test
    void anythingElseIsRetriedAndMarkedAsAGuess() {
        FailurePolicy.Classification c = FailurePolicy.classify(new IllegalStateException("a bug"));
        assertThat(c.kind()).isEqualTo(FailureKind.TRANSIENT);
        assertThat(c.known()).isFalse();
        assertThat(c.basis()).isEqualTo("unclassified java.lang.IllegalStateException, treated as transient");
    }

    @Test
    void transientFailureIsRetriedWithBackoffUntilTheRetriesAreUsedUp() {
        TransientException e = new TransientException("still starting");
        FailurePolicy.Decision first = FailurePolicy.decide(e, RETRIES, null);
        assertThat(first.action()).isEqualTo(FailurePolicy.Action.RETRY);
        assertThat(first.retriesLeft()).isEqualTo(5);
        assertThat(first.backoffMillis()).isEqualTo(2000);
        FailurePolicy.Decision later = FailurePolicy.decide(e, RETRIES, 3);
        assertThat(later.retriesLeft()).isEqualTo(2);
        assertThat(later.backoffMillis()).isEqualTo(8000);
        FailurePolicy.Decision last = FailurePolicy.decide(e, RETRIES, 1);
        assertThat(last.action()).isEqualTo(FailurePolicy.Action.INCIDENT);
        assertThat(last.retriesLeft()).isZero();
        assertThat(last.backoffMillis()).isZero();
    }

    @Test
    void permanentFailureIsAnIncidentAtOnceWhateverRetriesAreLeft() {
        FailurePolicy.Decision d = FailurePolicy.decide(
                new EtcdPermissionDeniedException("put /cp/x: etcdserver: permission denied", null), RETRIES, null);
        assertThat(d.action()).isEqualTo(FailurePolicy.Action.INCIDENT);
        assertThat(d.retriesLeft()).isZero();
        assertThat(d.message()).isEqualTo("put /cp/x: etcdserver: permission denied");
    }

    @Test
    void operationFailureTakesTheModelledPathWithTheMessageOfTheRefusal() {
        FailurePolicy.Decision d = FailurePolicy.decide(
                new RuntimeException("removing host h3", new MemberRemovalRefusedException()), RETRIES, null);
        assertThat(d.action()).isEqualTo(FailurePolicy.Action.FAIL_OPERATION);
        assertThat(d.message()).isEqualTo(MemberRemovalRefusedException.MESSAGE);
    }

    @Test
    void messagesKeepTheirFirstLineAndAreCutForTheIncident() {
        assertThat(FailurePolicy.decide(new TransientException("first\nsecond"), RETRIES, null).message())
                .isEqualTo("first");
        String cut = FailurePolicy.decide(new TransientException("x".repeat(700)), RETRIES, null).message();
        assertThat(cut).hasSize(600).endsWith("...");
    }

    private static FailureKind kindOf(Runnable call) {
        Throwable thrown = catchThrowable(call::run);
        assertThat(thrown).as("the call must fail").isNotNull();
        return FailurePolicy.classify(thrown).kind();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

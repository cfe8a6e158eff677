package io.controlplane.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.exception.BadRequestException;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.InternalServerErrorException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.UnauthorizedException;
import io.controlplane.common.FailureKind;
import io.controlplane.common.PermanentException;
import io.controlplane.common.TransientException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link DockerFailures}: docker-java's exceptions leave {@code swarm} as ours. */
class DockerFailuresTest {

    static Stream<Arguments> daemonAnswers() {
        return Stream.of(
                Arguments.of(new NotFoundException("Status 404: {\"message\":\"No such image: controlplane/x:1\"}"),
                        FailureKind.PERMANENT, "No such image: controlplane/x:1"),
                Arguments.of(new NotFoundException("Status 404: {\"message\":\"network cp-db not found\"}"),
                        FailureKind.PERMANENT, "network cp-db not found"),
                Arguments.of(new BadRequestException("Status 400: {\"message\":\"invalid mount config\"}"),
                        FailureKind.PERMANENT, "invalid mount config"),
                Arguments.of(new UnauthorizedException("Status 401: {\"message\":\"unauthorized\"}"),
                        FailureKind.PERMANENT, "unauthorized"),
                // created concurrently by another run of the step: the retry finds it
                Arguments.of(new ConflictException("Status 409: {\"message\":\"rpc error: code = AlreadyExists desc ="
                        + " name conflicts with an existing object\"}"), FailureKind.TRANSIENT, "name conflicts"),
                Arguments.of(new ConflictException("Status 409: {\"message\":\"removal of container abc is already in"
                        + " progress\"}"), FailureKind.TRANSIENT, "already in progress"),
                Arguments.of(new InternalServerErrorException("Status 500: {\"message\":\"rpc error: code = Unknown desc"
                        + " = update out of sequence\"}"), FailureKind.TRANSIENT, "update out of sequence"),
                Arguments.of(new InternalServerErrorException("Status 500: {\"message\":\"context deadline exceeded\"}"),
                        FailureKind.TRANSIENT, "context deadline exceeded"),
                Arguments.of(new DockerException("Status 503: {\"message\":\"This node is not a swarm manager. Use"
                        + " \\\"docker swarm init\\\"\"}", 503), FailureKind.PERMANENT, "not a swarm manager"),
                Arguments.of(new DockerException("Status 503: {\"message\":\"rpc error: code = Unavailable\"}", 503),
                        FailureKind.TRANSIENT, "Unavailable"));
    }

    @ParameterizedTest
    @MethodSource("daemonAnswers")
    void daemonAnswerBecomesOurType(DockerException answer, FailureKind expected, String daemonWords) {
        RuntimeException ours = DockerFailures.translate(answer, "inspect service postgres-x");

        assertThat(ours).isInstanceOf(expected == FailureKind.PERMANENT ? PermanentException.class : TransientException.class)
                .hasMessageStartingWith("inspect service postgres-x: docker answered " + answer.getHttpStatus() + ": ")
                .hasMessageContaining(daemonWords)
                .hasCause(answer);
    }
}

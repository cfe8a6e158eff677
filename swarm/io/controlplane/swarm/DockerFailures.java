package io.controlplane.swarm;

import com.github.dockerjava.api.exception.DockerException;
import io.controlplane.common.FailureKind;
import io.controlplane.common.PermanentException;
import io.controlplane.common.TransientException;
import java.util.Locale;

/**
 * Turns docker-java's exceptions into ours at the edge of this package (only {@code swarm} may import
 * docker-java, so nothing else could tell them apart). The daemon's HTTP status decides: 5xx and 409
 * (a conflicting change by someone else, a removal in progress) may clear by themselves; other 4xx
 * answers (a missing image, network or node, an invalid spec) need someone to change something.
 */
final class DockerFailures {

    private DockerFailures() {
    }

    /** Our exception for a failed daemon call; {@code what} names the call for the message. */
    static RuntimeException translate(DockerException e, String what) {
        String message = SwarmOrchestrator.daemonMessage(e);
        String text = what + ": docker answered " + e.getHttpStatus() + ": " + message;
        return failureKind(e.getHttpStatus(), message) == FailureKind.PERMANENT
                ? new PermanentException(text, e) : new TransientException(text, e);
    }

    /** By HTTP status, with the daemon's message for the cases the status alone does not settle. */
    static FailureKind failureKind(int httpStatus, String daemonMessage) {
        String m = daemonMessage.toLowerCase(Locale.ROOT);
        if (m.contains("update out of sequence")) {
            // someone else updated the service between our read and write: reading again fixes it
            return FailureKind.TRANSIENT;
        }
        if (m.contains("not a swarm manager") || m.contains("swarm is not initialized")) {
            // 503 from the daemon, but it stays so until an operator initializes or joins a swarm
            return FailureKind.PERMANENT;
        }
        if (httpStatus >= 500 || httpStatus == 408 || httpStatus == 409 || httpStatus == 429) {
            return FailureKind.TRANSIENT;
        }
        if (httpStatus >= 400) {
            return FailureKind.PERMANENT;
        }
        // no status (the client gave up before an answer) or an unexpected 3xx
        return FailureKind.TRANSIENT;
    }
}

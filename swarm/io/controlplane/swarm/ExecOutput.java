package io.controlplane.swarm;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * The output of a {@code docker exec}: frames arrive in arbitrary pieces, so bytes are collected per
 * stream and handed on line by line; the last lines are kept for an error message.
 */
final class ExecOutput extends ResultCallback.Adapter<Frame> {

    private final Consumer<String> lines;
    private final int keep;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final Deque<String> tail = new ArrayDeque<>();

    ExecOutput(Consumer<String> lines, int keep) {
        this.lines = lines;
        this.keep = keep;
    }

    @Override
    public void onNext(Frame frame) {
        ByteArrayOutputStream buffer = switch (frame.getStreamType()) {
            case STDERR -> stderr;
            default -> stdout;
        };
        synchronized (this) {
            for (byte b : frame.getPayload()) {
                if (b == '\n') {
                    emit(buffer);
                } else {
                    buffer.write(b);
                }
            }
        }
    }

    /** Hands on what is left without a line break. */
    synchronized void flush() {
        if (stdout.size() > 0) {
            emit(stdout);
        }
        if (stderr.size() > 0) {
            emit(stderr);
        }
    }

    synchronized List<String> tail() {
        return new ArrayList<>(tail);
    }

    private void emit(ByteArrayOutputStream buffer) {
        String line = buffer.toString(StandardCharsets.UTF_8);
        buffer.reset();
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        tail.addLast(line);
        if (tail.size() > keep) {
            tail.removeFirst();
        }
        lines.accept(line);
    }
}

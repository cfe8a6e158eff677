package io.controlplane.engine;

/** Names of the BPMN messages the Java code correlates. */
public final class BpmnMessages {

    /**
     * Cancels an operation that models its cleanup: an interrupting event sub-process "Operation
     * canceled" starts on this message, stops what the operation runs and undoes what it started.
     * Operations without it are canceled by deleting their process instance.
     */
    public static final String CANCEL_OPERATION = "cancelOperation";

    private BpmnMessages() {
    }
}

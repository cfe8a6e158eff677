package io.controlplane.engine;

/** BPMN error codes that steps throw and the processes catch. */
public final class BpmnErrors {

    /**
     * A step ended the operation ({@link io.controlplane.common.OperationFailedException}); every
     * operation catches it in its "Operation failed" event sub-process, also when a called instance
     * process threw it, and keeps the message in {@link ProcessVariables#OPERATION_ERROR}.
     */
    public static final String OPERATION_FAILED = "operation_failed";

    private BpmnErrors() {
    }
}

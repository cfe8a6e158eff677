package io.controlplane.etcd.admin;

import io.controlplane.common.FailureKind;
import io.controlplane.etcd.EtcdException;

/**
 * Removing the member would leave fewer than two voters, which cannot survive the loss of any
 * further member. pgEdge refuses with the same message. A refusal by design: the operation that
 * asked for it fails.
 */
public class MemberRemovalRefusedException extends EtcdException {

    public static final String MESSAGE = "cannot remove a member from a cluster with less than three nodes";

    public MemberRemovalRefusedException() {
        super(MESSAGE, null, FailureKind.OPERATION_FAILED);
    }
}

package io.controlplane.etcd.admin;

/**
 * An etcd member id. It is a uint64 that Java holds in a signed long; it is shown as unsigned
 * hex, like etcdctl does.
 */
public record MemberId(long value) {

    public static MemberId parse(String hex) {
        return new MemberId(Long.parseUnsignedLong(hex, 16));
    }

    public String hex() {
        return Long.toHexString(value);
    }

    @Override
    public String toString() {
        return hex();
    }
}

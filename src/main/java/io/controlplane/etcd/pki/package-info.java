/**
 * The cluster's own certificate authority. Its certificate and key are plain PEM strings so they
 * can live in etcd (pgEdge keeps them under {@code /root_ca}) and be handed to joining hosts.
 * Issued certificates must work for Go (etcd), Python (Patroni) and pgBackRest, which is why
 * keys are PKCS#8 PEM and IP addresses are also written as DNS names.
 */
package io.controlplane.etcd.pki;

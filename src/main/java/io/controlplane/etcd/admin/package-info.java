/**
 * etcd administration over jetcd: turning on auth, the per-host and per-instance users, and
 * cluster membership. Members are added as voters because jetcd 0.8.5 cannot promote learners.
 */
package io.controlplane.etcd.admin;

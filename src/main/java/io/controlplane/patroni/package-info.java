/**
 * Patroni: the configuration file generated for each instance (reference §6.3) and a client for
 * Patroni's REST API (state, reload, restart, dynamic configuration).
 */
package io.controlplane.patroni;

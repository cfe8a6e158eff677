/** The cluster this host belongs to: whether it exists yet, its hosts and their health. */
package io.controlplane.cluster;

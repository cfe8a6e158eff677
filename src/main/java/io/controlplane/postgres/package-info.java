/** SQL the control plane runs on a node's primary: roles, the application database, scripts. */
package io.controlplane.postgres;

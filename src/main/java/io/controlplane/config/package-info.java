/**
 * Server configuration: defaults, the generated config in the data dir, the JSON config file,
 * {@code CONTROL_PLANE_*} environment variables and command-line flags, merged in that order of
 * precedence and checked before anything starts.
 */
package io.controlplane.config;

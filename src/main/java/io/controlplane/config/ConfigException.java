package io.controlplane.config;

/** A configuration problem; its message is one line naming the key, shown to the operator as is. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}

package io.controlplane.common;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Properties;

/**
 * What {@code GET /v1/version} returns; read from the build-info and git properties that the build
 * puts on the classpath, so the {@code version} command works without starting the server.
 */
public record VersionInfo(String version, String revision, String revisionTime, String arch) {

    public static VersionInfo fromClasspath() {
        Properties build = load("META-INF/build-info.properties");
        Properties git = load("git.properties");
        String version = build.getProperty("build.version", "0.0.0-dev");
        return new VersionInfo(
                version.startsWith("v") ? version : "v" + version,
                git.getProperty("git.commit.id", "unknown"),
                git.getProperty("git.commit.time", build.getProperty("build.time", "unknown")),
                goArch(System.getProperty("os.arch", "unknown")));
    }

    public String toJson() {
        return "{\"version\":\"" + version + "\",\"revision\":\"" + revision + "\",\"revision_time\":\""
                + revisionTime + "\",\"arch\":\"" + arch + "\"}";
    }

    /** pgEdge reports Go's architecture names. */
    static String goArch(String javaArch) {
        return switch (javaArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i686" -> "386";
            default -> javaArch;
        };
    }

    private static Properties load(String resource) {
        Properties p = new Properties();
        try (InputStream in = VersionInfo.class.getClassLoader().getResourceAsStream(resource)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // a missing or broken file leaves the defaults
        }
        return p;
    }
}

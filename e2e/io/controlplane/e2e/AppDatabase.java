package io.controlplane.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** The database the e2e classes create: {@code app}, owned by the superuser {@code admin}, and connections to it. */
final class AppDatabase {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AppDatabase() {
    }

    /** A spec without nodes: database {@code app}, 256 MiB per instance, user {@code admin} (owner, superuser). */
    static ObjectNode spec(String adminPassword) {
        ObjectNode spec = JSON.createObjectNode();
        spec.put("database_name", "app");
        spec.put("memory", "256MiB");
        ObjectNode user = spec.putArray("database_users").addObject();
        user.put("username", "admin").put("password", adminPassword).put("db_owner", true);
        user.putArray("attributes").add("LOGIN").add("SUPERUSER");
        return spec;
    }

    /** The spec's {@code admin} user, to add roles to. */
    static ObjectNode admin(ObjectNode spec) {
        return (ObjectNode) spec.path("database_users").get(0);
    }

    /** {@code app} on 127.0.0.1:{@code port} as {@code admin}. */
    static Connection connect(int port, String adminPassword, int socketTimeoutSeconds) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "admin");
        p.setProperty("password", adminPassword);
        p.setProperty("connectTimeout", "5");
        p.setProperty("socketTimeout", String.valueOf(socketTimeoutSeconds));
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/app", p);
    }
}

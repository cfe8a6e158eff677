package io.controlplane.api;

import io.controlplane.config.ControlPlaneConfig;
import io.controlplane.config.EngineAdmin;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Tells the operator, once the server answers, where the API, Cockpit and UI are and where the admin password is. */
@Component
class StartupReport {

    private final ControlPlaneConfig config;

    StartupReport(ControlPlaneConfig config) {
        this.config = config;
    }

    @EventListener(ApplicationReadyEvent.class)
    void report() {
        String host = config.http().bindAddr().equals("0.0.0.0") || config.http().bindAddr().equals("::")
                ? config.peerAddresses().get(0) : config.http().bindAddr();
        String base = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + config.http().port();
        System.out.println("Control Plane host '" + config.hostId() + "' is ready");
        System.out.println("  API:     " + base + "/v1   (OpenAPI: " + base + "/v1/openapi.json)");
        System.out.println("  Cockpit: " + base + "/camunda/app/cockpit/default/");
        System.out.println("  UI:      " + base + "/ui/");
        System.out.println("  Login:   user '" + config.engine().adminUser() + "', password in "
                + EngineAdmin.passwordLocation(config));
        System.out.flush();
    }
}

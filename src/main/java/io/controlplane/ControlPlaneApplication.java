package io.controlplane;

import io.controlplane.config.ConfigException;
import io.controlplane.config.ConfigLoader;
import io.controlplane.config.ControlPlaneConfig;
import io.controlplane.config.EngineAdmin;
import io.controlplane.config.SpringProperties;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.core.metrics.jfr.FlightRecorderApplicationStartup;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The control plane server: {@code java -jar control-plane.jar [run|version] [flags]}. */
@SpringBootApplication
@EnableScheduling
public class ControlPlaneApplication {

    public static void main(String[] args) {
        ConfigLoader.Result loaded;
        try {
            if (args.length > 0 && args[0].equals("version")) {
                System.out.println(io.controlplane.common.VersionInfo.fromClasspath().toJson());
                return;
            }
            loaded = ConfigLoader.load(args, System.getenv());
        } catch (ConfigException e) {
            System.err.println("control-plane: invalid configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        loaded.warnings().forEach(w -> System.err.println("control-plane: warning: " + w));
        run(loaded.config());
    }

    /** Starts the server for an already loaded configuration (also used by tests). */
    public static org.springframework.context.ConfigurableApplicationContext run(ControlPlaneConfig config) {
        ControlPlaneConfig effective = EngineAdmin.ensurePassword(config);
        SpringApplication app = new SpringApplication(ControlPlaneApplication.class);
        Map<String, Object> properties = SpringProperties.from(effective);
        app.setDefaultProperties(properties);
        if (Boolean.getBoolean("controlplane.startup.jfr")) {
            // Spring's start-up steps (bean creation, configuration parsing) as JFR events next to the
            // JVM's own; see docs/performance.md for how to read where start-up time goes
            app.setApplicationStartup(new FlightRecorderApplicationStartup());
        }
        app.addInitializers(ctx -> ctx.getBeanFactory().registerSingleton("controlPlaneConfig", effective));
        return app.run();
    }
}

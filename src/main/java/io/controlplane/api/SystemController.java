package io.controlplane.api;

import io.controlplane.common.VersionInfo;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "System")
class SystemController {

    private final VersionInfo version = VersionInfo.fromClasspath();

    @GetMapping("/v1/version")
    @Operation(operationId = "get-version", summary = "Version of this control plane server")
    VersionInfo version() {
        return version;
    }
}

package dev.musubi;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/** Keeps the module boundaries of docs/architecture.md true and writes the module diagram. */
class ModularityTests {

  private final ApplicationModules modules = ApplicationModules.of(MusubiApplication.class);

  @Test
  void modulesOnlyUseEachOthersPublicApi() {
    modules.verify();
  }

  @Test
  void writesTheModuleDiagramIntoDocs() {
    new Documenter(modules, "docs/modules")
        .writeModulesAsPlantUml()
        .writeIndividualModulesAsPlantUml();
  }
}

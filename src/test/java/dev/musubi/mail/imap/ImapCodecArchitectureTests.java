package dev.musubi.mail.imap;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The IMAP wire format stays plain Java (conventions: "Protocol code"). */
class ImapCodecArchitectureTests {

  @Test
  void theCodecImportsNoSpringAndNoServerCode() {
    var classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.musubi.mail.imap.codec");
    noClasses()
        .that()
        .resideInAPackage("dev.musubi.mail.imap.codec..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.springframework..", "dev.musubi.mail.imap", "jakarta..")
        .check(classes);
  }
}
